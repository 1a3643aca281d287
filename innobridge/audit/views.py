"""The history page of a record (staff only)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from innobridge.accounts.permissions import is_staff, require
from innobridge.audit import selectors
from innobridge.lib.views import paginate


@login_required
def history(request, model: str, slug: str):
    require(is_staff(request.user))
    content_type = selectors.tracked_content_type(model)
    if content_type is None:
        raise Http404
    record, entries = selectors.record_history(content_type=content_type, slug=slug)
    if record is None and not entries.exists():
        raise Http404
    page = paginate(request, entries)
    return render(
        request,
        "audit/history.html",
        {
            "record": record,
            "record_type": content_type,
            "model_name": content_type.model_class()._meta.verbose_name,
            "slug": slug,
            "page": page,
            "rows": selectors.readable_changes(page),
        },
    )

"""The home page: the programme at a glance."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from innobridge.accounts.permissions import staff_required
from innobridge.directory.models import Organisation
from innobridge.front.search import search_everything
from innobridge.lib.concurrency import EditConflict
from innobridge.matching import english
from innobridge.programmes import selectors


def home(request):
    user = request.user
    agreements = selectors.agreements_visible(user)
    delegations = selectors.delegation_list(user=user)
    counts = {
        "organisations": Organisation.objects.count(),
        "park_companies": Organisation.objects.filter(kind=Organisation.Kind.PARK_COMPANY).count(),
        "delegations": delegations.count(),
        "agreements": agreements.count(),
    }
    return render(
        request,
        "front/home.html",
        {
            "counts": counts,
            "programmes": selectors.programme_list(),
            "latest_delegation": delegations.prefetch_related("stops__place").first(),
            "recent_agreements": selectors.agreement_list(user=user)[:5],
            "upcoming_events": selectors.upcoming_events(user=user, today=timezone.localdate()),
        },
    )


def search(request):
    q = request.GET.get("q", "")
    groups = search_everything(user=request.user, q=q)
    return render(request, "front/search.html", {"q": q, "groups": groups, "total": sum(g.total for g in groups)})


@staff_required
@require_http_methods(["GET", "POST"])
def english_summaries(request):
    """Records written in Chinese that English readers see without an English title or summary,
    per kind and most important first; staff type both in place. A row changed by someone else
    since the page was opened is not overwritten."""
    if request.method == "POST":
        kind = english.KINDS.get(request.POST.get("kind", ""))
        if kind is None:
            raise Http404
        record = get_object_or_404(kind.model, slug=request.POST.get("slug", ""))
        try:
            english.english_set(
                kind=kind,
                record=record,
                title_en=request.POST.get("title_en", ""),
                summary_en=request.POST.get("summary_en", ""),
                seen_title=request.POST.get("seen_title", ""),
                seen_summary=request.POST.get("seen_summary", ""),
                seen_original=request.POST.get("seen_original", ""),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except EditConflict:
            messages.error(
                request,
                _("“%(name)s” was changed by someone else meanwhile: nothing was saved. Check it and try again.")
                % {"name": kind.original_title(record)},
            )
        else:
            messages.success(request, _("English saved: %(name)s.") % {"name": kind.original_title(record)})
        if request.POST.get("single"):
            return redirect(reverse("front:english_summaries") + f"?kind={kind.key}&slug={record.slug}")
        return redirect(reverse("front:english_summaries") + f"#english-{kind.key}")
    kind = english.KINDS.get(request.GET.get("kind", ""))
    if kind is not None:  # one record, with or without English: its page's "Edit English" link
        try:
            lacking = [english.one(kind, request.GET.get("slug", ""))]
        except kind.model.DoesNotExist as exc:
            raise Http404 from exc
    else:
        lacking = english.lacking_english()
    for entry in lacking:
        for record in entry.records:
            record.english_fingerprint = english.fingerprint(entry.kind, record)
    return render(request, "front/english_summaries.html", {"lacking": lacking, "single": kind is not None})

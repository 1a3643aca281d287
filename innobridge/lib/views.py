"""Small helpers shared by views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import Http404

T = TypeVar("T")


def get_or_404(selector: Callable[..., T], **kwargs) -> T:
    try:
        return selector(**kwargs)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


def paginate(request, items) -> Page:
    return Paginator(items, settings.PAGE_SIZE).get_page(request.GET.get("page"))


def querystring_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def staff_required(view):
    """Anonymous visitors are sent to the site's sign-in page; signed-in non-staff get the 403 page.

    Unlike ``staff_member_required``, which sends everyone to the admin's sign-in, a partner who
    follows a staff link learns that the page is not for them instead of being asked to sign in again.
    """
    from innobridge.accounts.permissions import is_staff

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper

"""Sign-in throttling: after LOGIN_FAILURE_LIMIT failures within LOGIN_FAILURE_WINDOW, an
account, and separately an address, is refused until the oldest failure leaves the window.

Failures live in the database, so every worker process and server sees the same count.
While refused, credentials are not even checked, so guessing gains nothing.
"""

from __future__ import annotations

import math
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from innobridge.accounts.models import LoginFailure


def client_address(request) -> str | None:
    """The client's address; behind TRUSTED_PROXY_COUNT proxies, taken from X-Forwarded-For."""
    if request is None:
        return None
    hops = settings.TRUSTED_PROXY_COUNT
    if hops:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR") or None


def _window() -> timedelta:
    return timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)


def minutes_refused(username: str, address: str | None) -> int:
    """0 when a sign-in may be tried, else the minutes to wait."""
    since = timezone.now() - _window()
    username = username.strip().casefold()
    limit = settings.LOGIN_FAILURE_LIMIT
    waits = []
    for condition in (Q(username=username), Q(address=address) if address else None):
        if condition is None:
            continue
        times = list(
            LoginFailure.objects.filter(condition, at__gte=since).order_by("-at").values_list("at", flat=True)[:limit]
        )
        if len(times) >= limit:
            waits.append((times[-1] + _window() - timezone.now()).total_seconds())
    return max(1, math.ceil(max(waits) / 60)) if waits else 0


def record_failure(username: str, address: str | None) -> None:
    LoginFailure.objects.create(username=username.strip().casefold()[:150], address=address)
    LoginFailure.objects.filter(at__lt=timezone.now() - 4 * _window()).delete()  # keep the table small


class ThrottledMixin:
    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": _("Too many failed sign-in attempts. For your security, try again in %(minutes)d minute(s)."),
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = client_address(self.request)
        wait = minutes_refused(username, address)
        if wait:
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled", params={"minutes": wait})
        try:
            return super().clean()
        except forms.ValidationError as exc:
            if getattr(exc, "code", None) == "invalid_login":
                record_failure(username, address)
            raise


class ThrottledAuthenticationForm(ThrottledMixin, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(ThrottledMixin, AdminAuthenticationForm):
    error_messages = {**AdminAuthenticationForm.error_messages, **ThrottledMixin.error_messages}

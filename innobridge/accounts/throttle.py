"""Sign-in throttling, per (account, address) pair and per address, never per account alone.

After LOGIN_FAILURE_LIMIT failures for one user name from one address within the window, that
pair is refused; after LOGIN_ADDRESS_FAILURE_LIMIT failures from one address (any user names),
the address is. An account is never locked for everybody: anyone could otherwise lock a staff
account by typing its name with a wrong password (OWASP, "Blocking Brute Force Attacks"); the
owner, from their own address, can still sign in, and can reset the password by e-mail.

Every attempt is written down *before* the password is checked and the attempts are counted
after that write, so of any number of simultaneous attempts at most the limit get a password
check (the j-th write sees at least j rows). A successful sign-in removes its own row.
Attempts live in the database, so every worker process and server sees the same count.
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


def _wait(condition: Q, limit: int, since) -> float | None:
    """Seconds to wait when more than ``limit`` attempts match (this one included), else None."""
    times = list(
        LoginFailure.objects.filter(condition, at__gte=since).order_by("-at").values_list("at", flat=True)[: limit + 1]
    )
    if len(times) <= limit:
        return None
    return (times[limit] + _window() - timezone.now()).total_seconds()


def minutes_refused(username: str, address: str | None) -> int:
    """0 when the attempt already written down may be checked, else the minutes to wait."""
    since = timezone.now() - _window()
    username = username.strip().casefold()[:150]
    waits = [_wait(Q(username=username, address=address), settings.LOGIN_FAILURE_LIMIT, since)]
    if address:
        waits.append(_wait(Q(address=address), settings.LOGIN_ADDRESS_FAILURE_LIMIT, since))
    waits = [w for w in waits if w is not None]
    return max(1, math.ceil(max(waits) / 60)) if waits else 0


def attempt_begin(username: str, address: str | None) -> LoginFailure:
    """Write the attempt down (committed at once: the view runs in autocommit) before any check."""
    LoginFailure.objects.filter(at__lt=timezone.now() - 4 * _window()).delete()  # keep the table small
    return LoginFailure.objects.create(username=username.strip().casefold()[:150], address=address)


class ThrottledMixin:
    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": _("Too many failed sign-in attempts. For your security, try again in %(minutes)d minute(s)."),
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if "@" in username:  # accounts made by sign-up use the case-folded e-mail address as user name
            username = self.cleaned_data["username"] = username.strip().casefold()
        address = client_address(self.request)
        attempt = attempt_begin(username, address)
        wait = minutes_refused(username, address)
        if wait:
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled", params={"minutes": wait})
        try:
            cleaned = super().clean()
        except forms.ValidationError as exc:
            if getattr(exc, "code", None) != "invalid_login":
                attempt.delete()  # e.g. an inactive account: not a guess
            raise
        attempt.delete()
        return cleaned


class ThrottledAuthenticationForm(ThrottledMixin, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(ThrottledMixin, AdminAuthenticationForm):
    error_messages = {**AdminAuthenticationForm.error_messages, **ThrottledMixin.error_messages}

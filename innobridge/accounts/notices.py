"""Notices to one user: in the app (the bell and its page) and by e-mail, in the user's own language.

Any app sends one with ``notify``; the words are produced by a callable run in the recipient's language,
so a staff member working in English notifies a partner who reads Simplified Chinese in Simplified
Chinese. A mail server that is down never stops the notice in the app (``emailed`` stays false).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from innobridge.accounts.models import CalendarFeed, Notice, Preferences

logger = logging.getLogger(__name__)

# (subject, body) worded in the language that is active when it is called.
Words = Callable[[], tuple[str, str]]


def preferences_of(user: User) -> Preferences:
    prefs, _created = Preferences.objects.get_or_create(user=user)
    return prefs


def in_language_of(user: User, words: Callable[[], str]) -> str:
    """``words()`` in the user's chosen language."""
    with translation.override(preferences_of(user).language or settings.LANGUAGE_CODE):
        return words()


def notify(
    *, user: User, kind: str, words: Words, url_name: str = "", url_kwargs: dict | None = None, key: str = ""
) -> Notice | None:
    """Record a notice for ``user`` and e-mail it unless they turned ``kind`` off. ``url_name`` is reversed
    in the recipient's language, so the link opens the page in it. A ``key`` makes it a one-off: a user who
    already has a notice with that key gets nothing (``None``), however often a daily job runs."""
    if key and Notice.objects.filter(user=user, key=key).exists():
        return None
    prefs = preferences_of(user)
    with translation.override(prefs.language or settings.LANGUAGE_CODE):
        subject, body = words()
        try:
            url = reverse(url_name, kwargs=url_kwargs or {}) if url_name else ""
        except NoReverseMatch:
            url = ""
    try:
        with transaction.atomic():
            notice = Notice.objects.create(user=user, kind=kind, subject=subject[:300], body=body, url=url, key=key)
    except IntegrityError:  # a parallel run sent this keyed notice a moment ago
        return None
    if user.email and user.is_active and kind not in (prefs.email_off or []):
        link = f"\n\n{settings.SITE_URL.rstrip('/')}{url}" if url and getattr(settings, "SITE_URL", "") else ""
        try:
            sent = send_mail(subject[:300], body + link, settings.DEFAULT_FROM_EMAIL, [user.email]) > 0
        except Exception:  # the notice in the app stands; the e-mail is reported as not sent
            logger.exception("notice %s to %s not e-mailed", notice.pk, user.pk)
            sent = False
        if sent:
            Notice.objects.filter(pk=notice.pk).update(emailed=True)
            notice.emailed = True
    return notice


def notify_all(
    *, users: Iterable[User], kind: str, words: Words, url_name: str = "", url_kwargs=None, key: str = ""
) -> int:
    """Notify each user; returns how many got a notice (a keyed one is not sent twice)."""
    count = 0
    for user in users:
        if notify(user=user, kind=kind, words=words, url_name=url_name, url_kwargs=url_kwargs, key=key):
            count += 1
    return count


def notices_for(*, user: User) -> QuerySet[Notice]:
    return Notice.objects.filter(user=user).order_by("-created", "-pk")


def unread_count(*, user: User) -> int:
    return Notice.objects.filter(user=user, read__isnull=True).count()


def notices_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    qs = Notice.objects.filter(user=user, read__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read=timezone.now())


def preferences_save(*, user: User, language: str, email_on: Iterable[str]) -> Preferences:
    """Save the user's language and the kinds of notice they want by e-mail (the others are turned off)."""
    codes = {code for code, _label in settings.LANGUAGES}
    if language not in codes:
        raise ValueError(f"unknown language {language!r}")
    wanted = set(email_on)
    prefs = preferences_of(user)
    prefs.language = language
    prefs.email_off = sorted(k for k in Notice.Kind.values if k not in wanted)
    prefs.save(update_fields=["language", "email_off"])
    return prefs


# ---- the personal calendar address ------------------------------------------------------------------


def _feed_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def calendar_feed_create(*, user: User) -> str:
    """Make (or replace) the user's calendar address; returns its secret, shown once and never stored."""
    secret = secrets.token_urlsafe(24)
    CalendarFeed.objects.update_or_create(user=user, defaults={"secret_hash": _feed_hash(secret), "last_used": None})
    return secret


def calendar_feed_revoke(*, user: User) -> None:
    CalendarFeed.objects.filter(user=user).delete()


def calendar_feed_user(secret: str) -> User | None:
    """The active user whose calendar address this is, if any."""
    if not secret or len(secret) > 100:
        return None
    feed = CalendarFeed.objects.select_related("user").filter(secret_hash=_feed_hash(secret)).first()
    if feed is None or not feed.user.is_active:
        return None
    CalendarFeed.objects.filter(pk=feed.pk).update(last_used=timezone.now())
    return feed.user

"""Accounts: API tokens, sign-in throttling and password resets. Which organisation a partner user acts
for is ``directory.Membership`` (``user.membership``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LoginFailure(models.Model):
    """A failed sign-in, kept briefly to slow down password guessing (see accounts.throttle)."""

    username = models.CharField(_("user name"), max_length=150, db_index=True)
    address = models.GenericIPAddressField(_("IP address"), null=True, db_index=True)
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("failed sign-in")
        verbose_name_plural = _("failed sign-ins")

    def __str__(self) -> str:
        return f"{self.username} from {self.address} at {self.at:%Y-%m-%d %H:%M}"


class PasswordResetRequest(models.Model):
    """A request for a password-reset e-mail, kept briefly to limit how many are sent (see accounts.reset)."""

    email = models.CharField(_("e-mail address"), max_length=254, db_index=True)
    address = models.GenericIPAddressField(_("IP address"), null=True, db_index=True)
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("password reset request")
        verbose_name_plural = _("password reset requests")

    def __str__(self) -> str:
        return f"{self.email} from {self.address} at {self.at:%Y-%m-%d %H:%M}"


class ApiToken(models.Model):
    """A personal key for the JSON API. Only a hash of the secret is stored; it is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(_("secret hash"), max_length=64, unique=True, editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked is None


class Notice(models.Model):
    """Something a user should know or do, shown in the app (the bell) and e-mailed unless the user turned
    that kind of notice off (``Preferences.email_off``)."""

    class Kind(models.TextChoices):
        MEMBERSHIP = "membership", _("membership requests and invitations")
        CONTACT = "contact", _("contact requests and answers")
        REGISTRATION = "registration", _("session registrations")
        AGENDA = "agenda", _("agendas published or changed")
        REMINDER = "reminder", _("meeting reminders")
        OUTCOME = "outcome", _("meeting outcomes due")
        MILESTONE = "milestone", _("milestones due")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices", verbose_name=_("user")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    emailed = models.BooleanField(_("e-mailed"), default=False)
    read = models.DateTimeField(_("read"), null=True, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    # What a reminder is about (e.g. "meeting-reminder:12:34"): a keyed notice is sent to a user once.
    key = models.CharField(_("key"), max_length=100, blank=True, default="")

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["user", "read"], name="notice_user_read")]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], condition=~models.Q(key=""), name="one_notice_per_key")
        ]

    def __str__(self) -> str:
        return self.subject


class Preferences(models.Model):
    """A user's own settings: the language notices and e-mails are written in, and the kinds of notice
    they do not want by e-mail (they still appear in the app)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preferences", verbose_name=_("user")
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="en")
    email_off = models.JSONField(_("kinds not sent by e-mail"), default=list, blank=True)

    class Meta:
        verbose_name = _("preferences")
        verbose_name_plural = _("preferences")

    def __str__(self) -> str:
        return f"{self.user}"


class CalendarFeed(models.Model):
    """A user's personal calendar address (iCalendar): a secret link a calendar application polls without
    signing in. Only a hash of the secret is stored; making a new address revokes the old one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed", verbose_name=_("user")
    )
    secret_hash = models.CharField(_("secret hash"), max_length=64, unique=True, editable=False)
    created = models.DateTimeField(_("created"), auto_now=True)
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.user}"

"""Who changed which business record, when, from what to what; and who called the API."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AuditEntry(models.Model):
    """One create, update or delete of a business record, written in the same transaction as the change.

    ``before`` and ``after`` hold only the fields that changed (all fields on create and delete), as
    JSON; ``object_slug`` and ``label`` keep a deleted record's history findable and readable.
    """

    class Action(models.TextChoices):
        CREATE = "create", pgettext_lazy("history action", "created")
        UPDATE = "update", pgettext_lazy("history action", "changed")
        DELETE = "delete", pgettext_lazy("history action", "deleted")

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("record type"))
    object_pk = models.CharField(_("record key"), max_length=64)
    object_slug = models.CharField(_("record reference"), max_length=100, blank=True, db_index=True)
    label = models.CharField(_("record"), max_length=300, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("user"),
    )
    actor = models.CharField(_("by"), max_length=150, help_text=_("User name, or what acted: system, a command."))
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_pk"], name="audit_record_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.label}"

    def changes(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for every field named on either side, in a stable order."""
        names = list(dict.fromkeys([*self.before.keys(), *self.after.keys()]))
        return [(n, self.before.get(n), self.after.get(n)) for n in names]


class ApiAccess(models.Model):
    """One call to the JSON API: who, with which token, what, the answer's status and time taken."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("user"),
    )
    token = models.ForeignKey(
        "accounts.ApiToken",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="accesses",
        verbose_name=_("token"),
    )
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("path"), max_length=500)
    status = models.PositiveSmallIntegerField(_("status"))
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    duration_ms = models.PositiveIntegerField(_("time taken (ms)"), default=0)
    address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("API access")
        verbose_name_plural = _("API accesses")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.method} {self.path} {self.status}"

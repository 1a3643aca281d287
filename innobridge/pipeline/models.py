"""What follows a signing: status history, milestones with owners and evidence, in-app notices."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from innobridge.directory.models import Person
from innobridge.documents.models import SourceDocument
from innobridge.lib.concurrency import VersionedModel
from innobridge.lib.limits import SHORT_TEXT, LimitedTextField
from innobridge.lib.models import TimeStampedModel, pick_language
from innobridge.programmes.models import Agreement


def new_milestone_reference() -> str:
    """Milestone addresses carry this random reference, never the row id."""
    return f"ms-{secrets.token_hex(5)}"


class StatusChange(models.Model):
    """One step of an agreement's lifecycle: who moved it, when, from which status to which."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("agreement")
    )
    from_status = models.CharField(_("from"), max_length=20, choices=Agreement.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Agreement.Status.choices)
    on = models.DateField(_("effective on"), help_text=_("The day the change took effect."))
    note = LimitedTextField(_("note"), limit=SHORT_TEXT)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("changed by"),
    )
    recorded = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["on", "recorded", "pk"]
        indexes = [models.Index(fields=["to_status", "on"], name="statuschange_to_on")]

    def __str__(self) -> str:
        return f"{self.agreement_id}: {self.from_status or '∅'} → {self.to_status} ({self.on})"


class Milestone(VersionedModel, TimeStampedModel):
    """A step an agreement must reach by a date, owned by a person, proven by documents."""

    audited = True  # every change is kept in the audit trail (innobridge.audit)

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("agreement")
    )
    reference = models.SlugField(
        _("reference"), max_length=20, unique=True, editable=False, default=new_milestone_reference
    )
    title_zh_hant = models.CharField(_("title (Traditional Chinese)"), max_length=300, blank=True)
    title_zh_hans = models.CharField(_("title (Simplified Chinese)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    due = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="milestones",
        verbose_name=_("owner (user)"),
        help_text=_("Gets reminders in the app and by e-mail."),
    )
    owner_person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="milestones",
        verbose_name=_("owner (person)"),
        help_text=_("Gets reminders by e-mail when no user is set and the person has an e-mail address."),
    )
    note = LimitedTextField(_("note"), limit=SHORT_TEXT)
    evidence = models.ManyToManyField(
        SourceDocument, verbose_name=_("evidence documents"), blank=True, related_name="milestones"
    )

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due", "pk"]
        indexes = [models.Index(fields=["status", "due"], name="milestone_status_due")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="done") | models.Q(done_on__isnull=False),
                name="milestone_done_has_date",
                violation_error_message=_("A milestone marked done needs the day it was done."),
            ),
            models.CheckConstraint(
                condition=~models.Q(title_zh_hant="", title_zh_hans="", title_en=""),
                name="milestone_has_title",
                violation_error_message=_("Give a title in at least one language."),
            ),
        ]

    def title_for(self, language: str | None) -> str:
        return pick_language(self.title_zh_hant, self.title_zh_hans, self.title_en, language)

    @property
    def title(self) -> str:
        from django.utils.translation import get_language

        return self.title_for(get_language())

    def __str__(self) -> str:
        return self.title or "—"


class Notification(models.Model):
    """A notice to one user (in the app) and/or an address (by e-mail), e.g. a milestone reminder.

    A milestone gets at most one reminder a day: (milestone, day) is unique.
    """

    class Kind(models.TextChoices):
        OVERDUE = "overdue", _("milestone overdue")
        UPCOMING = "upcoming", _("milestone due soon")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("user"),
    )
    email = models.EmailField(_("e-mail address"), blank=True)
    milestone = models.ForeignKey(
        Milestone,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("milestone"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    day = models.DateField(_("day"))
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    emailed = models.BooleanField(_("e-mailed"), default=False)
    read = models.DateTimeField(_("read"), null=True, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created", "-pk"]
        constraints = [models.UniqueConstraint(fields=["milestone", "day"], name="one_reminder_per_milestone_a_day")]

    def __str__(self) -> str:
        return self.subject

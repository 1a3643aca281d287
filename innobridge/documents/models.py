"""Source documents and the provenance of the facts taken from them."""

from __future__ import annotations

import re
import secrets

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from innobridge.lib.models import TimeStampedModel
from innobridge.programmes.models import Agreement, Event

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


class SourceDocument(TimeStampedModel):
    """A press release, minutes or signed text that facts in the directory come from.

    ``content_hash`` (SHA-256 of the original bytes) makes a second ingestion of the
    same file a no-op; ``text`` is the cleaned text that evidence spans point into.
    """

    audited = True  # every change is kept in the audit trail (innobridge.audit)

    class Kind(models.TextChoices):
        PRESS_RELEASE = "press_release", _("press release")
        MINUTES = "minutes", _("meeting minutes")
        AGREEMENT = "agreement", _("agreement text")
        WEB_PAGE = "web_page", _("web page")
        OTHER = "other", _("other document")

    title = models.CharField(_("title"), max_length=500)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PRESS_RELEASE)
    language = models.CharField(_("language"), max_length=10, blank=True)
    published = models.DateField(_("published"), null=True, blank=True)
    url = models.URLField(_("address"), blank=True)
    content_hash = models.CharField(_("content hash"), max_length=64, unique=True)
    text = models.TextField(_("text"), blank=True)
    slug = models.SlugField(_("reference"), max_length=40, unique=True, editable=False)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    format = models.CharField(_("format"), max_length=10, blank=True)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    file = models.FileField(_("original file"), upload_to="documents/%Y/", blank=True)
    previous_version = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="later_versions",
        verbose_name=_("previous version"),
    )
    committed = models.DateTimeField(_("committed"), null=True, blank=True)
    uploaded_by = models.ForeignKey("auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("source document")
        verbose_name_plural = _("source documents")
        ordering = ["-published", "title"]

    def ensure_slug(self) -> None:
        """Every document has an address, whoever stores it (upload, batch job, demo loader)."""
        if not self.slug:
            self.slug = f"doc-{secrets.token_hex(5)}"

    def save(self, *args, **kwargs):
        self.ensure_slug()
        super().save(*args, **kwargs)

    @property
    def language_label(self) -> str:
        """The document's language in the reader's words (the code stays in the API)."""
        names = {"zh-Hant": _("Traditional Chinese"), "zh-Hans": _("Simplified Chinese"), "en": _("English")}
        return str(names.get(self.language, self.language))

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("documents:document_detail", kwargs={"slug": self.slug})

    def version_label(self) -> str:
        """ "version 2 of 3" style position among the versions of the same document (1-based)."""
        n, node, seen = 1, self.previous_version, {self.pk}
        while node is not None and node.pk not in seen:
            n, seen, node = n + 1, seen | {node.pk}, node.previous_version
        return str(n)

    def __str__(self) -> str:
        return self.title

    def paragraph_of(self, offset: int) -> int:
        """1-based paragraph number (blank-line separated) that holds ``offset``."""
        return 1 + len(_PARAGRAPH_BREAK.findall(self.text, 0, offset))


class Evidence(models.Model):
    """Where a fact of a record comes from: a span of a source document's text."""

    document = models.ForeignKey(
        SourceDocument, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("document")
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    field = models.CharField(
        _("fact"),
        max_length=100,
        blank=True,
        help_text=_("The field or link the span supports; empty for the record itself."),
    )
    start = models.PositiveIntegerField(_("start offset"))
    end = models.PositiveIntegerField(_("end offset"))

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="evidence_span")]

    @property
    def quote(self) -> str:
        return self.document.text[self.start : self.end]

    @property
    def paragraph(self) -> int:
        return self.document.paragraph_of(self.start)


class Proposal(models.Model):
    """One fact extracted from a document, waiting for a person to accept, edit, merge or reject it."""

    class Kind(models.TextChoices):
        ORGANISATION = "organisation", _("organisation")
        PERSON = "person", _("person")
        PLACE = "place", _("place")
        EVENT = "event", _("event")
        AGREEMENT = "agreement", _("agreement")
        MEMBER = "member", _("delegation member")
        CONTACT = "contact", _("media contact")

    class Decision(models.TextChoices):
        PENDING = "pending", _("to review")
        ACCEPTED = "accepted", _("accepted")
        MERGED = "merged", _("merged into an existing record")
        REJECTED = "rejected", _("rejected")

    document = models.ForeignKey(SourceDocument, on_delete=models.CASCADE, related_name="proposals")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    position = models.PositiveIntegerField(_("order"), default=0)
    data = models.JSONField(_("extracted data"))
    extracted = models.JSONField(
        _("as extracted"),
        default=dict,
        blank=True,
        help_text=_("The fact as the extractor read it, before any correction: with the decision, a labelled example."),
    )
    start = models.PositiveIntegerField(_("start offset"))
    end = models.PositiveIntegerField(_("end offset"))
    match = models.CharField(_("match"), max_length=20, blank=True, help_text=_("exact, alias, variant, fuzzy or new"))
    candidates = models.JSONField(_("candidates"), default=list, blank=True)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, default=Decision.PENDING)
    target_slug = models.CharField(_("existing record"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["kind", "position"]

    @property
    def quote(self) -> str:
        return self.document.text[self.start : self.end]

    @property
    def label(self) -> str:
        """What the proposal is about, in words: a name, or the kind of event or agreement."""

        data = self.data or {}
        if data.get("name"):
            return data["name"]
        kinds = dict(Agreement.Kind.choices if self.kind == self.Kind.AGREEMENT else Event.Kind.choices)
        kinds.setdefault("visit", _("visit"))
        return str(kinds.get(data.get("kind"), data.get("kind") or self.get_kind_display()))

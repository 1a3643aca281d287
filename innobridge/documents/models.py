"""Source documents and the provenance of the facts taken from them."""

from __future__ import annotations

import re

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from innobridge.lib.models import TimeStampedModel

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


class SourceDocument(TimeStampedModel):
    """A press release, minutes or signed text that facts in the directory come from.

    ``content_hash`` (SHA-256 of the original bytes) makes a second ingestion of the
    same file a no-op; ``text`` is the cleaned text that evidence spans point into.
    """

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

    class Meta:
        verbose_name = _("source document")
        verbose_name_plural = _("source documents")
        ordering = ["-published", "title"]

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

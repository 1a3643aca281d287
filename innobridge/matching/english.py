"""English for records written in Chinese: which ones lack it, and filling it in from one list.

English pages show a record's English title (or name) and its English summary above the
original, marked as a summary. Staff see the important records that lack either, per kind, and
type them in place (``/<lang>/summaries-in-english/``, ``/api/summaries-in-english``).

This module lives in the matching app because it is the lowest layer that sees every kind of
record with free text: offers and needs here, delegations, events and agreements below.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from innobridge.lib.concurrency import EditConflict
from innobridge.lib.models import SUMMARY_LIMIT
from innobridge.matching import services as matching_services
from innobridge.matching.models import Language, TechnologyNeed, TechnologyOffer
from innobridge.programmes import services as programme_services
from innobridge.programmes.models import Agreement, Delegation, Event
from innocore.text import has_cjk

TITLE_LIMIT = 300


@dataclass(frozen=True)
class EnglishKind:
    """One kind of record: its English title field, the original text its summary stands for, how
    to find the candidates (most important first) and the service that saves it."""

    key: str
    model: type[Model]
    label: Any  # lazy translation
    title_field: str  # "title_en" or "name_en"
    text_field: str  # the original the summary stands for
    candidates: Callable[[], QuerySet]
    save: Callable[..., Model]
    # Offers and needs say their language; the other kinds are checked for Chinese text.
    by_language: bool = False

    def original_title(self, record) -> str:
        if self.title_field == "title_en":
            return record.title
        return record.name_zh_hant or record.name_zh_hans

    def lacks_english(self, record) -> bool:
        """A title only in Chinese, or a text in Chinese without an English summary. Offers and
        needs were already narrowed to those written in Chinese by their stored language."""
        text = getattr(record, self.text_field) or ""
        if self.by_language:
            return not getattr(record, self.title_field) or (bool(text) and not record.summary_en)
        no_title = not getattr(record, self.title_field) and has_cjk(self.original_title(record))
        return no_title or (not record.summary_en and has_cjk(text))


def _offers() -> QuerySet:
    return TechnologyOffer.objects.filter(
        status=TechnologyOffer.Status.PUBLISHED, language__in=[Language.ZH_HANT, Language.ZH_HANS]
    ).order_by("-last_updated", "slug")


def _needs() -> QuerySet:
    return TechnologyNeed.objects.filter(
        status=TechnologyNeed.Status.PUBLISHED, language__in=[Language.ZH_HANT, Language.ZH_HANS]
    ).order_by("-last_updated", "slug")


def _lacking(qs: QuerySet, title_field: str) -> QuerySet:
    return qs.filter(Q(**{title_field: ""}) | Q(summary_en=""))


KINDS: dict[str, EnglishKind] = {
    kind.key: kind
    for kind in (
        EnglishKind(
            "offer",
            TechnologyOffer,
            _("Technology offers"),
            "title_en",
            "description",
            _offers,
            lambda record, **fields: matching_services.offer_save(offer=record, **fields),
            by_language=True,
        ),
        EnglishKind(
            "need",
            TechnologyNeed,
            _("Technology needs"),
            "title_en",
            "description",
            _needs,
            lambda record, **fields: matching_services.need_save(need=record, **fields),
            by_language=True,
        ),
        EnglishKind(
            "delegation",
            Delegation,
            _("Delegations"),
            "name_en",
            "purpose",
            lambda: Delegation.objects.order_by("-start", "slug"),
            lambda record, **fields: programme_services.delegation_save(delegation=record, **fields),
        ),
        EnglishKind(
            "event",
            Event,
            _("Events"),
            "name_en",
            "description",
            lambda: Event.objects.order_by("-date", "slug"),
            lambda record, **fields: programme_services.event_save(event=record, **fields),
        ),
        EnglishKind(
            "agreement",
            Agreement,
            _("Agreements"),
            "name_en",
            "scope",
            lambda: Agreement.objects.order_by("-signed_on", "slug"),
            lambda record, **fields: programme_services.agreement_save(agreement=record, **fields),
        ),
    )
}


@dataclass
class Lacking:
    kind: EnglishKind
    total: int
    records: list


def lacking_english(*, limit: int = 50) -> list[Lacking]:
    """Per kind, how many records written in Chinese lack an English title or summary, and the
    first ``limit`` of them in the order staff should fill them (the newest and live ones first).

    Offers and needs are narrowed by the database (their language is stored); delegations,
    events and agreements are few and are read once, only the fields the check needs.
    """
    out = []
    for kind in KINDS.values():
        qs = _lacking(kind.candidates(), kind.title_field)
        if kind.by_language:
            # Written in Chinese (stored language); a record with no text needs no summary.
            qs = qs.filter(Q(**{kind.title_field: ""}) | ~Q(**{kind.text_field: ""}))
            out.append(Lacking(kind, qs.count(), list(qs[:limit])))
            continue
        found, total = [], 0
        for record in qs.iterator(chunk_size=500):
            if kind.lacks_english(record):
                total += 1
                if len(found) < limit:
                    found.append(record)
        out.append(Lacking(kind, total, found))
    return out


def _clean(value: str, limit: int, label: str) -> str:
    value = "\n".join(" ".join(line.split()) for line in (value or "").strip().splitlines()).strip()
    if len(value) > limit:
        raise ValidationError(
            _("%(field)s: at most %(limit)s characters (%(n)s given).")
            % {"field": label, "limit": limit, "n": len(value)}
        )
    return value


def english_set(
    *, kind: EnglishKind, record, title_en: str, summary_en: str, seen_title: str, seen_summary: str
) -> Model:
    """Save a record's English title and summary.

    ``seen_title`` and ``seen_summary`` are what the editor was showing. If either changed meanwhile
    (another member of staff, or the owner in the offer's own form), nothing is written and
    ``EditConflict`` carries the stored record: a compare-and-set under a row lock, so it holds
    for kinds without a version number too. Versioned kinds get a new version as usual.
    """
    title = " ".join((title_en or "").split())
    if len(title) > TITLE_LIMIT:
        raise ValidationError(
            _("%(field)s: at most %(limit)s characters (%(n)s given).")
            % {"field": _("English title"), "limit": TITLE_LIMIT, "n": len(title)}
        )
    summary = _clean(summary_en, SUMMARY_LIMIT, str(_("English summary")))
    if not title and not summary:
        raise ValidationError(_("Type an English title or summary."))
    with transaction.atomic():
        current = kind.model._base_manager.select_for_update().get(pk=record.pk)
        stored_title = " ".join(getattr(current, kind.title_field).split())
        stored_summary = " ".join(current.summary_en.split())
        if stored_title != " ".join((seen_title or "").split()) or stored_summary != " ".join(
            (seen_summary or "").split()
        ):
            raise EditConflict(current)
        fields = {"summary_en": summary or current.summary_en}
        if title:
            fields[kind.title_field] = title
        return kind.save(current, **fields)

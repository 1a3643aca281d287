"""English for records written in Chinese: which ones lack it, and filling it in from one list.

English pages show a record's English title (or name) and its English summary above the
original, marked as a summary. Staff see the important records that lack either, per kind, and
type them in place (``/<lang>/summaries-in-english/``, ``/api/summaries-in-english``).

This module lives in the matching app because it is the lowest layer that sees every kind of
record with free text: offers and needs here, delegations, events and agreements below.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from innobridge.lib.concurrency import EditConflict
from innobridge.lib.models import SUMMARY_LIMIT
from innobridge.matching import index
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


CHINESE = [Language.ZH_HANT, Language.ZH_HANS]


def _offers() -> QuerySet:
    """Live offers (published, not expired: what English readers can find) written in Chinese."""
    return index.offers_queryset().filter(language__in=CHINESE).order_by("-last_updated", "slug")


def _needs() -> QuerySet:
    return index.needs_queryset().filter(language__in=CHINESE).order_by("-last_updated", "slug")


def _programme_records(model: type[Model], text_field: str, order: str) -> Callable[[], QuerySet]:
    """Delegations, events or agreements, newest first, reading only what the check and the list need."""
    fields = ("slug", "name_zh_hant", "name_zh_hans", "name_en", "summary_en", text_field, order.lstrip("-"))
    return lambda: model._default_manager.only(*fields).order_by(order, "slug")


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
            _programme_records(Delegation, "purpose", "-start"),
            lambda record, **fields: programme_services.delegation_save(delegation=record, **fields),
        ),
        EnglishKind(
            "event",
            Event,
            _("Events"),
            "name_en",
            "description",
            _programme_records(Event, "description", "-date"),
            lambda record, **fields: programme_services.event_save(event=record, **fields),
        ),
        EnglishKind(
            "agreement",
            Agreement,
            _("Agreements"),
            "name_en",
            "scope",
            _programme_records(Agreement, "scope", "-signed_on"),
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


def fingerprint(kind: EnglishKind, record) -> str:
    """A short digest of the original title and text the English stands for: an editor sends back
    the one they read, so English written for an old version of the text is refused."""
    original = f"{kind.original_title(record)}\x00{getattr(record, kind.text_field) or ''}"
    return hashlib.sha256(original.encode()).hexdigest()[:16]


def one(kind: EnglishKind, slug: str) -> Lacking:
    """One record, with or without English, for correcting what was written (the record's page links here)."""
    record = kind.model._default_manager.get(slug=slug)
    return Lacking(kind, 1, [record])


def _words(value: str | None) -> str:
    return " ".join((value or "").split())


def english_set(
    *,
    kind: EnglishKind,
    record,
    title_en: str | None,
    summary_en: str | None,
    seen_title: str,
    seen_summary: str,
    seen_original: str | None = None,
) -> Model:
    """Save a record's English title and summary; ``None`` keeps what is stored, "" clears it.

    ``seen_title`` and ``seen_summary`` are the English the editor was showing, ``seen_original``
    the :func:`fingerprint` of the original it was written for. If any changed meanwhile (another
    member of staff, or the owner in the offer's own form), nothing is written and
    ``EditConflict`` carries the stored record: a compare-and-set under a row lock, so it holds for
    kinds without a version number too. Versioned kinds get a new version as usual, so an owner's
    form opened before is refused rather than overwriting the English.
    """
    title = None if title_en is None else _words(title_en)
    if title is not None and len(title) > TITLE_LIMIT:
        raise ValidationError(
            _("%(field)s: at most %(limit)s characters (%(n)s given).")
            % {"field": _("English title"), "limit": TITLE_LIMIT, "n": len(title)}
        )
    summary = None if summary_en is None else _clean(summary_en, SUMMARY_LIMIT, str(_("English summary")))
    with transaction.atomic():
        current = kind.model._base_manager.select_for_update().get(pk=record.pk)
        stored_title, stored_summary = getattr(current, kind.title_field), current.summary_en
        changed = _words(stored_title) != _words(seen_title) or _words(stored_summary) != _words(seen_summary)
        if changed or (seen_original is not None and seen_original != fingerprint(kind, current)):
            raise EditConflict(current)
        new_title = stored_title if title is None else title
        new_summary = stored_summary if summary is None else summary
        if not new_title and not new_summary and not stored_title and not stored_summary:
            raise ValidationError(_("Type an English title or summary."))
        return kind.save(current, **{kind.title_field: new_title, "summary_en": new_summary})

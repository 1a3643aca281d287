"""Model mixins shared by every domain app."""

from __future__ import annotations

import secrets

from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.text import slugify
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext_lazy as _

from innobridge.lib.limits import MEDIUM_TEXT
from innocore.romanise import romanise
from innocore.text import derive_variants, fold


def pick_language(zh_hant: str, zh_hans: str, en: str, language: str | None) -> str:
    """The form for the active language, falling back to the others in a sensible order."""
    lang = (language or "en").lower()
    if lang.startswith("zh-hant") or lang in {"zh-hk", "zh-tw", "zh-mo"}:
        order = (zh_hant, zh_hans, en)
    elif lang.startswith("zh"):
        order = (zh_hans, zh_hant, en)
    else:
        order = (en, zh_hant, zh_hans)
    return next((n for n in order if n), "")


SUMMARY_LIMIT = MEDIUM_TEXT


class EnglishSummaryModel(models.Model):
    """An optional English summary of a record written in Chinese, for English readers.

    It is a reader's aid, not the record: English pages show it above the original, marked as a
    summary; Chinese pages and matching read the original. Staff fill the important ones from one
    list (``/<lang>/summaries-in-english/``); owners of offers and needs can write their own.
    """

    summary_en = models.TextField(
        _("summary in English"),
        max_length=SUMMARY_LIMIT,
        blank=True,
        validators=[MaxLengthValidator(SUMMARY_LIMIT)],
        help_text=_("For English readers of a record written in Chinese: a few sentences, shown as a summary."),
    )

    class Meta:
        abstract = True


class TimeStampedModel(models.Model):
    created = models.DateTimeField(_("created"), auto_now_add=True)
    last_updated = models.DateTimeField(_("last updated"), auto_now=True)

    class Meta:
        abstract = True


class TrilingualNameModel(models.Model):
    """A name kept in Traditional Chinese, Simplified Chinese and English.

    Users type whichever form they know; the missing Chinese form is derived with
    OpenCC and flagged so a reviewer can tell typed names from machine ones.
    ``search_key`` holds the folded forms of every name and alias, so a search in
    any script meets the record with a plain substring match on either database.
    """

    name_zh_hant = models.CharField(_("name (Traditional Chinese)"), max_length=300, blank=True)
    name_zh_hans = models.CharField(_("name (Simplified Chinese)"), max_length=300, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    name_zh_hant_derived = models.BooleanField(_("Traditional form derived"), default=False)
    name_zh_hans_derived = models.BooleanField(_("Simplified form derived"), default=False)
    search_key = models.TextField(_("search key"), blank=True, editable=False)

    class Meta:
        abstract = True

    def fill_name_variants(self) -> None:
        """Derive missing Chinese forms; a previously derived form is re-derived."""
        hant = "" if self.name_zh_hant_derived else self.name_zh_hant
        hans = "" if self.name_zh_hans_derived else self.name_zh_hans
        v = derive_variants(zh_hant=hant, zh_hans=hans, en=self.name_en)
        self.name_zh_hant, self.name_zh_hans, self.name_en = v.zh_hant, v.zh_hans, v.en
        self.name_zh_hant_derived, self.name_zh_hans_derived = v.zh_hant_derived, v.zh_hans_derived

    def search_terms(self) -> list[str]:
        """Texts a search should find this record by; subclasses add aliases."""
        return [self.name_zh_hant, self.name_zh_hans, self.name_en]

    def refresh_search_key(self) -> None:
        seen: list[str] = []
        for term in self.search_terms():
            key = fold(term)
            if key and key not in seen:
                seen.append(key)
        self.search_key = " | ".join(seen)

    # Proper names (organisations, people, places) get a pinyin form on English pages when they
    # have no English name; titles (events, agreements) do not: romanising a sentence helps nobody.
    romanise_in_english = False
    # Names of people are romanised surname first (周乃翔 → Zhou Naixiang); others word by word.
    romanise_as_person = False

    def romanised_name(self) -> str:
        """Pinyin of the Chinese name, for English readers of a record without an English name."""
        return romanise(self.name_zh_hans or self.name_zh_hant, person=self.romanise_as_person)

    def name_for(self, language: str | None) -> str:
        if self.romanise_in_english and not self.name_en and not (language or "en").lower().startswith("zh"):
            # English readers get a form they can read and say, marked as a romanisation, with
            # the Chinese name beside it.
            romanised, chinese = self.romanised_name(), self.name_zh_hant or self.name_zh_hans
            if romanised:
                return pgettext("romanised name", "%(romanised)s (%(name)s, pinyin)") % {
                    "romanised": romanised,
                    "name": chinese,
                }
        return pick_language(self.name_zh_hant, self.name_zh_hans, self.name_en, language)

    @property
    def name(self) -> str:
        return self.name_for(get_language())

    @property
    def other_name(self) -> str:
        """The name in the other writing system (Chinese beside English and back)."""
        lang = (get_language() or "en").lower()
        if lang.startswith("zh"):
            return self.name_en if self.name_en and self.name_en != self.name else ""
        chinese = self.name_zh_hant or self.name_zh_hans
        return chinese if chinese not in self.name else ""

    def __str__(self) -> str:
        return self.name or "—"


def make_slug(text: str, prefix: str) -> str:
    """A readable slug from an English name, or a random one; never a row id."""
    base = slugify(text or "")[:60].strip("-")
    return base or f"{prefix}-{secrets.token_hex(4)}"


class Visibility(models.TextChoices):
    """Who may read a record. Confidential: its owner organisation and staff only."""

    PUBLIC = "public", _("public")
    PARTNERS = "partners", _("partners only")
    CONFIDENTIAL = "confidential", _("confidential")


class SluggedModel(models.Model):
    """Public URLs use a slug, never the enumerable primary key."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)

    class Meta:
        abstract = True

    slug_prefix = "rec"

    def ensure_slug(self) -> None:
        if self.slug:
            return
        base = make_slug(getattr(self, "name_en", ""), self.slug_prefix)
        candidate, n = base, 2
        manager = type(self)._default_manager
        while manager.filter(slug=candidate).exclude(pk=self.pk).exists():
            candidate, n = f"{base}-{n}", n + 1
        self.slug = candidate

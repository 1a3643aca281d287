"""Script handling for Traditional Chinese, Simplified Chinese and English text.

Records arrive in any of the three scripts, often mixed. Two operations make them meet:

* ``fold`` maps any text to one comparison key (NFKC, case-folded, Traditional and
  Hong Kong variants converted to Simplified), so that 創冷, 创冷 and their full-width
  forms compare equal. Folding is length-preserving for CJK, which lets search
  highlights map back onto the original text.
* ``derive_variants`` fills in the missing Traditional (Hong Kong) or Simplified form
  of a name with OpenCC, so a record entered once can be shown in either script.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import opencc

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]")
_LATIN = re.compile(r"[A-Za-z]")
_SPACE = re.compile(r"\s+")


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    """Traditional (including Hong Kong variants) to Simplified."""
    return _converter("hk2s").convert(text) if text else text


def to_traditional(text: str) -> str:
    """Simplified to Traditional with Hong Kong character standards."""
    return _converter("s2hk").convert(text) if text else text


def normalise(text: str) -> str:
    """NFKC (full-width to half-width), collapse whitespace, strip."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text or "")).strip()


def tidy(text: str) -> str:
    """Collapse whitespace and strip, keeping the characters as typed (e.g. full-width brackets)."""
    return _SPACE.sub(" ", text or "").strip()


def fold(text: str) -> str:
    """The comparison key of a text: normalised, case-folded, Simplified."""
    return to_simplified(normalise(text)).casefold()


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text or ""))


def detect_script(text: str) -> str:
    """Return ``zh-Hant``, ``zh-Hans``, ``en`` or ``""`` (nothing to tell).

    A CJK text is Traditional when converting it to Simplified changes it and
    converting it to Traditional does not; ambiguous texts (characters shared by
    both scripts) count as Simplified only if they contain a Simplified-only form.
    """
    if not text:
        return ""
    if has_cjk(text):
        if to_simplified(text) != text:
            return "zh-Hant"
        if to_traditional(text) != text:
            return "zh-Hans"
        return "zh"
    if _LATIN.search(text):
        return "en"
    return ""


@dataclass(frozen=True)
class Variants:
    """The three forms of one name, with which Chinese forms were derived."""

    zh_hant: str
    zh_hans: str
    en: str
    zh_hant_derived: bool
    zh_hans_derived: bool


def derive_variants(*, zh_hant: str = "", zh_hans: str = "", en: str = "") -> Variants:
    """Fill the missing Chinese form from the other one with OpenCC.

    A form the user typed is never overwritten. When only English is given, the
    Chinese forms stay empty: translation is a human's job.
    """
    zh_hant, zh_hans, en = tidy(zh_hant), tidy(zh_hans), tidy(en)
    hant_derived = hans_derived = False
    if zh_hant and not zh_hans:
        zh_hans, hans_derived = to_simplified(zh_hant), True
    elif zh_hans and not zh_hant:
        zh_hant, hant_derived = to_traditional(zh_hans), True
    return Variants(zh_hant, zh_hans, en, hant_derived, hans_derived)


def fold_same(text: str) -> str:
    """Simplified form of ``text`` with the same length (so it can be searched for in the folded text)."""
    simplified = to_simplified(text)
    if len(simplified) == len(text):
        return simplified
    return "".join(c2 if len(c2 := to_simplified(c)) == 1 else c for c in text)

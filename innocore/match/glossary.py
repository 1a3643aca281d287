"""A curated trilingual glossary of domain terms, mapped to language-independent concepts.

CC-CEDICT glosses single words only; the phrases that decide a technology match
(radiative cooling / 輻射製冷 / 辐射制冷, sputtering target / 濺射靶材) need a curated list.
Terms are matched on folded text (Simplified, lower case), longest first.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from innocore.text import fold

DATA_DIR = Path(__file__).resolve().parent / "data"
_WORDS = re.compile(r"[a-z0-9]+")
_LATIN_ONLY = re.compile(r"[a-z0-9 .\-/&'+]+")


def _norm(word: str) -> str:
    """Singular form of a lower-case English word, as the tokeniser's stemmer makes it."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


class Glossary:
    """Maps folded terms in any of the three scripts to concept ids."""

    def __init__(self, entries: dict[str, list[str]]):
        # Concepts that share a term are one concept (union-find), whichever file they came from.
        parent: dict[str, str] = {c: c for c in entries}

        def root(c: str) -> str:
            while parent[c] != c:
                parent[c] = parent[parent[c]]
                c = parent[c]
            return c

        first: dict[str, str] = {}
        for concept, terms in entries.items():
            for term in terms:
                key = fold(term)
                if not key:
                    continue
                if key in first:
                    parent[root(concept)] = root(first[key])
                else:
                    first[key] = concept
        self.concept_of: dict[str, str] = {key: root(c) for key, c in first.items()}
        # Two lookup tables instead of one giant regular expression (which cost ~10 ms a text):
        # Latin terms as tuples of normalised words, everything else as substrings.
        self._latin: dict[tuple[str, ...], str] = {}
        self._cjk: dict[str, str] = {}
        for key, concept in self.concept_of.items():
            if _LATIN_ONLY.fullmatch(key):
                words = tuple(_norm(w) for w in _WORDS.findall(key))
                if words:
                    self._latin.setdefault(words, concept)
            else:
                self._cjk[key] = concept
        self._max_words = max((len(k) for k in self._latin), default=0)
        self._lengths = sorted({len(k) for k in self._cjk}, reverse=True)
        self._starts = {k[0] for k in self._cjk}

    @classmethod
    def from_tsv(cls, *paths: Path) -> Glossary:
        """Read ``concept<TAB>en<TAB>zh_hans<TAB>zh_hant`` files; terms within a cell split on ``|``."""
        entries: dict[str, list[str]] = {}
        for path in paths:
            lines = path.read_text(encoding="utf-8").splitlines()
            for line in lines[1:]:
                if not line.strip() or line.startswith("#"):
                    continue
                concept, *columns = line.split("\t")
                entries.setdefault(concept, []).extend(
                    t.strip() for col in columns for t in col.split("|") if t.strip()
                )
        return cls(entries)

    def find(self, folded: str) -> list[tuple[str, int, int]]:
        """(concept, start, end) of every glossary term in an already folded text, longest first."""
        found: list[tuple[str, int, int]] = []
        if self._latin:
            words = [(m.start(), m.end(), _norm(m.group())) for m in _WORDS.finditer(folded)]
            i = 0
            while i < len(words):
                for n in range(min(self._max_words, len(words) - i), 0, -1):
                    concept = self._latin.get(tuple(w for _a, _b, w in words[i : i + n]))
                    if concept:
                        found.append((concept, words[i][0], words[i + n - 1][1]))
                        i += n
                        break
                else:
                    i += 1
        if self._cjk:
            i, n = 0, len(folded)
            while i < n:
                if folded[i] in self._starts:
                    for length in self._lengths:
                        key = folded[i : i + length]
                        if len(key) == length and key in self._cjk:
                            if not (key[0].isascii() and i > 0 and folded[i - 1].isalnum()):
                                found.append((self._cjk[key], i, i + length))
                                i += length - 1
                                break
                i += 1
        return found

    def chinese_terms(self) -> list[str]:
        return [k for k in self.concept_of if not k[0].isascii()]


@lru_cache(maxsize=1)
def default_glossary() -> Glossary:
    return Glossary.from_tsv(*sorted(DATA_DIR.glob("glossary*.tsv")))

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
        keys = sorted(self.concept_of, key=len, reverse=True)
        parts = []
        for key in keys:
            escaped = re.escape(key)
            # Latin terms must match whole words; Chinese terms match anywhere.
            if key[0].isascii():
                escaped = r"(?<![a-z0-9])" + escaped
            if key[-1].isascii():
                escaped = escaped + r"(?:e?s)?(?![a-z0-9])"
            parts.append(escaped)
        self._pattern = re.compile("|".join(parts)) if parts else None

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
        """(concept, start, end) of every glossary term in an already folded text."""
        if self._pattern is None:
            return []
        found = []
        for m in self._pattern.finditer(folded):
            key = m.group()
            concept = self.concept_of.get(key) or self.concept_of.get(key[:-1]) or self.concept_of.get(key[:-2])
            if concept:
                found.append((concept, m.start(), m.end()))
        return found

    def chinese_terms(self) -> list[str]:
        return [k for k in self.concept_of if not k[0].isascii()]


@lru_cache(maxsize=1)
def default_glossary() -> Glossary:
    return Glossary.from_tsv(*sorted(DATA_DIR.glob("glossary*.tsv")))

"""Match extracted names against the directory: exact, alias, Traditional/Simplified variant, fuzzy."""

from __future__ import annotations

from difflib import SequenceMatcher

from innobridge.directory.models import Alias, Organisation, Person, Place
from innocore.text import fold

FUZZY_THRESHOLD = 0.8


def _names(obj) -> list[str]:
    return [n for n in (obj.name_zh_hant, obj.name_zh_hans, obj.name_en) if n]


def resolve(model, name: str) -> tuple[str, list[dict]]:
    """(match kind, candidates) for ``name``; candidates are {slug, name, score}, best first."""
    key = fold(name)
    if not key:
        return "new", []
    rows = (
        list(model.objects.all())
        if model is not Organisation
        else list(Organisation.objects.prefetch_related("aliases"))
    )
    for obj in rows:
        if name in _names(obj):
            return "exact", [{"slug": obj.slug, "name": str(obj), "score": 1.0}]
    if model is Organisation:
        alias = Alias.objects.select_related("organisation").filter(text=name).first()
        if alias:
            return "alias", [{"slug": alias.organisation.slug, "name": str(alias.organisation), "score": 1.0}]
        for obj in rows:
            if any(fold(a.text) == key for a in obj.aliases.all()):
                return "alias", [{"slug": obj.slug, "name": str(obj), "score": 1.0}]
    for obj in rows:
        if any(fold(n) == key for n in _names(obj)):
            return "variant", [{"slug": obj.slug, "name": str(obj), "score": 1.0}]
    scored = []
    for obj in rows:
        best = max((SequenceMatcher(None, key, fold(n)).ratio() for n in _names(obj)), default=0.0)
        if best >= FUZZY_THRESHOLD:
            scored.append({"slug": obj.slug, "name": str(obj), "score": round(best, 3)})
    scored.sort(key=lambda c: -c["score"])
    return ("fuzzy", scored[:5]) if scored else ("new", [])


MODEL_OF = {"organisation": Organisation, "person": Person, "place": Place, "member": Organisation}

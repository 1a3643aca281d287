"""Which directory record is called this? Exact, alias, Traditional/Simplified variant, or fuzzy.

Exact and variant look-ups use the folded name keys (``NameKey``), an index, never a scan of the
table. Fuzzy candidates come from a bounded substring query on the records' search keys, so the
cost does not grow with the directory beyond what the database's own query costs.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from django.db.models import Q

from innobridge.directory.models import NameKey, Organisation, Person, Place
from innobridge.directory.signals import KEY_LENGTH, KEYED, short_key
from innocore.text import fold

FUZZY_THRESHOLD = 0.8
FUZZY_POOL = 200
# Endings shared by thousands of names; a probe made of them would find everything.
_GENERIC_END = re.compile(
    r"(股份有限公司|有限责任公司|有限公司|集团|公司|limited|ltd\.?|co\.?,?|corporation|inc\.?)$", re.IGNORECASE
)


def _names(obj) -> list[str]:
    return [n for n in (obj.name_zh_hant, obj.name_zh_hans, obj.name_en) if n]


def _candidate(obj, score: float = 1.0) -> dict:
    return {"slug": obj.slug, "name": str(obj), "score": score}


def _probes(key: str) -> list[str]:
    """Substrings a name within the fuzzy threshold very likely shares with ``key``."""
    core = _GENERIC_END.sub("", key).strip() or key
    if " " in core:
        words = [w for w in core.split() if len(w) > 2]
        return sorted(words, key=len, reverse=True)[:3]
    n = len(core)
    if n <= 4:
        return [core]
    third = max(2, n // 3)
    return list(dict.fromkeys([core[:third], core[n // 2 - third // 2 : n // 2 - third // 2 + third], core[-third:]]))


def resolve(model, name: str, *, organisation: Organisation | None = None) -> tuple[str, list[dict]]:
    """(match kind, candidates) for ``name``; candidates are {slug, name, score}, best first.

    ``organisation``, for a person, prefers the namesake who holds a position there.
    """
    key = fold(name)
    if not key:
        return "new", []
    label = KEYED[model]
    stored = key[:KEY_LENGTH]  # keys are cut to the column's length: look a long name up as it was stored
    hits = list(NameKey.objects.filter(model=label, key=stored).values_list("object_id", "source"))
    if not hits and len(short_key(stored)) >= 2:
        # 山东 for 山東省: the same name without its administrative ending is a variant.
        hits = [
            (i, NameKey.Source.NAME)
            for i in NameKey.objects.filter(model=label, key__in={stored, short_key(stored)})
            .filter(source__in=[NameKey.Source.SHORT, NameKey.Source.NAME])
            .values_list("object_id", flat=True)
        ]
    if hits:
        ids = list(dict.fromkeys(i for i, _s in hits))
        rows = {o.pk: o for o in model.objects.filter(pk__in=ids)}
        ordered = [rows[i] for i in ids if i in rows]
        if model is Person and organisation is not None and len(ordered) > 1:
            at_org = set(organisation.positions.filter(person__in=ordered).values_list("person_id", flat=True))
            ordered.sort(key=lambda o: o.pk not in at_org)
        for obj in ordered:
            if name in _names(obj):
                return "exact", [_candidate(obj)]
        alias_ids = {i for i, s in hits if s == NameKey.Source.ALIAS}
        name_ids = {i for i, s in hits if s == NameKey.Source.NAME}
        for obj in ordered:
            if obj.pk in alias_ids and obj.pk not in name_ids:
                return "alias", [_candidate(obj)]
        return "variant", [_candidate(ordered[0])] if ordered else []
    probes = _probes(key)
    if not probes:
        return "new", []
    query = Q()
    for probe in probes:
        query |= Q(search_key__contains=probe)
    scored = []
    for obj in model.objects.filter(query)[:FUZZY_POOL]:
        best = max((SequenceMatcher(None, key, fold(n)).ratio() for n in _names(obj)), default=0.0)
        if best >= FUZZY_THRESHOLD:
            scored.append(_candidate(obj, round(best, 3)))
    scored.sort(key=lambda c: -c["score"])
    return ("fuzzy", scored[:5]) if scored else ("new", [])


MODEL_OF: dict[str, type[Organisation] | type[Person] | type[Place]] = {
    "organisation": Organisation,
    "person": Person,
    "place": Place,
    "member": Organisation,
    "contact": Person,
}

"""Directory filters, defined once for the HTML list and the JSON API."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from innobridge.directory.models import Organisation, Place
from innocore.text import fold


def place_with_descendants(place: Place) -> list[int]:
    """Ids of a place and everything below it (the hierarchy is small: a few thousand rows)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Place.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found, stack = [], [place.pk]
    while stack:
        pk = stack.pop()
        if pk in found:
            continue
        found.append(pk)
        stack.extend(children.get(pk, []))
    return found


def search_terms(q: str) -> list[str]:
    return [t for t in fold(q).split(" ") if t]


@dataclass(frozen=True)
class OrganisationFilter:
    """Search text in any script (names, partial names, aliases) and kind/sector/place filters."""

    q: str = ""
    kind: str = ""
    sector: str = ""
    place: str = ""

    def apply(self, qs: QuerySet[Organisation], *, search: bool = True) -> QuerySet[Organisation]:
        for term in search_terms(self.q) if search else []:
            qs = qs.filter(search_key__contains=term)
        if self.kind:
            qs = qs.filter(kind=self.kind)
        if self.sector:
            qs = qs.filter(sectors__slug=self.sector)
        if self.place:
            place = Place.objects.filter(slug=self.place).first()
            qs = qs.filter(places__in=place_with_descendants(place)) if place else qs.none()
        return qs.distinct() if (self.sector or self.place) else qs

"""Reads from the directory, shaped for pages and the API."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When

from innobridge.directory.filters import OrganisationFilter
from innobridge.directory.models import Organisation, Person, Place, Position, Sector
from innocore.text import fold


def organisation_list(*, filters: OrganisationFilter) -> QuerySet[Organisation]:
    qs = Organisation.objects.select_related("parent").prefetch_related("sectors", "places")
    qs = filters.apply(qs)
    if filters.q:
        return sorted_by_relevance(qs, filters.q)
    return qs.order_by("name_en", "name_zh_hant", "slug")


def sorted_by_relevance(qs: QuerySet[Organisation], q: str) -> QuerySet[Organisation]:
    """Whole-name or alias matches first, then names starting with the query, then the rest."""
    key = fold(q)
    whole = (
        Q(search_key=key)
        | Q(search_key__startswith=f"{key} |")
        | Q(search_key__contains=f"| {key} |")
        | Q(search_key__endswith=f"| {key}")
    )
    prefix = Q(search_key__startswith=key) | Q(search_key__contains=f"| {key}")
    return qs.annotate(
        rank=Case(
            When(whole, then=Value(0)), When(prefix, then=Value(1)), default=Value(2), output_field=IntegerField()
        )
    ).order_by("rank", "name_en", "name_zh_hant", "slug")


def organisation_detail(*, slug: str) -> Organisation:
    return (
        Organisation.objects.select_related("parent")
        .prefetch_related(
            "sectors",
            "places",
            "aliases",
            "key_figures",
            "children",
            Prefetch("positions", queryset=Position.objects.select_related("person")),
        )
        .get(slug=slug)
    )


def person_detail(*, slug: str) -> Person:
    return Person.objects.prefetch_related(
        Prefetch("positions", queryset=Position.objects.select_related("organisation"))
    ).get(slug=slug)


def sector_options() -> QuerySet[Sector]:
    return Sector.objects.all()


def place_options() -> QuerySet[Place]:
    return Place.objects.filter(kind__in=[Place.Kind.COUNTRY, Place.Kind.PROVINCE, Place.Kind.CITY]).order_by(
        "kind", "slug"
    )


def place_detail(*, slug: str) -> Place:
    return Place.objects.select_related("parent__parent__parent").prefetch_related("children").get(slug=slug)


def place_tree() -> list[tuple[Place, int]]:
    """All places depth-first with their depth, for an indented list."""
    places = list(Place.objects.all())
    children: dict[int | None, list[Place]] = {}
    for place in places:
        children.setdefault(place.parent_id, []).append(place)
    for siblings in children.values():
        siblings.sort(key=lambda p: (p.name_en or p.name_zh_hant, p.slug))
    out: list[tuple[Place, int]] = []
    stack = [(p, 0) for p in reversed(children.get(None, []))]
    while stack:
        place, depth = stack.pop()
        out.append((place, depth))
        stack.extend((c, depth + 1) for c in reversed(children.get(place.pk, [])))
    return out


def place_parents() -> dict[int, int | None]:
    """The whole hierarchy as child -> parent ids, in one query."""
    return dict(Place.objects.values_list("pk", "parent_id"))

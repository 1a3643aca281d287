"""Reads from the directory, shaped for pages and the API."""

from __future__ import annotations

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When

from innobridge.directory.filters import OrganisationFilter, search_terms
from innobridge.directory.models import Organisation, Person, Place, Position, Sector
from innobridge.lib import keysearch
from innobridge.lib.ids import RankedRows, filter_ids
from innocore.text import fold

# Above this many matches a database scan is cheaper than ranking in memory.
MAX_LISTED_IDS = 50_000
SORT_FIELDS = ("name_en", "name_zh_hant", "slug")


def organisation_list(*, filters: OrganisationFilter) -> QuerySet[Organisation] | RankedRows:
    qs = Organisation.objects.select_related("parent").prefetch_related("sectors", "places")
    if filters.q:
        ranked = _ranked_in_memory(qs, filters)
        if ranked is not None:
            return ranked
    qs = filters.apply(qs)
    if filters.q:
        return sorted_by_relevance(qs, filters.q)
    return qs.order_by(*SORT_FIELDS)


def _ranked_in_memory(qs: QuerySet[Organisation], filters: OrganisationFilter) -> RankedRows | None:
    """The name search answered from the in-memory search keys (``lib.keysearch``), ranked and
    ordered as ``sorted_by_relevance`` does; None when the database should do it (too many hits)."""
    pks = keysearch.ranked_matches(
        "organisations", Organisation.objects.all, search_terms(filters.q), fold(filters.q), SORT_FIELDS
    )
    if len(pks) > MAX_LISTED_IDS:
        return None
    if pks and (filters.kind or filters.sector or filters.place):
        allowed = set(
            filters.apply(filter_ids(Organisation.objects.all(), pks), search=False).values_list("pk", flat=True)
        )
        pks = [pk for pk in pks if pk in allowed]
    return RankedRows(qs, pks)


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


def person_list(*, q: str = "", organisation: str = "") -> QuerySet[Person]:
    """People with their current positions, found by any form of their name or their organisation's."""
    qs = Person.objects.prefetch_related(
        Prefetch("positions", queryset=Position.objects.filter(end__isnull=True).select_related("organisation"))
    )
    key = fold(q.strip())
    if key:
        qs = qs.filter(
            Q(search_key__contains=key)
            | Q(pk__in=Position.objects.filter(organisation__search_key__contains=key).values("person_id"))
        )
    if organisation:
        qs = qs.filter(pk__in=Position.objects.filter(organisation__slug=organisation).values("person_id"))
    return qs.order_by("name_en", "name_zh_hant", "slug")


ENGLISH_KINDS: dict[str, type[Organisation] | type[Person] | type[Place]] = {
    "organisation": Organisation,
    "person": Person,
    "place": Place,
}


def missing_english(*, limit: int = 100) -> dict[str, tuple[int, list]]:
    """Records an English reader sees only in Chinese (no English name), per kind: how many, and the
    first ``limit`` in the order staff should fill them. Organisations and people with more positions on
    record (leaders, the organisations they lead) come first; places from the largest (provinces) down."""
    places_order = Case(
        *(When(kind=k, then=Value(i)) for i, k in enumerate(["country", "province", "city", "district", "zone"])),
        default=Value(9),
        output_field=IntegerField(),
    )
    found: dict[str, tuple[int, list]] = {}
    for kind, model in ENGLISH_KINDS.items():
        qs = model.objects.filter(name_en="")
        if model is Place:
            ordered = qs.annotate(rank=places_order).order_by("rank", "slug")
        else:
            ordered = qs.annotate(weight=Count("positions")).order_by("-weight", "slug")
        found[kind] = (qs.count(), list(ordered[:limit]))
    return found

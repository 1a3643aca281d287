"""Filter a queryset by a long list of row ids.

``pk__in=[...]`` sends one parameter per id. With the 17,000 ids of a common search term,
PostgreSQL spends most of half a second parsing and planning the list (and refuses more than
65,535 parameters), so there the ids go as one array parameter, unnested in a subquery.

SQLite is the other way round: it looks up a literal IN list by row id, but for an IN subquery
(``json_each``) its planner prefers to walk the visibility index over every offer and probe the
list (1.2 s at 200,000 offers). It keeps the plain list up to its parameter limit (250,000 in the
SQLite that Python 3.11 ships; 32,766 in any SQLite since 3.32, the threshold used here).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any, overload

from django.db import connections
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

SHORT = 100  # below this, a plain IN list is as good and keeps the SQL readable
SQLITE_MAX_PARAMS = 32_000


def filter_ids(qs: QuerySet, ids: list[int]) -> QuerySet:
    if len(ids) <= SHORT:
        return qs.filter(pk__in=ids)
    vendor = connections[qs.db].vendor
    if vendor == "postgresql":
        return qs.filter(pk__in=RawSQL("SELECT unnest(%s::bigint[])", ([int(i) for i in ids],)))
    if vendor == "sqlite" and len(ids) > SQLITE_MAX_PARAMS:
        return qs.filter(pk__in=RawSQL("SELECT value FROM json_each(%s)", (json.dumps([int(i) for i in ids]),)))
    return qs.filter(pk__in=ids)


class RankedRows(Sequence[Any]):
    """Search results ranked in memory: counted without a query; slicing fetches only those rows.

    Pagination (the pages' and the API's) counts and slices it like a queryset. The rows come from
    ``queryset``, which keeps the last word on what the reader may see: a row it does not return is
    left out of the slice.
    """

    def __init__(self, queryset: QuerySet, pks: list[int]):
        self.queryset, self.pks = queryset, pks

    # Counted like a QuerySet (Django's paginator calls count() without an argument), not
    # Sequence.count(value).
    def count(self) -> int:  # type: ignore[override]
        return len(self.pks)

    def __len__(self) -> int:
        return len(self.pks)

    @overload
    def __getitem__(self, index: int) -> Any: ...

    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...

    def __getitem__(self, index: int | slice) -> Any | list[Any]:
        if isinstance(index, slice):
            wanted = self.pks[index]
            rows = {o.pk: o for o in self.queryset.filter(pk__in=wanted)}
            return [rows[pk] for pk in wanted if pk in rows]
        return self[index : index + 1 or None][0]

    def prefetch_related(self, *lookups) -> RankedRows:
        return RankedRows(self.queryset.prefetch_related(*lookups), self.pks)

    def __iter__(self) -> Iterator[Any]:
        for start in range(0, len(self.pks), 500):
            yield from self[start : start + 500]

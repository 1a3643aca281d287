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

"""Filter a queryset by a long list of row ids, passed as one parameter.

``pk__in=[...]`` sends one parameter per id: with the 17,000 ids of a common search term,
PostgreSQL spends most of half a second parsing and planning the list (and refuses more than
65,535), and SQLite has its own cap. One array (PostgreSQL) or JSON text (SQLite) parameter,
unnested in a subquery, costs the same whatever the length.
"""

from __future__ import annotations

import json

from django.db import connections
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

SHORT = 100  # below this, a plain IN list is as good and keeps the SQL readable


def filter_ids(qs: QuerySet, ids: list[int]) -> QuerySet:
    if len(ids) <= SHORT:
        return qs.filter(pk__in=ids)
    vendor = connections[qs.db].vendor
    if vendor == "postgresql":
        return qs.filter(pk__in=RawSQL("SELECT unnest(%s::bigint[])", ([int(i) for i in ids],)))
    if vendor == "sqlite":
        return qs.filter(pk__in=RawSQL("SELECT value FROM json_each(%s)", (json.dumps([int(i) for i in ids]),)))
    return qs.filter(pk__in=ids)

"""Text search of record lists (offers, needs, organisations), answered from memory for the live records.

A list search keeps every record whose folded search key (title, summary, description, scenarios,
folded to Simplified and case-folded) contains every folded query term: the same rule as a
``search_key LIKE '%term%'`` per term, which finds 創冷 when 创冷 was typed. On 200,000 offers
that scan reads over a gigabyte of rows and takes about a second per query on SQLite, and
PostgreSQL's trigram indexes cannot serve the two-character Chinese terms people type most.

So each process keeps the search keys of the *live* records (published, not expired: the rows
the matching index holds, almost all of them) in one UTF-8 byte string and scans that instead,
about 60 ms for 200,000 offers. The copy follows the matching index version (one small query
per request): after a write it re-reads the rows changed since it was filled and drops those no
longer live; every MATCHING_VERIFY_SECONDS it re-checks the live set even without a version
change, as the matching index does. Records that are not live (drafts, expired offers), which
only their owners and staff see, are few and are still searched in the database.

The version is read through :func:`set_version_source`: the matching app, which bumps its index
version on every write to offers, needs and organisations, registers it at start-up.
Without one, a copy is re-checked against its rows' (count, latest change) on every use.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, replace
from datetime import datetime

import numpy as np
from django.conf import settings
from django.db.models import Count, Max
from django.utils import timezone

SEP = b"\x00"  # never in a folded key, so a match cannot span two records


@dataclass(frozen=True)
class _Keys:
    pks: np.ndarray  # record primary keys, in haystack order
    starts: np.ndarray  # byte offset of each record's key in ``haystack``
    haystack: bytes  # the keys, UTF-8, joined by SEP
    extra: list  # per record, the values of the ``extra`` fields asked for (e.g. names to sort by)
    version: Hashable  # data version when last confirmed
    stamp: tuple  # (row count, latest change) of the rows it was filled from
    checked: float  # monotonic time of the last live-set check
    synced: datetime  # rows changed after this are not in it yet

    def key(self, i: int) -> bytes:
        end = int(self.starts[i + 1]) - 1 if i + 1 < len(self.starts) else len(self.haystack)
        return self.haystack[int(self.starts[i]) : end]

    def as_dict(self) -> dict[int, tuple[bytes, tuple]]:
        return {int(pk): (self.key(i), self.extra[i]) for i, pk in enumerate(self.pks)}

    @classmethod
    def build(
        cls, rows: dict[int, tuple[bytes, tuple]], version: Hashable, stamp: tuple, checked: float, synced: datetime
    ) -> _Keys:
        pks = np.fromiter(rows.keys(), dtype=np.int64, count=len(rows))
        lengths = np.fromiter((len(k) + 1 for k, _ in rows.values()), dtype=np.int64, count=len(rows))
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64) if len(rows) else lengths
        haystack = SEP.join(k for k, _ in rows.values())
        return cls(pks, starts, haystack, [e for _, e in rows.values()], version, stamp, checked, synced)


_cache: dict[str, _Keys] = {}
_lock = threading.Lock()
CHANGE_MARGIN_S = 300  # as the matching index: rows committed late with an older stamp are re-read


def _load(queryset, extra: tuple[str, ...]) -> dict[int, tuple[bytes, tuple]]:
    rows = queryset.values_list("pk", "search_key", *extra).iterator(chunk_size=5000)
    return {row[0]: (row[1].encode(), row[2:]) for row in rows}


_version_source: Callable[[], Hashable] | None = None


def set_version_source(source: Callable[[], Hashable]) -> None:
    """Name the function that gives the current data version (changes whenever a record changes)."""
    global _version_source
    _version_source = source


def _current(name: str, live_queryset, extra: tuple[str, ...] = ()) -> _Keys:
    # Without a version source every use is a change: the (count, latest change) stamp decides.
    version = _version_source() if _version_source is not None else (time.monotonic(),)
    with _lock:
        entry = _cache.get(name)
    now = time.monotonic()
    if entry is not None and entry.version == version and now - entry.checked < settings.MATCHING_VERIFY_SECONDS:
        return entry
    qs = live_queryset()
    started = timezone.now()
    agg = qs.aggregate(n=Count("pk"), last=Max("last_updated"))
    stamp = (agg["n"], agg["last"])
    if entry is not None and entry.stamp == stamp:
        # Another kind of record changed, or the periodic check found nothing new: keep the copy.
        entry = replace(entry, version=version, checked=now)
        with _lock:
            _cache[name] = entry
        return entry
    if entry is None:
        keys = _load(qs, extra)
    else:
        keys = entry.as_dict()
        live = set(qs.values_list("pk", flat=True))
        for pk in [pk for pk in keys if pk not in live]:
            del keys[pk]
        since = entry.synced - timezone.timedelta(seconds=CHANGE_MARGIN_S)
        keys.update(_load(qs.filter(last_updated__gte=since), extra))
        missing = live - keys.keys()  # became live again without a newer stamp (e.g. a day passed)
        if missing:
            keys.update(_load(qs.filter(pk__in=missing), extra))
    entry = _Keys.build(keys, version, stamp, now, started)
    with _lock:
        _cache[name] = entry
    return entry


def live_matches(name: str, live_queryset, terms: list[str]) -> list[int]:
    """Primary keys of live records whose search key contains every (already folded) term."""
    entry = _current(name, live_queryset)
    return entry.pks[_found(entry, terms)].tolist()


def matches_with_keys(name: str, live_queryset, terms: list[str], extra: tuple[str, ...]) -> list[tuple]:
    """``(pk, search key, *extra values)`` of the records whose key contains every term.

    ``extra`` names further columns kept in memory with the keys, so that a caller can rank and
    order the matches without asking the database; it must be the same for every call of ``name``.
    """
    entry = _current(name, live_queryset, extra)
    return [(int(entry.pks[i]), entry.key(i).decode(), *entry.extra[i]) for i in _found(entry, terms)]


def _found(entry: _Keys, terms: list[str]) -> list[int]:
    if not terms or not len(entry.pks):
        return []
    encoded = sorted({t.encode() for t in terms if t}, key=len, reverse=True)
    first, rest = encoded[0], encoded[1:]  # the longest term is usually the rarest
    # Every occurrence in one C-level pass, then each mapped to its record at once.
    positions = np.fromiter((m.start() for m in re.finditer(re.escape(first), entry.haystack)), dtype=np.int64)
    if not len(positions):
        return []
    found = np.unique(np.searchsorted(entry.starts, positions, side="right") - 1).tolist()
    if rest:
        found = [i for i in found if all(t in entry.key(i) for t in rest)]
    return found


def warm(name: str, live_queryset, extra: tuple[str, ...] = ()) -> None:
    """Fill this process's copy before it serves requests (gunicorn's post_worker_init)."""
    _current(name, live_queryset, extra)


def forget() -> None:
    """Drop every process-local copy (tests switch databases)."""
    with _lock:
        _cache.clear()

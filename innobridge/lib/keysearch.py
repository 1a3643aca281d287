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
from dataclasses import dataclass, field, replace
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
    # Each record's place when all are sorted by their ``extra`` values (None first), so that
    # matches are ordered by one array lookup instead of comparing tuples; empty without extras.
    order: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    fields: tuple[str, ...] = ()  # the names of the ``extra`` fields

    def key(self, i: int) -> bytes:
        end = int(self.starts[i + 1]) - 1 if i + 1 < len(self.starts) else len(self.haystack)
        return self.haystack[int(self.starts[i]) : end]

    def as_dict(self) -> dict[int, tuple[bytes, tuple]]:
        return {int(pk): (self.key(i), self.extra[i]) for i, pk in enumerate(self.pks)}

    @classmethod
    def build(
        cls,
        rows: dict[int, tuple[bytes, tuple]],
        version: Hashable,
        stamp: tuple,
        checked: float,
        synced: datetime,
        fields: tuple[str, ...] = (),
    ) -> _Keys:
        pks = np.fromiter(rows.keys(), dtype=np.int64, count=len(rows))
        lengths = np.fromiter((len(k) + 1 for k, _ in rows.values()), dtype=np.int64, count=len(rows))
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64) if len(rows) else lengths
        haystack = SEP.join(k for k, _ in rows.values())
        extra = [e for _, e in rows.values()]
        order = np.zeros(0, dtype=np.int64)
        if extra and extra[0]:
            by_extra = sorted(range(len(extra)), key=lambda i: tuple(sortable(v) for v in extra[i]))
            order = np.empty(len(extra), dtype=np.int64)
            order[np.asarray(by_extra, dtype=np.int64)] = np.arange(len(extra), dtype=np.int64)
        return cls(pks, starts, haystack, extra, version, stamp, checked, synced, order, fields)


def sortable(value) -> tuple:
    """A value made comparable with its kind: None sorts before everything (as "" did for names)."""
    return (0, "") if value is None else (1, value)


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
    if entry is not None and entry.fields != tuple(extra):
        entry = None  # asked with other fields than it was filled with: fill it again
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
    entry = _Keys.build(keys, version, stamp, now, started, tuple(extra))
    with _lock:
        _cache[name] = entry
    return entry


def live_matches(name: str, live_queryset, terms: list[str], extra: tuple[str, ...] = ()) -> list[int]:
    """Primary keys of live records whose search key contains every (already folded) term.

    ``extra`` names the fields the copy keeps beside the keys; give the same on every call of ``name``.
    """
    entry = _current(name, live_queryset, extra)
    return entry.pks[_found(entry, terms)].tolist()


def ordered_matches(
    name: str, live_queryset, terms: list[str], extra: tuple[str, ...], *, descending: bool = False
) -> list[tuple[int, tuple]]:
    """``(pk, extra values)`` of the live records whose key contains every term, ordered by the
    extra values (None first; last when ``descending``), from one array lookup."""
    entry = _current(name, live_queryset, extra)
    found = _search(entry, terms)[0]
    if not len(found):
        return []
    ranks = entry.order[found] if len(entry.order) == len(entry.pks) else found
    found = found[np.argsort(-ranks if descending else ranks, kind="stable")]
    return [(int(entry.pks[i]), entry.extra[i]) for i in found.tolist()]


FIELD_SEP = b" | "  # between the names and aliases of one record's key


def ranked_matches(name: str, live_queryset, terms: list[str], phrase: str, extra: tuple[str, ...]) -> list[int]:
    """Primary keys of the records whose key contains every term, best first.

    First the records where ``phrase`` is a whole field of the key (fields are separated by
    FIELD_SEP: a name, an alias), then those with a field starting with it, then the rest; ties
    in the order of the ``extra`` values (None as ""). Computed on arrays: a query matching tens
    of thousands of records costs a few milliseconds, not a Python sort of tuples.
    """
    entry = _current(name, live_queryset, extra)
    found, positions, first = _search(entry, terms)
    if not len(found):
        return []
    wanted = phrase.encode()
    rank = _field_ranks(entry, wanted, found, positions if wanted == first else None)
    order = entry.order if len(entry.order) == len(entry.pks) else np.arange(len(entry.pks), dtype=np.int64)
    best_first = found[np.lexsort((order[found], rank[found]))]
    return entry.pks[best_first].tolist()


def _field_ranks(entry: _Keys, phrase: bytes, found: np.ndarray, positions: np.ndarray | None) -> np.ndarray:
    """Per record: 0 if ``phrase`` is a whole field of its key, 1 if a field starts with it, else 2.

    ``positions``, when given, are the phrase's occurrences from the search scan.
    """
    n = len(entry.pks)
    rank = np.full(n, 2, dtype=np.int8)
    if not phrase or not n:
        return rank
    hay = entry.haystack
    if b"|" in phrase or b" " in phrase or SEP in phrase:  # could straddle the separators: record by record
        for i in found.tolist():
            rank[i] = _field_rank(entry.key(i), phrase)
        return rank
    buf = np.frombuffer(hay, dtype=np.uint8)
    size = len(hay)

    def byte(at: np.ndarray) -> np.ndarray:  # the byte at each offset, 0 outside the haystack
        return np.where((at >= 0) & (at < size), buf[np.clip(at, 0, size - 1)], 0)

    if positions is None:
        positions = _occurrences(hay, phrase)
    # A scan of the phrase misses only occurrences overlapping an earlier one, and none of those
    # can follow a separator: the byte before it would be inside the phrase, which holds no
    # separator byte. So every occurrence that starts a field is in ``positions``.
    at = positions
    starts_field = (at == 0) | (byte(at - 1) == SEP[0]) | ((byte(at - 1) == ord(" ")) & (byte(at - 2) == ord("|")))
    at = at[starts_field]
    if not len(at):
        return rank
    end = at + len(phrase)
    whole = (end >= size) | (byte(end) == SEP[0]) | ((byte(end) == ord(" ")) & (byte(end + 1) == ord("|")))
    records = np.searchsorted(entry.starts, at, side="right") - 1
    np.minimum.at(rank, records, np.where(whole, 0, 1).astype(np.int8))
    return rank


def _field_rank(key: bytes, phrase: bytes) -> int:
    opens, closes = FIELD_SEP[1:], FIELD_SEP[:-1]  # "| " before a field, " |" after one
    if (
        key == phrase
        or key.startswith(phrase + closes)
        or opens + phrase + closes in key
        or key.endswith(opens + phrase)
    ):
        return 0
    return 1 if key.startswith(phrase) or opens + phrase in key else 2


def _occurrences(haystack: bytes, needle: bytes) -> np.ndarray:
    """Start offsets of the (non-overlapping) occurrences of ``needle``, in one C-level scan."""
    return np.array([m.start() for m in re.finditer(re.escape(needle), haystack)], dtype=np.int64)


def _search(entry: _Keys, terms: list[str]) -> tuple[np.ndarray, np.ndarray, bytes]:
    """(indexes of the records holding every term, occurrences of the first term scanned, that term)."""
    none = np.zeros(0, dtype=np.int64)
    if not terms or not len(entry.pks):
        return none, none, b""
    encoded = sorted({t.encode() for t in terms if t}, key=len, reverse=True)
    first, rest = encoded[0], encoded[1:]  # the longest term is usually the rarest
    positions = _occurrences(entry.haystack, first)
    if not len(positions):
        return none, positions, first
    # Occurrences come in order, so their records do too: keep each record once without sorting.
    records = np.searchsorted(entry.starts, positions, side="right") - 1
    found = records[np.concatenate(([True], records[1:] != records[:-1]))]
    if rest:
        found = np.array([i for i in found.tolist() if all(t in entry.key(i) for t in rest)], dtype=np.int64)
    return found, positions, first


def _found(entry: _Keys, terms: list[str]) -> list[int]:
    return _search(entry, terms)[0].tolist()


def warm(name: str, live_queryset, extra: tuple[str, ...] = ()) -> None:
    """Fill this process's copy before it serves requests (gunicorn's post_worker_init)."""
    _current(name, live_queryset, extra)


def forget() -> None:
    """Drop every process-local copy (tests switch databases)."""
    with _lock:
        _cache.clear()

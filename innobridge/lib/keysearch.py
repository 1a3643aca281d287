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

A search does not scan the whole copy either: each copy carries a bigram index
(``innocore.grams``) of the records it was built with, which gives the records holding a term
of two characters or more from posting lists, so a broad stem such as 智能 (17,000 of 200,000
offers) costs a lookup and not a scan. Records changed or added since the index was built are
kept apart and checked one by one until they are more than a twentieth of the copy, when the
index is built again. A one-character term is still answered by a scan.

The version is read through :func:`set_version_source`: the matching app, which bumps its index
version on every write to offers, needs and organisations, registers it at start-up.
Without one, a copy is re-checked against its rows' (count, latest change) on every use.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import repeat

import numpy as np
from django.conf import settings
from django.db.models import Count, Max
from django.utils import timezone

from innocore.grams import BigramIndex

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
    ends: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # end of each key
    # The bigram index, built over the records as they were at some earlier fill (the "base"):
    grams: BigramIndex | None = None
    base_pks: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # in base order
    base_pos: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # now at, or -1
    fresh: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # not in the index
    fresh_pks: frozenset = frozenset()  # re-read or added since the index was built
    derived: dict = field(default_factory=dict, compare=False)  # computed on first use (field starts)

    def key(self, i: int) -> bytes:
        return self.haystack[int(self.starts[i]) : int(self.ends[i])]

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
        previous: _Keys | None = None,
        changed: frozenset = frozenset(),
    ) -> _Keys:
        """``previous``: the copy these rows were updated from, whose bigram index is kept while
        the records ``changed`` since it was built stay few."""
        pks = np.fromiter(rows.keys(), dtype=np.int64, count=len(rows))
        lengths = np.fromiter((len(k) + 1 for k, _ in rows.values()), dtype=np.int64, count=len(rows))
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64) if len(rows) else lengths
        haystack = SEP.join(k for k, _ in rows.values())
        ends = np.append(starts[1:] - 1, len(haystack)).astype(np.int64) if len(rows) else lengths
        extra = [e for _, e in rows.values()]
        order = np.zeros(0, dtype=np.int64)
        if extra and extra[0]:
            by_extra = sorted(range(len(extra)), key=lambda i: tuple(sortable(v) for v in extra[i]))
            order = np.empty(len(extra), dtype=np.int64)
            order[np.asarray(by_extra, dtype=np.int64)] = np.arange(len(extra), dtype=np.int64)
        fresh_pks = (previous.fresh_pks | changed) if previous is not None and previous.grams is not None else None
        if fresh_pks is None or len(fresh_pks) > max(REINDEX_MIN, len(rows) // REINDEX_SHARE):
            grams, base_pks, base_pos = BigramIndex.build(haystack, starts), pks, np.arange(len(pks), dtype=np.int64)
            fresh, fresh_pks = np.zeros(0, dtype=np.int64), frozenset()
        else:
            assert previous is not None and previous.grams is not None
            grams, base_pks = previous.grams, previous.base_pks
            base_pos = _positions(pks, base_pks)
            if fresh_pks:
                stale = np.isin(base_pks, np.fromiter(fresh_pks, dtype=np.int64, count=len(fresh_pks)))
                base_pos[stale] = -1
            covered = np.zeros(len(pks), dtype=bool)
            covered[base_pos[base_pos >= 0]] = True
            fresh = np.flatnonzero(~covered)
        return cls(
            pks, starts, haystack, extra, version, stamp, checked, synced, order, fields, ends,
            grams, base_pks, base_pos, fresh, fresh_pks,
        )  # fmt: skip


REINDEX_SHARE = 20  # the index is built again when over a twentieth of the records changed since
REINDEX_MIN = 1000  # ... and over this many: checking that many one by one costs about a millisecond


def _positions(pks: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Where each of ``wanted`` is in ``pks``, or -1."""
    if not len(pks):
        return np.full(len(wanted), -1, dtype=np.int64)
    sorter = np.argsort(pks, kind="stable")
    at = np.clip(np.searchsorted(pks, wanted, sorter=sorter), 0, len(pks) - 1)
    where = sorter[at]
    return np.where(pks[where] == wanted, where, -1).astype(np.int64)


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


def data_version() -> Hashable | None:
    """The current data version (see :func:`set_version_source`), or None without a source: for
    caches of anything drawn from the searched records (the directory's result cards)."""
    return _version_source() if _version_source is not None else None


_refreshing: dict[str, threading.Lock] = {}


def _version() -> Hashable:
    # Without a version source every use is a change: the (count, latest change) stamp decides.
    return _version_source() if _version_source is not None else (time.monotonic(),)


def _usable(name: str, version: Hashable, extra: tuple[str, ...]) -> tuple[_Keys | None, _Keys | None]:
    """(the copy if it can answer now, else None; the copy to update, if any)."""
    with _lock:
        entry = _cache.get(name)
    if entry is not None and entry.fields != tuple(extra):
        return None, None  # asked with other fields than it was filled with: fill it again
    now = time.monotonic()
    if entry is not None and entry.version == version and now - entry.checked < settings.MATCHING_VERIFY_SECONDS:
        return entry, entry
    return None, entry


def _current(name: str, live_queryset, extra: tuple[str, ...] = ()) -> _Keys:
    ready, _ = _usable(name, _version(), extra)
    if ready is not None:
        return ready
    # One thread of the process refreshes a copy (rebuilding its bigram index takes seconds at
    # 200,000 offers); the others wait for it and use its work rather than build a second copy.
    with _lock:
        refreshing = _refreshing.setdefault(name, threading.Lock())
    with refreshing:
        version = _version()
        ready, entry = _usable(name, version, extra)
        if ready is not None:
            return ready
        return _refresh(name, live_queryset, extra, version, entry)


def _refresh(name: str, live_queryset, extra: tuple[str, ...], version: Hashable, entry: _Keys | None) -> _Keys:
    now = time.monotonic()
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
    previous, changed = entry, set[int]()
    if entry is None:
        keys = _load(qs, extra)
    else:
        keys = entry.as_dict()
        live = set(qs.values_list("pk", flat=True))
        for pk in [pk for pk in keys if pk not in live]:
            del keys[pk]
        since = entry.synced - timezone.timedelta(seconds=CHANGE_MARGIN_S)
        recent = _load(qs.filter(last_updated__gte=since), extra)
        keys.update(recent)
        changed.update(recent)
        missing = live - keys.keys()  # became live again without a newer stamp (e.g. a day passed)
        if missing:
            keys.update(_load(qs.filter(pk__in=missing), extra))
            changed.update(missing)
    entry = _Keys.build(keys, version, stamp, now, started, tuple(extra), previous, frozenset(changed))
    with _lock:
        _cache[name] = entry
    return entry


def live_matches(name: str, live_queryset, terms: list[str], extra: tuple[str, ...] = ()) -> list[int]:
    """Primary keys of live records whose search key contains every (already folded) term.

    ``extra`` names the fields the copy keeps beside the keys; give the same on every call of ``name``.
    """
    entry = _current(name, live_queryset, extra)
    return entry.pks[_found(entry, terms)].tolist()


@dataclass(frozen=True)
class Ordered:
    """Matches of :func:`ordered_matches`: primary keys in order, and each one's extra values."""

    pks: list[int]
    _extra: list
    _at: list[int]

    def extra(self, i: int) -> tuple:
        return self._extra[self._at[i]]


def ordered_matches(
    name: str,
    live_queryset,
    terms: list[str],
    extra: tuple[str, ...],
    *,
    descending: bool = False,
    keep: Callable[[Mapping[str, np.ndarray]], np.ndarray] | None = None,
) -> Ordered:
    """The live records whose key contains every term, ordered by the extra values (None first;
    last when ``descending``) from one array lookup.

    ``keep``, given the extra fields of the matches as arrays by field name, says which to keep:
    a test on arrays (visibility, say) rather than one call per match.
    """
    entry = _current(name, live_queryset, extra)
    found = _search(entry, terms)
    if len(found) and keep is not None:
        columns = _columns(entry)
        found = found[keep({name: values[found] for name, values in columns.items()})]
    if not len(found):
        return Ordered([], entry.extra, [])
    ranks = entry.order[found] if len(entry.order) == len(entry.pks) else found
    found = found[np.argsort(-ranks if descending else ranks, kind="stable")]
    return Ordered(entry.pks[found].tolist(), entry.extra, found.tolist())


def _columns(entry: _Keys) -> dict[str, np.ndarray]:
    """The extra fields as one array each (of Python objects), computed once per copy."""
    got = entry.derived.get("columns")
    if got is None:
        table = np.empty((len(entry.extra), len(entry.fields)), dtype=object)
        for i, values in enumerate(entry.extra):
            table[i] = values
        got = {name: table[:, j] for j, name in enumerate(entry.fields)}
        entry.derived["columns"] = got
    return got


FIELD_SEP = b" | "  # between the names and aliases of one record's key


def ranked_matches(name: str, live_queryset, terms: list[str], phrase: str, extra: tuple[str, ...]) -> list[int]:
    """Primary keys of the records whose key contains every term, best first.

    First the records where ``phrase`` is a whole field of the key (fields are separated by
    FIELD_SEP: a name, an alias), then those with a field starting with it, then the rest; ties
    in the order of the ``extra`` values (None as ""). Computed on arrays: a query matching tens
    of thousands of records costs a few milliseconds, not a Python sort of tuples.
    """
    entry = _current(name, live_queryset, extra)
    found = _search(entry, terms)
    if not len(found):
        return []
    rank = _field_ranks(entry, phrase.encode(), found)
    order = entry.order if len(entry.order) == len(entry.pks) else np.arange(len(entry.pks), dtype=np.int64)
    best_first = found[np.lexsort((order[found], rank[found]))]
    return entry.pks[best_first].tolist()


def _field_ranks(entry: _Keys, phrase: bytes, found: np.ndarray) -> np.ndarray:
    """Per record: 0 if ``phrase`` is a whole field of its key, 1 if a field starts with it, else 2
    (computed for the ``found`` records)."""
    n = len(entry.pks)
    rank = np.full(n, 2, dtype=np.int8)
    if not phrase or not n or not len(found):
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

    starts, records = _field_starts(entry)
    wanted = np.zeros(n, dtype=bool)
    wanted[found] = True
    keep = wanted[records]
    at, records = starts[keep], records[keep]
    # The phrase holds no separator byte, so a comparison that runs past its field fails there.
    same = np.ones(len(at), dtype=bool)
    for k, value in enumerate(phrase):
        same &= byte(at + k) == value
    at, records = at[same], records[same]
    if not len(at):
        return rank
    end = at + len(phrase)
    whole = (end >= size) | (byte(end) == SEP[0]) | ((byte(end) == ord(" ")) & (byte(end + 1) == ord("|")))
    np.minimum.at(rank, records, np.where(whole, 0, 1).astype(np.int8))
    return rank


def _field_starts(entry: _Keys) -> tuple[np.ndarray, np.ndarray]:
    """Byte offsets where a field of a key starts (the key's start, and after each "| "), with
    the record of each; computed once per copy."""
    got = entry.derived.get("field_starts")
    if got is None:
        after = _occurrences(entry.haystack, FIELD_SEP[1:]) + len(FIELD_SEP) - 1
        starts = np.sort(np.concatenate([entry.starts, after]))
        got = (starts, np.searchsorted(entry.starts, starts, side="right") - 1)
        entry.derived["field_starts"] = got
    return got


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


def _search(entry: _Keys, terms: list[str]) -> np.ndarray:
    """Indexes (ascending) of the records whose key holds every term."""
    none = np.zeros(0, dtype=np.int64)
    if not terms or not len(entry.pks):
        return none
    encoded = sorted({t.encode() for t in terms if t}, key=len, reverse=True)
    if not encoded:
        return none
    served = [t for t in encoded if entry.grams is not None and len(t.decode()) >= 2]
    found = None
    for term in served:  # from the index, the longest (usually rarest) first
        holding = _indexed(entry, term)
        found = holding if found is None else np.intersect1d(found, holding, assume_unique=True)
        if not len(found):
            return none
    rest = [t for t in encoded if t not in served]
    if found is None:  # only one-character terms: scan for the first
        found = _scanned(entry, rest[0])
        rest = rest[1:]
    if rest:
        found = _holding(entry, found, rest)
    return found


def _holding(entry: _Keys, positions: np.ndarray, terms: list[bytes]) -> np.ndarray:
    """The records among ``positions`` (ascending) whose key holds every term: a search within
    each record's bounds, about 0.4 microseconds a record (a scan of 200,000 offers with as
    many candidates costs over 70 ms)."""
    if not len(positions) or not terms:
        return positions
    hay = entry.haystack
    starts, ends = entry.starts[positions].tolist(), entry.ends[positions].tolist()
    keep = np.ones(len(positions), dtype=bool)
    for term in terms:
        keep &= np.fromiter(map(hay.find, repeat(term), starts, ends), dtype=np.int64, count=len(starts)) >= 0
    return positions[keep]


def _indexed(entry: _Keys, term: bytes) -> np.ndarray:
    """The records holding ``term`` (two characters or more), from the bigram index and a check of
    the records changed since it was built."""
    assert entry.grams is not None
    candidates = entry.grams.candidates(term.decode())
    assert candidates is not None
    positions = entry.base_pos[candidates]
    positions = positions[positions >= 0]
    if len(term.decode()) > 2:  # candidates hold every bigram of the term, not always the term
        positions = _holding(entry, positions, [term])
    if len(entry.fresh):
        positions = np.union1d(positions, _holding(entry, entry.fresh, [term]))
    return np.sort(positions)


def _scanned(entry: _Keys, term: bytes) -> np.ndarray:
    """The records holding ``term``, by a scan of every key."""
    positions = _occurrences(entry.haystack, term)
    if not len(positions):
        return np.zeros(0, dtype=np.int64)
    # Occurrences come in order, so their records do too: keep each record once without sorting.
    records = np.searchsorted(entry.starts, positions, side="right") - 1
    return records[np.concatenate(([True], records[1:] != records[:-1]))]


def _found(entry: _Keys, terms: list[str]) -> list[int]:
    return _search(entry, terms).tolist()


def warm(name: str, live_queryset, extra: tuple[str, ...] = (), *, ranked: bool = False) -> None:
    """Fill this process's copy before it serves requests (gunicorn's post_worker_init), with the
    arrays a first search would compute: the extra fields as columns, and the field starts of
    the keys when the list is ranked by field (``ranked_matches``)."""
    entry = _current(name, live_queryset, extra)
    if extra:
        _columns(entry)
    if ranked:
        _field_starts(entry)


def forget() -> None:
    """Drop every process-local copy (tests switch databases)."""
    with _lock:
        _cache.clear()

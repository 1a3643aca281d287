"""Adapts the matching engine to the database: builds indexes from rows, caches them per process.

An index is rebuilt when its source rows change (row count or latest update differs), and
document vectors come from the StoredVector table, so only new or edited texts are encoded.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import connection
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from innobridge.directory.models import Organisation, Place
from innobridge.lib import keysearch
from innobridge.matching.models import IndexVersion, StoredVector, TechnologyNeed, TechnologyOffer
from innocore.match.dense import Encoder, get_encoder, text_key
from innocore.match.engine import Document, Matcher, embedding_text, field_terms

_SEP = "\x1f"

_lock = threading.Lock()
_cache: dict[str, tuple[tuple, Matcher]] = {}


def encoder() -> Encoder | None:
    name = settings.MATCHING_ENCODER
    return None if name in ("", "none") else get_encoder(name)


def region_keys(place_ids, parents: dict[int, int | None], slugs: dict[int, str], kinds: dict[int, str]) -> frozenset:
    """A place and its ancestors up to the province (a shared country says nothing)."""
    keys = set()
    for pid in place_ids:
        node, seen = pid, set()
        while node is not None and node not in seen:
            seen.add(node)
            if kinds.get(node) != Place.Kind.COUNTRY:
                keys.add(slugs[node])
            node = parents.get(node)
    return frozenset(keys)


@dataclass
class PlaceTable:
    parents: dict[int, int | None]
    slugs: dict[int, str]
    kinds: dict[int, str]

    @classmethod
    def load(cls) -> PlaceTable:
        rows = list(Place.objects.values_list("pk", "parent_id", "slug", "kind"))
        return cls({r[0]: r[1] for r in rows}, {r[0]: r[2] for r in rows}, {r[0]: r[3] for r in rows})

    def keys(self, place_ids) -> frozenset:
        return region_keys([p for p in place_ids if p], self.parents, self.slugs, self.kinds)


def vector_key(encoder_name: str, text: str, *, side: str = "documents") -> str:
    """The StoredVector key of ``text`` as a document or as a query (``side="queries"``)."""
    key = text_key(encoder_name, text)
    return "q:" + key[2:] if side == "queries" else key


def stored_or_encoded(
    texts: list[str],
    *,
    encoder_name: str,
    encode: Callable[[list[str]], np.ndarray],
    side: str = "documents",
    batch: int = 256,
    progress: Callable[[int, int, str], None] | None = None,
) -> tuple[np.ndarray | None, int]:
    """Vectors of ``texts``: those stored already read back, the others encoded with ``encode`` in
    batches of ``batch`` texts and stored. Returns the vectors and how many texts were encoded."""
    keys = [vector_key(encoder_name, t, side=side) for t in texts]
    stored: dict[str, bytes] = {}
    unique = list(dict.fromkeys(keys))
    for start in range(0, len(unique), 20_000):  # stay under the databases' parameter limits
        chunk = unique[start : start + 20_000]
        stored.update(StoredVector.objects.filter(key__in=chunk).values_list("key", "vector"))
    missing = list({k: i for i, k in enumerate(keys) if k not in stored}.values())  # one text per key
    for start in range(0, len(missing), batch):
        part = missing[start : start + batch]
        fresh = encode([texts[i] for i in part])
        rows = []
        for i, vec in zip(part, fresh, strict=True):
            stored[keys[i]] = vec.astype(np.float32).tobytes()
            rows.append(StoredVector(key=keys[i], encoder=encoder_name, vector=stored[keys[i]]))
        StoredVector.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
        if progress:
            progress(start + len(part), len(missing), "encoding")
    vectors = np.vstack([np.frombuffer(bytes(stored[k]), dtype=np.float32) for k in keys]) if keys else None
    return vectors, len(missing)


def vectors_for(texts: list[str], progress: Callable[[int, int, str], None] | None = None) -> np.ndarray | None:
    """Document vectors of ``texts`` with the product's encoder (None without one)."""
    enc = encoder()
    if enc is None:
        return None
    vectors, _ = stored_or_encoded(texts, encoder_name=enc.name, encode=enc.encode_documents, progress=progress)
    return vectors


def vector_text(title: str, text: str) -> str:
    """The one text a record's vectors are computed from (and keyed by): see ``embedding_text``."""
    return embedding_text(title, text)


_QUERY_CACHE_SIZE = 2048
_query_cache: OrderedDict[str, np.ndarray] = OrderedDict()
_query_lock = threading.Lock()


def query_vector(text: str, *, store: bool = False) -> np.ndarray | None:
    """The query-side vector of a text.

    Read from the stored vectors when a write (``store=True``, used when a record is saved) put it
    there; otherwise encoded and kept in a bounded per-process cache, so a page view never writes.
    """
    enc = encoder()
    if enc is None:
        return None
    key = vector_key(enc.name, text, side="queries")
    with _query_lock:
        hit = _query_cache.get(key)
        if hit is not None:
            _query_cache.move_to_end(key)
            return hit
    row = StoredVector.objects.filter(key=key).values_list("vector", flat=True).first()
    if row is not None:
        vec = np.frombuffer(bytes(row), dtype=np.float32)
    else:
        vec = enc.encode_queries([text])[0].astype(np.float32)
        if store:
            StoredVector.objects.bulk_create(
                [StoredVector(key=key, encoder=enc.name, vector=vec.tobytes())], ignore_conflicts=True
            )
    with _query_lock:
        _query_cache[key] = vec
        while len(_query_cache) > _QUERY_CACHE_SIZE:
            _query_cache.popitem(last=False)
    return vec


FORMAT = 4  # bump when the pickled index layout changes, so old files are rebuilt, not trusted
CHANGE_MARGIN = timedelta(minutes=5)  # rows committed late with an older timestamp are re-read


@dataclass
class _Entry:
    """An index in memory with what it reflects and when that was last confirmed."""

    matcher: Matcher
    stamp: tuple  # (row count, latest change) of the rows it reflects
    synced: datetime | None  # when its rows were read: later changes are not in it
    version: tuple = ()  # (index version token, day) at the last confirmation
    checked: float = 0.0  # monotonic time of the last full stamp check
    seen: dict | None = None  # document id -> last_updated of its row, when the source tracks it


def current_version() -> tuple:
    row = IndexVersion.objects.filter(name="matching").values_list("version", flat=True).first()
    return (row or "", timezone.localdate())


def _file(name: str) -> Path:
    key = repr((FORMAT, settings.MATCHING_ENCODER, str(connection.settings_dict["NAME"])))
    return Path(settings.INDEX_DIR) / f"{name}-{hashlib.sha256(key.encode()).hexdigest()[:16]}.pickle"


def _read(name: str) -> _Entry | None:
    path = _file(name)
    if not path.exists():
        return None
    try:
        with path.open("rb") as fh:
            entry = pickle.load(fh)
        if not isinstance(entry, _Entry):
            return None
        entry.matcher.encoder = encoder()
        return entry
    except Exception:  # a torn or stale file is rebuilt, never trusted
        return None


def _write(name: str, entry: _Entry) -> None:
    """Share a full build with the other worker processes (and restarts) through INDEX_DIR."""
    path = _file(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    matcher = entry.matcher
    encoder_obj, matcher.encoder = matcher.encoder, None
    try:
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as fh:
            pickle.dump(entry, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(fh.name, path)
    finally:
        matcher.encoder = encoder_obj


@dataclass
class Source:
    """Where an index's documents come from."""

    name: str
    queryset: Callable[[], QuerySet]  # the live rows
    documents: Callable[[QuerySet], list[Document]]  # rows -> their documents
    changed: Callable[[datetime], QuerySet]  # since -> rows that may have changed
    stamp_extra: Callable[[], tuple] | None = None  # other rows the documents depend on (updated in place)
    rebuild_extra: Callable[[], tuple] | None = None  # rows whose change calls for a full rebuild
    # A document changes only when its own row's last_updated does (true for offers and needs,
    # not for organisation profiles, which include their offers' titles).
    tracks_rows: bool = False


def live_matcher(source: Source) -> Matcher:
    """The current index of ``source``: from memory, else updated incrementally, else rebuilt.

    A request reads one row (the index version) while nothing changes, and re-checks the full
    stamp at most every MATCHING_VERIFY_SECONDS in case a write bypassed the signals. After a
    change, only the changed rows are re-read, re-tokenised and re-encoded and go into a delta
    segment; the index is rebuilt in full (and written to INDEX_DIR) when that delta grows past
    MATCHING_MERGE_AT documents or 10 % of the index.
    """
    version = current_version()
    with _lock:
        entry = _cache.get(source.name)
    now = time.monotonic()
    if entry and entry.version == version and now - entry.checked < settings.MATCHING_VERIFY_SECONDS:
        return entry.matcher
    qs = source.queryset()
    started = timezone.now()
    fixed = source.rebuild_extra() if source.rebuild_extra else ()
    stamp = _stamp(qs) + (source.stamp_extra() if source.stamp_extra else ()) + fixed
    if entry is None:
        entry = _read(source.name)
    if entry is not None and entry.stamp != stamp:
        rebuild = bool(fixed) and entry.stamp[-len(fixed) :] != fixed
        entry = None if rebuild else _apply_changes(source, entry, qs, stamp, started)
    if entry is None:
        entry = _full_build(source, qs, stamp, started)
        _write(source.name, entry)
    entry.version, entry.checked = version, now
    with _lock:
        _cache[source.name] = entry
    return entry.matcher


def _full_build(source: Source, qs, stamp: tuple, started: datetime, progress=None) -> _Entry:
    previous = _cache.get(source.name) or _read(source.name)
    term_cache = getattr(previous.matcher, "term_cache_", {}) if previous else {}
    matcher = _build(source.documents(qs.order_by("pk")), term_cache, progress)
    seen = dict(qs.values_list("slug", "last_updated")) if source.tracks_rows else None
    return _Entry(matcher, stamp, started, seen=seen)


def rebuild(progress=None) -> dict:
    """Rebuild every matching index in full now (after an upgrade, or to merge large deltas)."""
    counts = {}
    for source in (OFFERS, NEEDS, ORGANISATIONS):

        def step(done, total=None, message="", name=source.name):
            if progress:
                progress(done, total, f"{name}: {message}")

        version = current_version()
        qs = source.queryset()
        started = timezone.now()
        stamp = (
            _stamp(qs)
            + (source.stamp_extra() if source.stamp_extra else ())
            + (source.rebuild_extra() if source.rebuild_extra else ())
        )
        entry = _full_build(source, qs, stamp, started, step)
        _write(source.name, entry)
        entry.version, entry.checked = version, time.monotonic()
        with _lock:
            _cache[source.name] = entry
        counts[source.name] = len(entry.matcher)
    return counts


def _apply_changes(source: Source, entry: _Entry, qs, stamp: tuple, started: datetime) -> _Entry | None:
    """Bring ``entry`` up to ``stamp`` with a delta segment; None when a full rebuild is due."""
    matcher = entry.matcher
    live = set(qs.values_list("slug", flat=True))
    removed = [doc_id for doc_id in matcher.index_of_ if doc_id not in live]
    since = entry.synced - CHANGE_MARGIN if entry.synced else None
    rows = source.changed(since) if since else qs
    seen = dict(entry.seen) if entry.seen is not None else None
    if seen is not None:
        # Rows re-read because of the safety margin but unchanged since they were indexed are
        # skipped by their timestamp, so a bulk import just before the build costs nothing here.
        stamps = dict(rows.values_list("slug", "last_updated"))
        changed = [slug for slug, at in stamps.items() if seen.get(slug) != at]
        seen.update(stamps)
        for doc_id in removed:
            seen.pop(doc_id, None)
        rows = rows.filter(slug__in=changed) if len(changed) < 20_000 else rows
    fresh = []
    for doc in source.documents(rows):
        if doc.id not in live:
            continue
        i = matcher.index_of_.get(doc.id)
        if i is None or matcher.documents_[i] != doc:
            fresh.append(doc)
    limit = min(settings.MATCHING_MERGE_AT, max(200, len(matcher) // 10))
    if matcher.delta_size + len(fresh) + len(removed) > limit:
        return None
    if fresh or removed:
        terms, cache = _terms(fresh, matcher.term_cache_, matcher)
        vectors = (
            vectors_for([vector_text(d.title, d.text) for d in fresh]) if fresh and matcher.dense_ is not None else None
        )
        updated = matcher.updated(fresh, removed, vectors=vectors, token_lists=terms)
        updated.term_cache_ = {**matcher.term_cache_, **cache}
        matcher = updated
    return _Entry(matcher, stamp, started, seen=seen)


def _terms(docs: list[Document], previous: dict, matcher: Matcher, progress=None) -> tuple[list, dict]:
    """Weighted terms of ``docs``, re-tokenising only texts not seen before."""
    terms, cache = [], {}
    for n, d in enumerate(docs, 1):
        if progress and (n % 1000 == 0 or n == len(docs)):
            progress(n, len(docs), "tokenising")
        key = hashlib.sha1(f"{d.title}\x00{d.text}".encode()).hexdigest()
        # Two joined strings per document: cheap to keep and to pickle, unlike millions of tuples.
        packed = previous.get(key)
        if packed is None:
            packed = tuple(_SEP.join(part) for part in field_terms(d.title, d.text))
        cache[key] = packed
        terms.append(matcher.weigh(*(p.split(_SEP) if p else [] for p in packed)))
    return terms, cache


def _stamp(qs) -> tuple:
    agg = qs.aggregate(n=Count("pk"), last=Max("last_updated"))
    return (agg["n"], agg["last"])


def offers_queryset():
    live = Q(expires_on__isnull=True) | Q(expires_on__gte=timezone.localdate())
    return TechnologyOffer.objects.filter(live, status=TechnologyOffer.Status.PUBLISHED)


def needs_queryset():
    return TechnologyNeed.objects.filter(status=TechnologyNeed.Status.PUBLISHED)


def offer_document(offer: TechnologyOffer, places: PlaceTable) -> Document:
    return offer_document_of(
        slug=offer.slug,
        title=offer.title,
        text=offer.matching_text(),
        sectors=[s.slug for s in offer.sectors.all()],
        place_ids=[p.pk for p in offer.target_places.all()],
        trl=offer.trl,
        language=offer.language,
        places=places,
    )


def offer_document_of(*, slug, title, text, sectors, place_ids, trl, language, places: PlaceTable) -> Document:
    """An offer's document from its values (a model instance's, or a row match-batch read)."""
    return Document(
        id=slug,
        title=title,
        text=text,
        sectors=frozenset(sectors or ()),
        places=places.keys(place_ids or ()),
        trl=trl,
        lang=language,
    )


def need_document(need: TechnologyNeed, places: PlaceTable) -> Document:
    return need_document_of(
        slug=need.slug,
        title=need.title,
        text=need.matching_text(),
        sectors=[s.slug for s in need.sectors.all()],
        place_id=need.place_id,
        language=need.language,
        places=places,
    )


def need_document_of(*, slug, title, text, sectors, place_id, language, places: PlaceTable) -> Document:
    """A need's document from its values (a model instance's, or a row match-batch read)."""
    return Document(
        id=slug,
        title=title,
        text=text,
        sectors=frozenset(sectors or ()),
        places=places.keys([place_id]),
        lang=language,
    )


def _build(docs: list[Document], term_cache: dict, progress=None) -> Matcher:
    """Fit a matcher, re-tokenising only the texts that changed since the previous index."""
    matcher = Matcher(encoder=encoder())
    terms, cache = _terms(docs, term_cache, matcher, progress)
    vectors = vectors_for([vector_text(d.title, d.text) for d in docs], progress) if docs else None
    matcher.fit(docs, vectors=vectors, token_lists=terms)
    matcher.term_cache_ = cache
    return matcher


def _offer_documents(rows) -> list[Document]:
    places = PlaceTable.load()
    return [offer_document(o, places) for o in rows.prefetch_related("sectors", "target_places")]


def _need_documents(rows) -> list[Document]:
    places = PlaceTable.load()
    return [need_document(n, places) for n in rows.prefetch_related("sectors")]


def _places_stamp() -> tuple:
    return (_stamp(Place.objects.all()),)


OFFERS = Source(
    "offers",
    offers_queryset,
    _offer_documents,
    lambda since: offers_queryset().filter(last_updated__gte=since),
    rebuild_extra=_places_stamp,
    tracks_rows=True,
)
NEEDS = Source(
    "needs",
    needs_queryset,
    _need_documents,
    lambda since: needs_queryset().filter(last_updated__gte=since),
    rebuild_extra=_places_stamp,
    tracks_rows=True,
)


def offer_matcher() -> Matcher:
    return live_matcher(OFFERS)


def need_matcher() -> Matcher:
    return live_matcher(NEEDS)


def organisation_profile(org: Organisation) -> Document:
    """An organisation as a document: its names, description, sectors and published offers and needs."""
    offers = [o.title for o in org.technologyoffer_set.all() if o.status == TechnologyOffer.Status.PUBLISHED]
    needs = [n.title for n in org.technologyneed_set.all() if n.status == TechnologyNeed.Status.PUBLISHED]
    text = "\n".join([org.description, *offers, *needs])
    return Document(
        id=org.slug,
        title=org.name_zh_hant or org.name_en,
        text=text,
        sectors=frozenset(s.slug for s in org.sectors.all()),
    )


def _organisation_documents(rows) -> list[Document]:
    return [
        organisation_profile(o) for o in rows.prefetch_related("sectors", "technologyoffer_set", "technologyneed_set")
    ]


def _organisations_changed(since):
    """Organisations edited since, and the owners of offers and needs edited since."""
    owners = Q(technologyoffer__last_updated__gte=since) | Q(technologyneed__last_updated__gte=since)
    return Organisation.objects.filter(Q(last_updated__gte=since) | owners).distinct()


ORGANISATIONS = Source(
    "organisations",
    Organisation.objects.all,
    _organisation_documents,
    _organisations_changed,
    stamp_extra=lambda: (_stamp(offers_queryset()), _stamp(needs_queryset())),
)


def organisation_matcher() -> Matcher:
    return live_matcher(ORGANISATIONS)


def clear_cache() -> None:
    with _lock:
        _cache.clear()
    keysearch.forget()

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
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import connection
from django.db.models import Count, Max, Q
from django.utils import timezone

from innobridge.directory.models import Organisation, Place
from innobridge.matching.models import StoredVector, TechnologyNeed, TechnologyOffer
from innocore.match.dense import Encoder, get_encoder, text_key
from innocore.match.engine import Document, Matcher, field_terms

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


def vectors_for(texts: list[str]) -> np.ndarray | None:
    enc = encoder()
    if enc is None:
        return None
    keys = [text_key(enc.name, t) for t in texts]
    stored = {k: v for k, v in StoredVector.objects.filter(key__in=set(keys)).values_list("key", "vector")}
    missing = [i for i, k in enumerate(keys) if k not in stored]
    if missing:
        fresh = enc.encode_documents([texts[i] for i in missing])
        new_rows = {}
        for i, vec in zip(missing, fresh, strict=True):
            stored[keys[i]] = vec.astype(np.float32).tobytes()
            new_rows[keys[i]] = StoredVector(key=keys[i], encoder=enc.name, vector=stored[keys[i]])
        StoredVector.objects.bulk_create(new_rows.values(), ignore_conflicts=True)
    return np.vstack([np.frombuffer(bytes(stored[k]), dtype=np.float32) for k in keys])


def query_vector(text: str) -> np.ndarray | None:
    """The query-side vector of a text, stored like document vectors so a page viewed twice encodes once."""
    enc = encoder()
    if enc is None:
        return None
    key = "q:" + text_key(enc.name, text)[2:]
    row = StoredVector.objects.filter(key=key).values_list("vector", flat=True).first()
    if row is not None:
        return np.frombuffer(bytes(row), dtype=np.float32)
    vec = enc.encode_queries([text])[0].astype(np.float32)
    StoredVector.objects.bulk_create(
        [StoredVector(key=key, encoder=enc.name, vector=vec.tobytes())], ignore_conflicts=True
    )
    return vec


def _cached(name: str, stamp: tuple, build) -> Matcher:
    """The index for ``stamp``: from this process, else from the shared index folder, else built.

    Built indexes are written to INDEX_DIR so the other worker processes (and restarts) load
    them in a second instead of re-tokenising every record.
    """
    with _lock:
        hit = _cache.get(name)
        if hit and hit[0] == stamp:
            return hit[1]
    digest = hashlib.sha256(repr(stamp).encode()).hexdigest()[:16]
    folder = Path(settings.INDEX_DIR)
    path = folder / f"{name}-{digest}.pickle"
    matcher = None
    if path.exists():
        try:
            with path.open("rb") as fh:
                matcher = pickle.load(fh)
            matcher.encoder = encoder()
        except Exception:  # a torn or stale file is rebuilt, never trusted
            matcher = None
    if matcher is None:
        matcher = build()
        folder.mkdir(parents=True, exist_ok=True)
        encoder_obj, matcher.encoder = matcher.encoder, None
        try:
            with tempfile.NamedTemporaryFile(dir=folder, delete=False, suffix=".tmp") as fh:
                pickle.dump(matcher, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(fh.name, path)
            for old in folder.glob(f"{name}-*.pickle"):
                if old != path:
                    old.unlink(missing_ok=True)
        finally:
            matcher.encoder = encoder_obj
    with _lock:
        _cache[name] = (stamp, matcher)
    return matcher


def _stamp(qs) -> tuple:
    agg = qs.aggregate(n=Count("pk"), last=Max("last_updated"))
    return (
        agg["n"],
        agg["last"],
        settings.MATCHING_ENCODER,
        str(connection.settings_dict["NAME"]),
        timezone.localdate(),
    )


def offers_queryset():
    live = Q(expires_on__isnull=True) | Q(expires_on__gte=timezone.localdate())
    return TechnologyOffer.objects.filter(live, status=TechnologyOffer.Status.PUBLISHED)


def needs_queryset():
    return TechnologyNeed.objects.filter(status=TechnologyNeed.Status.PUBLISHED)


def offer_document(offer: TechnologyOffer, places: PlaceTable) -> Document:
    return Document(
        id=offer.slug,
        title=offer.title,
        text=offer.matching_text(),
        sectors=frozenset(s.slug for s in offer.sectors.all()),
        places=places.keys(p.pk for p in offer.target_places.all()),
        trl=offer.trl,
        lang=offer.language,
    )


def need_document(need: TechnologyNeed, places: PlaceTable) -> Document:
    return Document(
        id=need.slug,
        title=need.title,
        text=need.matching_text(),
        sectors=frozenset(s.slug for s in need.sectors.all()),
        places=places.keys([need.place_id]),
        lang=need.language,
    )


def _build(name: str, docs: list[Document]) -> Matcher:
    """Fit a matcher, re-tokenising only the texts that changed since the previous index."""
    previous = _previous_terms(name)
    matcher = Matcher(encoder=encoder())
    terms, cache = [], {}
    for d in docs:
        key = hashlib.sha1(f"{d.title}\x00{d.text}".encode()).hexdigest()
        # Two joined strings per document: cheap to keep and to pickle, unlike millions of tuples.
        packed = previous.get(key)
        if packed is None:
            packed = tuple(_SEP.join(part) for part in field_terms(d.title, d.text))
        cache[key] = packed
        terms.append(matcher.weigh(*(p.split(_SEP) if p else [] for p in packed)))
    vectors = vectors_for([f"{d.title}. {d.text}" for d in docs]) if docs else None
    matcher.fit(docs, vectors=vectors, token_lists=terms)
    matcher.term_cache_ = cache
    return matcher


def _previous_terms(name: str) -> dict:
    """Token lists of the last index of this name, from memory or from its file."""
    with _lock:
        hit = _cache.get(name)
    if hit is not None:
        return getattr(hit[1], "term_cache_", {})
    for path in sorted(Path(settings.INDEX_DIR).glob(f"{name}-*.pickle")):
        try:
            with path.open("rb") as fh:
                return getattr(pickle.load(fh), "term_cache_", {})
        except Exception:  # an unreadable old index only costs a full re-tokenisation
            continue
    return {}


def offer_matcher() -> Matcher:
    qs = offers_queryset()

    def build() -> Matcher:
        places = PlaceTable.load()
        rows = qs.prefetch_related("sectors", "target_places").order_by("pk")
        return _build("offers", [offer_document(o, places) for o in rows])

    return _cached("offers", _stamp(qs), build)


def need_matcher() -> Matcher:
    qs = needs_queryset()

    def build() -> Matcher:
        places = PlaceTable.load()
        return _build("needs", [need_document(n, places) for n in qs.prefetch_related("sectors").order_by("pk")])

    return _cached("needs", _stamp(qs), build)


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


def organisation_matcher() -> Matcher:
    qs = Organisation.objects.all()

    def build() -> Matcher:
        rows = qs.prefetch_related("sectors", "technologyoffer_set", "technologyneed_set").order_by("pk")
        return _build("organisations", [organisation_profile(o) for o in rows])

    stamp = _stamp(qs) + (_stamp(offers_queryset()), _stamp(needs_queryset()))
    return _cached("organisations", stamp, build)


def clear_cache() -> None:
    with _lock:
        _cache.clear()

"""Reads for offers and needs, and the suggestions shown on their pages."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from innobridge.accounts.permissions import is_staff, member_organisation_id
from innobridge.directory.filters import place_with_descendants
from innobridge.directory.models import Organisation, Place
from innobridge.lib import keysearch
from innobridge.lib.ids import RankedRows, filter_ids
from innobridge.matching import index, learning
from innobridge.matching.models import (
    BatchSuggestion,
    ContactRequest,
    MatchFeedback,
    TechnologyNeed,
    TechnologyOffer,
)
from innobridge.matching.permissions import live_visible, visible_q
from innocore.match.engine import Document, Match, Matcher, Query, highlight
from innocore.match.rerank import Reranked
from innocore.text import fold

MIN_SCORE = 10.0
QUERY_SNIPPET = 1000  # characters of the page's own text quoted beside each suggestion
# Above this many live matches (a term in most records) a database scan is cheaper than listing ids.
MAX_LISTED_IDS = 50_000


@dataclass
class Suggestion:
    record: object
    match: Match
    rank: int
    learned: str = ""
    title_pieces: list = field(default_factory=list)
    text_pieces: list = field(default_factory=list)
    query_title_pieces: list = field(default_factory=list)
    query_text_pieces: list = field(default_factory=list)


def offers_visible(user: User | AnonymousUser) -> QuerySet[TechnologyOffer]:
    return TechnologyOffer.objects.filter(visible_q(user, expiring=True))


def needs_visible(user: User | AnonymousUser) -> QuerySet[TechnologyNeed]:
    return TechnologyNeed.objects.filter(visible_q(user))


# What the in-memory search copies keep beside each live record's key: the fields a list is
# ordered by (newest first), then the two that visibility is decided on (permissions.live_visible).
SEARCH_FIELDS = {
    "offers": ("published_on", "created", "visibility", "owner_id"),
    "needs": ("created", "visibility", "owner_id"),
}


def _not_live_matches(
    model: Any, user: User | AnonymousUser, not_live: Q, terms: list[str], fields: tuple[str, ...] = ()
) -> list[tuple]:
    """(pk, *fields) of the records that are not live (drafts, expired) and hold every term.

    Only staff and the owner's members see those; ask for those rows alone (a visibility OR
    would let SQLite walk every published row).
    """
    org_id = member_organisation_id(user)
    if not is_staff(user) and org_id is None:
        return []
    rows = model.objects.filter(not_live)
    if not is_staff(user):
        rows = rows.filter(owner_id=org_id)
    for term in terms:
        rows = rows.filter(search_key__contains=term)
    return list(rows.values_list("pk", *fields))


@dataclass(frozen=True)
class _ListSearch:
    """How one list (offers or needs) is searched: its in-memory copy and its records that are not live."""

    name: str
    live_queryset: Callable[[], QuerySet]
    not_live: Q

    def filtered(self, qs: QuerySet, terms: list[str], user: User | AnonymousUser) -> QuerySet:
        """Records of ``qs`` whose search key holds every folded term, in any script.

        Live records are looked up in the process's in-memory copy of their keys (see
        ``lib.keysearch``); the others (drafts, expired), which only owners and staff see, by a
        substring filter on the few rows ``not_live`` selects.
        """
        found = keysearch.live_matches(self.name, self.live_queryset, terms, SEARCH_FIELDS[self.name])
        if len(found) > MAX_LISTED_IDS:  # a term in most records: cheaper to scan than to list the ids
            for term in terms:
                qs = qs.filter(search_key__contains=term)
            return qs
        others = [row[0] for row in _not_live_matches(qs.model, user, self.not_live, terms)]
        return filter_ids(qs, found + others)

    def ranked(self, qs: QuerySet, terms: list[str], user: User | AnonymousUser) -> RankedRows:
        """The search with no other filter, counted and ordered newest first without asking the
        database: a common stem matching 17,000 of 200,000 offers costs a scan of the in-memory
        copy and a fetch of the page shown, not a count and a sort of 17,000 rows.

        What the reader may see is decided by ``permissions.live_visible`` on the copy's fields,
        and once more by ``qs`` (``visible_q``) for the rows fetched, so a change made meanwhile
        hides a row rather than showing it.
        """
        fields = SEARCH_FIELDS[self.name]
        by = len(fields) - 2  # the fields a list is ordered by; then visibility and owner
        visible = live_visible(user)
        found = keysearch.ordered_matches(
            self.name,
            self.live_queryset,
            terms,
            fields,
            descending=True,
            keep=lambda columns: visible(columns["visibility"], columns["owner_id"]),
        )
        others = _not_live_matches(qs.model, user, self.not_live, terms, fields[:by])
        if not others:
            return RankedRows(qs, found.pks)
        ranked = [(found.extra(i)[:by], pk) for i, pk in enumerate(found.pks)]
        ranked += [(tuple(row[1:]), row[0]) for row in others]
        ranked.sort(key=lambda item: tuple(keysearch.sortable(v) for v in item[0]), reverse=True)
        return RankedRows(qs, [pk for _, pk in ranked])


def offer_list(
    *,
    user: User | AnonymousUser,
    q: str = "",
    sector: str = "",
    direction: str = "",
    min_trl: int | None = None,
    mine: bool = False,
) -> QuerySet[TechnologyOffer] | RankedRows:
    """Offers the user may read, newest first (by publication day, then creation)."""
    qs = offers_visible(user).select_related("owner").prefetch_related("sectors")
    today = timezone.localdate()
    not_live = Q(status__in=[TechnologyOffer.Status.DRAFT, TechnologyOffer.Status.EXPIRED]) | Q(
        status=TechnologyOffer.Status.PUBLISHED, expires_on__lt=today
    )
    search, terms = _ListSearch("offers", index.offers_queryset, not_live), fold(q).split()
    if terms and not (sector or direction or min_trl or mine):
        return search.ranked(qs, terms, user)
    if terms:
        qs = search.filtered(qs, terms, user)
    if sector:
        qs = qs.filter(
            pk__in=TechnologyOffer.sectors.through.objects.filter(sector__slug=sector).values("technologyoffer_id")
        )
    if direction:
        qs = qs.filter(direction=direction)
    if min_trl:
        qs = qs.filter(trl__gte=min_trl)
    if mine:
        qs = qs.filter(owner_id=member_organisation_id(user) or 0)
    # Undated offers last on every database, as the in-memory order has them.
    return qs.order_by(F("published_on").desc(nulls_last=True), "-created")


def need_list(
    *, user: User | AnonymousUser, q: str = "", sector: str = "", place: str = "", mine: bool = False
) -> QuerySet[TechnologyNeed] | RankedRows:
    """Needs the user may read, newest first."""
    qs = needs_visible(user).select_related("owner", "place").prefetch_related("sectors")
    not_live = ~Q(status=TechnologyNeed.Status.PUBLISHED)
    search, terms = _ListSearch("needs", index.needs_queryset, not_live), fold(q).split()
    if terms and not (sector or place or mine):
        return search.ranked(qs, terms, user)
    if terms:
        qs = search.filtered(qs, terms, user)
    if sector:
        qs = qs.filter(
            pk__in=TechnologyNeed.sectors.through.objects.filter(sector__slug=sector).values("technologyneed_id")
        )
    if place:
        p = Place.objects.filter(slug=place).first()
        qs = qs.filter(place__in=place_with_descendants(p)) if p else qs.none()
    if mine:
        qs = qs.filter(owner_id=member_organisation_id(user) or 0)
    return qs.order_by("-created")


def offer_detail(*, user: User | AnonymousUser, slug: str) -> TechnologyOffer:
    return (
        offers_visible(user)
        .select_related("owner", "contact")
        .prefetch_related("sectors", "target_places")
        .get(slug=slug)
    )


def need_detail(*, user: User | AnonymousUser, slug: str) -> TechnologyNeed:
    return needs_visible(user).select_related("owner", "place").prefetch_related("sectors").get(slug=slug)


def _pieces(match: Match, query_title: str, query_text: str, doc_title: str, doc_text: str, s: Suggestion) -> None:
    def spans(side: str, name: str) -> list[tuple[int, int]]:
        return [(sp.start, sp.end) for t in match.terms for sp in getattr(t, side) if sp.field == name]

    s.title_pieces = highlight(doc_title, spans("doc_spans", "title"))
    s.text_pieces = snippet(doc_text, spans("doc_spans", "text"))
    s.query_title_pieces = highlight(query_title, spans("query_spans", "title"))
    # The record's own text is on the page already: quote the part around the matches, so a long
    # text is not repeated in full under every suggestion.
    s.query_text_pieces = snippet(query_text, spans("query_spans", "text"), width=QUERY_SNIPPET)


def snippet(text: str, spans: list[tuple[int, int]], width: int = 220) -> list[tuple[str, bool]]:
    """The part of ``text`` around its first highlight, with the highlights inside it."""
    if len(text) <= width:
        return highlight(text, spans)
    start = max(0, min((a for a, _b in spans), default=0) - 40)
    end = min(len(text), start + width)
    inside = [(max(a, start) - start, min(b, end) - start) for a, b in spans if b > start and a < end]
    pieces = highlight(text[start:end], inside)
    if start > 0:
        pieces.insert(0, ("…", False))
    if end < len(text):
        pieces.append(("…", False))
    return pieces


def _pks(model: type[TechnologyOffer] | type[TechnologyNeed], slugs: list[str]) -> list[int]:
    """Row ids for slugs, looked up on their own.

    Filtering a visibility condition (an OR over status and owner) by ``slug IN (...)`` lets SQLite
    without table statistics walk every published row (half a second at 200,000 offers); by row id
    it reads just those rows, on both databases.
    """
    return list(model.objects.filter(slug__in=slugs).values_list("pk", flat=True)) if slugs else []


def rejected_offer_slugs(need: TechnologyNeed) -> frozenset[str]:
    return frozenset(
        MatchFeedback.objects.filter(need=need, verdict=MatchFeedback.Verdict.NOT_RELEVANT).values_list(
            "offer__slug", flat=True
        )
    )


def rejected_need_slugs(offer: TechnologyOffer) -> frozenset[str]:
    return frozenset(
        MatchFeedback.objects.filter(offer=offer, verdict=MatchFeedback.Verdict.NOT_RELEVANT).values_list(
            "need__slug", flat=True
        )
    )


@dataclass(frozen=True)
class _Side:
    """What differs between suggesting offers for a need and needs for an offer; the rest is shared."""

    place_ids: Callable[[Any], Iterable[int]]  # the record's places, as region keys are computed from
    rejected: Callable[[Any], frozenset[str]]  # pairs turned down, never suggested again
    matcher: Callable[[], Any]  # the index of the other side
    programme: Callable[[Any, Any], Any]  # the programme whose learned model re-ranks
    visible: Callable[[Any], QuerySet]  # the other side's records the viewer may see
    model: type
    related: tuple[str, ...]
    batch_kind: str  # its rows in the nightly batch's table
    document: Callable[[Any, Any], Document]  # a record of the other side as the engine sees it


_OFFERS_FOR_NEED = _Side(
    place_ids=lambda need: [need.place_id],
    rejected=rejected_offer_slugs,
    matcher=lambda: index.offer_matcher(),  # looked up at call time: the index is rebuilt and patched
    programme=lambda need, places: learning.programme_of_need(need, places),
    visible=offers_visible,
    model=TechnologyOffer,
    related=("owner",),
    batch_kind=str(BatchSuggestion.Kind.OFFERS_FOR_NEED),
    document=lambda offer, places: index.offer_document(offer, places),
)
_NEEDS_FOR_OFFER = _Side(
    place_ids=lambda offer: [p.pk for p in offer.target_places.all()],
    rejected=rejected_need_slugs,
    matcher=lambda: index.need_matcher(),
    programme=lambda offer, places: learning.programme_of_offer(offer, places),
    visible=needs_visible,
    model=TechnologyNeed,
    related=("owner", "place"),
    batch_kind=str(BatchSuggestion.Kind.NEEDS_FOR_OFFER),
    document=lambda need, places: index.need_document(need, places),
)


def _suggest(
    side: _Side, record: TechnologyNeed | TechnologyOffer, *, user: User | AnonymousUser, top: int
) -> list[Suggestion]:
    """Suggestions for ``record`` from the other side: engine, learned re-ranking, visibility, explanation."""
    places = index.PlaceTable.load()
    query = Query(
        record.title,
        record.matching_text(),
        frozenset(s.slug for s in record.sectors.all()),
        places.keys(side.place_ids(record)),
        exclude=side.rejected(record),
    )
    batch = batch_suggestions(kind=side.batch_kind, record=record)
    matcher: Matcher | None
    documents: Mapping[str, Document] | Matcher
    batch_documents: dict[str, Document] | None = None
    if batch is not None:
        # The nightly batch saw the record as it is now: its rows replace the search, so a page
        # needs no index in memory. Pairs turned down since the batch are left out here.
        matcher = None
        found, batch_documents = _from_batch(side, batch, query, places)
        documents = batch_documents
    else:
        qv = index.query_vector(index.vector_text(query.title, query.text))
        matcher = documents = side.matcher()
        found = matcher.search(query, top=top * 3, query_vector=qv, explain=False)
    # The learned re-ranker (issue 20): the programme's model re-orders and adds a "learned" contribution.
    found, learned = learning.rerank(
        found,
        programme=side.programme(record, places),
        matcher=documents,
        query=query,
        query_id=record.slug,
        query_lang=record.language,
        top=top,
    )
    matches = [m for m in found if m.score >= MIN_SCORE]
    visible = {
        r.slug: r
        for r in side.visible(user)
        .filter(pk__in=_pks(side.model, [m.doc_id for m in matches]))
        .exclude(owner_id=record.owner_id)
        .select_related(*side.related)
        .prefetch_related("sectors")
    }
    return _suggestions(
        matches,
        visible,
        record.title,
        record.matching_text(),
        top,
        lambda r: (r.title, r.matching_text()),
        matcher if matcher is not None else Matcher(),  # a bare matcher explains without an index
        query,
        learned,
        batch_documents,
    )


def _from_batch(
    side: _Side, rows: list[tuple[str, float, dict]], query: Query, places: index.PlaceTable
) -> tuple[list[Match], dict[str, Document]]:
    """The batch's rows as the engine's matches, with the documents they name (as the index would
    hold them), for the re-ranker and the explanation. Rows naming a record that is gone or turned
    down since the batch, or no longer live (withdrawn, expired), are dropped, as the online index
    holds live records only; visibility is checked by the caller, as for online matches."""
    wanted = [slug for slug, _score, _parts in rows if slug not in query.exclude]
    live: Any = index.offers_queryset() if side.model is TechnologyOffer else index.needs_queryset()
    records = live.filter(slug__in=wanted).prefetch_related(
        *(("sectors", "target_places") if side.model is TechnologyOffer else ("sectors",))
    )
    documents = {r.slug: side.document(r, places) for r in records}
    found = [
        Match(slug, score, dict(parts), shared_sectors=sorted(query.sectors & documents[slug].sectors))
        for slug, score, parts in rows
        if slug in documents
    ]
    return found, documents


def offers_for_need(*, need: TechnologyNeed, user: User | AnonymousUser, top: int = 10) -> list[Suggestion]:
    return _suggest(_OFFERS_FOR_NEED, need, user=user, top=top)


def needs_for_offer(*, offer: TechnologyOffer, user: User | AnonymousUser, top: int = 10) -> list[Suggestion]:
    return _suggest(_NEEDS_FOR_OFFER, offer, user=user, top=top)


def partners_for_organisation(*, organisation: Organisation, top: int = 8) -> list[Suggestion]:
    profile = index.organisation_profile(organisation)
    query = Query(profile.title, profile.text, profile.sectors, exclude=frozenset({organisation.slug}))
    matches = [m for m in index.organisation_matcher().search(query, top=top * 2) if m.score >= MIN_SCORE]
    orgs = {o.slug: o for o in Organisation.objects.filter(slug__in=[m.doc_id for m in matches])}
    out: list[Suggestion] = []
    for m in matches:
        if m.doc_id in orgs and len(out) < top:
            out.append(Suggestion(orgs[m.doc_id], m, len(out) + 1))
    return out


def _suggestions(
    matches: list[Match],
    records: Mapping[str, Any],
    q_title: str,
    q_text: str,
    top: int,
    texts: Callable[[Any], tuple[str, str]],
    matcher: Matcher | None = None,
    query: Query | None = None,
    learned: Mapping[str, Reranked] | None = None,
    documents: Mapping[str, Document] | None = None,
) -> list[Suggestion]:
    """The first ``top`` matches the viewer may see, explained (only those: explaining costs).
    The matched documents come from the matcher's index, or from ``documents`` when given."""
    out: list[Suggestion] = []
    for m in matches:
        record = records.get(m.doc_id)
        if record is None:
            continue
        if matcher is not None and query is not None and not m.terms:
            doc = documents[m.doc_id] if documents is not None else matcher.documents_[matcher.index_of_[m.doc_id]]
            m.terms = matcher.explain_terms(query, doc)
        s = Suggestion(record, m, len(out) + 1, learning.learned_phrase((learned or {}).get(m.doc_id)))
        _pieces(m, q_title, q_text, *texts(record), s)
        out.append(s)
        if len(out) == top:
            break
    return out


def contact_requests_for(*, user: User | AnonymousUser) -> QuerySet[ContactRequest]:
    qs = ContactRequest.objects.select_related("requester", "recipient", "offer", "need")
    if is_staff(user):
        return qs
    org_id = member_organisation_id(user)
    if org_id is None:
        return qs.none()
    return qs.filter(Q(requester_id=org_id) | Q(recipient_id=org_id))


def batch_suggestions(*, kind: str, record: TechnologyOffer | TechnologyNeed) -> list[tuple[str, float, dict]] | None:
    """The nightly batch's ``(suggested slug, score, contributions)`` for ``record`` (a need or an
    offer), best first; None when the batch cannot stand for the online engine, so the caller asks
    the engine instead: no batch ran, it is older than MATCHING_BATCH_MAX_AGE_HOURS, the record is
    not live (the batch computes live records only) or changed after the batch started, or a live
    record of the other side did (a new or edited offer would be missing or misplaced).

    Rows are not filtered by the reader's visibility: the caller does that, as for online matches.
    """
    own, other = (
        (index.needs_queryset, index.offers_queryset)
        if kind == BatchSuggestion.Kind.OFFERS_FOR_NEED
        else (index.offers_queryset, index.needs_queryset)
    )
    computed = BatchSuggestion.objects.filter(kind=kind).values_list("computed", flat=True).first()
    if computed is None or timezone.now() - computed > timedelta(hours=settings.MATCHING_BATCH_MAX_AGE_HOURS):
        return None
    if record.last_updated > computed or not own().filter(pk=record.pk).exists():
        return None
    newest = other().order_by("-last_updated").values_list("last_updated", flat=True).first()
    if newest is not None and newest > computed:
        return None
    rows = list(
        BatchSuggestion.objects.filter(kind=kind, record=record.slug)
        .order_by("rank")
        .values_list("suggested", "score", "contributions")
    )
    return [(slug, score, contributions) for slug, score, contributions in rows]

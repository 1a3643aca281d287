"""Matching that learns from what people do: judgements, the per-programme re-ranker, its versions.

Reads (``judgements``, ``active_version``, ``rerank``) turn rows into the inputs of
``innocore.match.rerank``; writes (``ranker_train``, ``ranker_pin``, ``ranker_unpin``,
``ranker_roll_back``) store versions. A need belongs to the programme whose operator or partners
own it, else to the programme whose partner region holds its place; an offer likewise by its
owner or its target places. Suggestions of records outside every programme use the shipped
weights alone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils.translation import gettext as _

from innobridge.jobs.services import job_enqueue
from innobridge.matching import index
from innobridge.matching.models import (
    ContactRequest,
    MatchFeedback,
    RankerVersion,
    TechnologyNeed,
    TechnologyOffer,
)
from innobridge.programmes.models import Agreement, Programme
from innocore.match.engine import Document, Match, Matcher, Query
from innocore.match.rerank import LEARNED, Candidate, Judgement, Reranked, Reranker

POOL = 50  # candidates per judged need the model learns from
RETRAIN_AFTER = 50  # new judgements in a programme that start a retraining job

AGREEMENT_SIGNALS = {
    "signed": "agreement_signed",
    "in_execution": "agreement_signed",
    "pilot": "agreement_pilot",
    "deployed": "agreement_deployed",
    "scaled": "agreement_deployed",
}


# -- programmes ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Scope:
    programme_id: int
    organisations: frozenset[int]
    region: str


def _scopes() -> list[_Scope]:
    out = []
    for p in Programme.objects.select_related("region").prefetch_related("partners").order_by("pk"):
        orgs = frozenset([p.operator_id, *(o.pk for o in p.partners.all())])
        out.append(_Scope(p.pk, orgs, p.region.slug))
    return out


def _programme_of(owner_id: int, place_keys: frozenset, scopes: list[_Scope]) -> int | None:
    for s in scopes:
        if owner_id in s.organisations:
            return s.programme_id
    for s in scopes:
        if s.region in place_keys:
            return s.programme_id
    return None


def programme_of_need(need: TechnologyNeed, places: index.PlaceTable | None = None) -> Programme | None:
    places = places or index.PlaceTable.load()
    pk = _programme_of(need.owner_id, places.keys([need.place_id]), _scopes())
    return Programme.objects.filter(pk=pk).first() if pk else None


def programme_of_offer(offer: TechnologyOffer, places: index.PlaceTable | None = None) -> Programme | None:
    keys = (places or index.PlaceTable.load()).keys(p.pk for p in offer.target_places.all())
    pk = _programme_of(offer.owner_id, keys, _scopes())
    return Programme.objects.filter(pk=pk).first() if pk else None


# -- judgements ---------------------------------------------------------------------------------
JudgementSource = Callable[[set[int]], list[Judgement]]
_judgement_sources: list[JudgementSource] = []


def judgement_source(source: JudgementSource) -> JudgementSource:
    """Register a function that turns what happened in another app into judgements.

    It takes the primary keys of the needs in scope and returns judgements on their pairs. Each
    installed app's ``judgements`` module is imported at start-up (see apps.py) to register its own.
    """
    if source not in _judgement_sources:
        _judgement_sources.append(source)
    return source


def judgements(*, programme: Programme | None = None) -> list[Judgement]:
    """Every signal on a (need, offer) pair as a graded judgement, with its time and organisation.

    Feedback counts as given; a contact request about an offer is a judgement of that offer for
    the requester's needs that share a sector with it (and the other way round); a meeting held
    on a request naming both an offer and a need, and an agreement linking offers and needs,
    judge those pairs. With ``programme``, only needs of that programme. Apps above matching add
    their own signals through :func:`judgement_source` (meetings held: innobridge.meetings.judgements).
    """
    needs = _needs_in(programme)
    out: list[Judgement] = []
    feedback = MatchFeedback.objects.filter(need_id__in=needs).select_related("need", "offer", "user__membership")
    for f in feedback:
        membership = getattr(f.user, "membership", None) if f.user_id else None
        org = membership.organisation_id if membership else (f.need.owner_id if f.side == "need" else f.offer.owner_id)
        signal = "feedback_relevant" if f.verdict == MatchFeedback.Verdict.RELEVANT else "feedback_not_relevant"
        out.append(Judgement(f.need.slug, f.offer.slug, signal, f"org:{org}", f.created, f.reason))

    need_sectors = _sectors(TechnologyNeed, needs)
    need_slugs = dict(TechnologyNeed.objects.filter(pk__in=needs).values_list("pk", "slug"))
    needs_by_owner: dict[int, list[int]] = defaultdict(list)
    for pk, owner in TechnologyNeed.objects.filter(pk__in=needs).values_list("pk", "owner_id"):
        needs_by_owner[owner].append(pk)
    status_signal = {"pending": "contact_sent", "accepted": "contact_accepted", "declined": "contact_declined"}
    requests = ContactRequest.objects.filter(
        Q(offer__isnull=False, requester_id__in=needs_by_owner.keys()) | Q(need_id__in=needs)
    ).select_related("offer", "need")
    offer_ids = {r.offer_id for r in requests if r.offer_id}
    offer_sectors = _sectors(TechnologyOffer, offer_ids)
    offers_by_owner: dict[int, list[tuple[int, str]]] = defaultdict(list)
    need_request_orgs = {r.requester_id for r in requests if r.need_id}
    for pk, owner, slug in TechnologyOffer.objects.filter(owner_id__in=need_request_orgs).values_list(
        "pk", "owner_id", "slug"
    ):
        offers_by_owner[owner].append((pk, slug))
    more_offer_sectors = _sectors(TechnologyOffer, [pk for v in offers_by_owner.values() for pk, _s in v])
    for r in requests:
        signal = status_signal[r.status]
        at = r.answered_at or r.created
        if r.offer_id:
            for n in needs_by_owner.get(r.requester_id, []):
                if need_sectors.get(n, set()) & offer_sectors.get(r.offer_id, set()):
                    out.append(Judgement(need_slugs[n], r.offer.slug, signal, f"org:{r.requester_id}", at))
        else:
            for pk, slug in offers_by_owner.get(r.requester_id, []):
                if more_offer_sectors.get(pk, set()) & need_sectors.get(r.need_id, set()):
                    out.append(Judgement(r.need.slug, slug, signal, f"org:{r.requester_id}", at))

    for source in _judgement_sources:
        out.extend(source(needs))

    for a in (
        Agreement.objects.filter(needs__in=needs, status__in=list(AGREEMENT_SIGNALS))
        .distinct()
        .prefetch_related("offers", "needs")
    ):
        for n in a.needs.all():
            if n.pk in needs:
                for o in a.offers.all():
                    out.append(
                        Judgement(n.slug, o.slug, AGREEMENT_SIGNALS[a.status], f"agreement:{a.pk}", a.last_updated)
                    )
    return out


def _needs_in(programme: Programme | None) -> set[int]:
    rows = list(TechnologyNeed.objects.values_list("pk", "owner_id", "place_id"))
    if programme is None:
        return {r[0] for r in rows}
    scopes, places = _scopes(), index.PlaceTable.load()
    return {pk for pk, owner, place in rows if _programme_of(owner, places.keys([place]), scopes) == programme.pk}


def _sectors(model: type[TechnologyOffer] | type[TechnologyNeed], pks: Iterable[int]) -> dict[int, set[str]]:
    through = model.sectors.through
    column = f"{model._meta.model_name}_id"
    out: dict[int, set[str]] = defaultdict(set)
    for pk, slug in through.objects.filter(**{f"{column}__in": list(pks)}).values_list(column, "sector__slug"):
        out[pk].add(slug)
    return out


def response_rates() -> dict[str, float]:
    """Per offer, the share of contact requests its owner answered (accepted or declined)."""
    rows = ContactRequest.objects.values("recipient_id").annotate(
        total=Count("pk"), answered=Count("pk", filter=~Q(status="pending"))
    )
    by_owner = {r["recipient_id"]: r["answered"] / r["total"] for r in rows if r["total"]}
    return {
        slug: by_owner[owner]
        for slug, owner in TechnologyOffer.objects.values_list("slug", "owner_id")
        if owner in by_owner
    }


# -- candidates ---------------------------------------------------------------------------------
def candidates(
    matches: list[Match],
    matcher: Matcher | Mapping[str, Document],
    query: Query,
    query_id: str,
    query_lang: str,
    known: Collection[str] = (),
) -> list[Candidate]:
    """The engine's matches as re-ranker candidates; ``known`` docs are not new. The matched
    documents come from the matcher's index, or from a mapping by id (suggestions read from the
    nightly batch, where no index is searched)."""
    out = []
    for m in matches:
        doc = matcher[m.doc_id] if isinstance(matcher, Mapping) else matcher.documents_[matcher.index_of_[m.doc_id]]
        out.append(
            Candidate(
                query=query_id,
                doc=m.doc_id,
                score=m.score,
                contributions=dict(m.contributions),
                query_sectors=query.sectors,
                doc_sectors=doc.sectors,
                query_places=query.places,
                doc_places=doc.places,
                trl=doc.trl,
                query_lang=query_lang,
                doc_lang=doc.lang,
                owner=m.doc_id,
                new=m.doc_id not in known,
            )
        )
    return out


def _need_query(need: TechnologyNeed, places: index.PlaceTable) -> Query:
    return Query(
        need.title,
        need.matching_text(),
        frozenset(s.slug for s in need.sectors.all()),
        places.keys([need.place_id]),
    )


# -- versions -----------------------------------------------------------------------------------
def active_version(programme: Programme | None) -> RankerVersion | None:
    """The pinned version, else the newest usable one that was not withdrawn."""
    if programme is None:
        return None
    versions = RankerVersion.objects.filter(programme=programme, withdrawn=False)
    return versions.filter(pinned=True).first() or versions.filter(usable=True).order_by("-version").first()


_loaded: dict[int, Reranker] = {}


def _model(version: RankerVersion) -> Reranker:
    model = _loaded.get(version.pk)
    if model is None:
        model = _loaded[version.pk] = Reranker.from_dict(version.model)
    return model


def rerank(
    matches: list[Match],
    *,
    programme: Programme | None,
    matcher: Matcher | Mapping[str, Document],
    query: Query,
    query_id: str,
    query_lang: str,
    top: int = 10,
) -> tuple[list[Match], dict[str, Reranked]]:
    """The hook for suggestions: matches re-ordered by the programme's active model, with ``learned``.

    Returns the matches (new objects: the engine's are left alone) and, per doc, the re-ranked
    entry that explains the learned contribution. Without an active version nothing changes.
    """
    version = active_version(programme)
    if version is None or not matches:
        return matches, {}
    model = _model(version)
    known = set(version.model.get("judged_docs", []))
    ranked = model.rerank(candidates(matches, matcher, query, query_id, query_lang, known))
    # The exploration share applies to the ``top`` shown; the rest follow for the visibility filter.
    shown = model.explore(ranked, top)
    ids = {r.candidate.doc for r in shown}
    ranked = shown + [r for r in ranked if r.candidate.doc not in ids]
    by_doc = {m.doc_id: m for m in matches}
    out = []
    for r in ranked:
        m = by_doc[r.candidate.doc]
        out.append(Match(m.doc_id, r.score, r.contributions, m.terms, m.shared_sectors, m.raw))
    return out, {r.candidate.doc: r for r in ranked}


def learned_phrase(entry: Reranked | None) -> str:
    """The learned contribution in plain words, in the reader's language."""
    if entry is None or not entry.learned:
        return ""
    if entry.explored:
        return _("New here: shown so that it gets a chance to be judged.")
    parts = entry.reasons
    if parts.get("trust:sectors") or parts.get("sector_rejections", 0) < -0.5:
        if entry.learned < 0:
            return _("Lowered: similar suggestions were turned down as the wrong sector.")
    if parts.get("trust:maturity") or parts.get("trust:place"):
        return _("Adjusted after earlier suggestions were turned down for maturity or place.")
    if entry.learned > 0:
        return _("Organisations like yours accepted similar offers.")
    return _("Organisations like yours turned down similar offers.")


def _next_version(programme: Programme) -> int:
    return (RankerVersion.objects.filter(programme=programme).aggregate(v=Max("version"))["v"] or 0) + 1


def ranker_train(
    *, programme: Programme, user: User | None = None, progress: Callable[[int, int, str], None] | None = None
) -> RankerVersion:
    """Fit the programme's re-ranker on every judgement of its needs and store it as a new version."""
    found = judgements(programme=programme)
    slugs = sorted({j.query for j in found})
    places = index.PlaceTable.load()
    matcher = index.offer_matcher()
    pools = {}
    for i, need in enumerate(TechnologyNeed.objects.filter(slug__in=slugs).prefetch_related("sectors")):
        query = _need_query(need, places)
        qv = index.query_vector(index.vector_text(query.title, query.text))
        matches = matcher.search(query, top=POOL, query_vector=qv, explain=False)
        judged = {j.doc for j in found if j.query == need.slug}
        missing = [d for d in judged if d not in {m.doc_id for m in matches}]
        if missing:  # judged pairs the engine no longer ranks high: score them on their own
            wider = matcher.search(query, top=10 * POOL, query_vector=qv, explain=False)
            matches += [m for m in wider if m.doc_id in missing]
        pools[need.slug] = candidates(matches, matcher, query, need.slug, need.language)
        if progress:
            progress(i + 1, len(slugs), "")
    model = Reranker().fit(pools, found, response_rates())
    data = model.to_dict()
    data["judged_docs"] = sorted({j.doc for j in found})
    with transaction.atomic():
        version = RankerVersion.objects.create(
            programme=programme,
            version=_next_version(programme),
            model=data,
            training_size=model.n_judgements_,
            metrics=model.metrics_,
            usable=model.active_ or bool(model.trust_) or bool(model.sector_rejections_),
            created_by=user if user is not None and user.pk else None,
        )
    return version


def _version(programme: Programme, number: int) -> RankerVersion:
    version = RankerVersion.objects.filter(programme=programme, version=number).first()
    if version is None:
        raise ValidationError(_("No such version."))
    return version


@transaction.atomic
def ranker_pin(*, programme: Programme, version: int, user: User | None = None) -> RankerVersion:
    """Keep this version in use, whatever is trained later, until unpinned."""
    chosen = _version(programme, version)
    RankerVersion.objects.filter(programme=programme, pinned=True).update(pinned=False)
    chosen.pinned, chosen.withdrawn = True, False
    chosen.save(update_fields=["pinned", "withdrawn"])
    return chosen


@transaction.atomic
def ranker_unpin(*, programme: Programme, user: User | None = None) -> None:
    RankerVersion.objects.filter(programme=programme, pinned=True).update(pinned=False)


@transaction.atomic
def ranker_roll_back(*, programme: Programme, user: User | None = None) -> RankerVersion | None:
    """Withdraw the version in use; the one before it (or the shipped weights) takes over."""
    current = active_version(programme)
    if current is None:
        raise ValidationError(_("The shipped weights are in use already: there is nothing to roll back."))
    current.withdrawn, current.pinned = True, False
    current.save(update_fields=["withdrawn", "pinned"])
    return active_version(programme)


def judgements_since_last_version(programme: Programme) -> int:
    """Feedback and contact requests stored since the latest version was trained (a cheap count)."""
    latest = RankerVersion.objects.filter(programme=programme).order_by("-version").first()
    if latest is None:
        return MatchFeedback.objects.count() + ContactRequest.objects.count()
    return (
        MatchFeedback.objects.filter(created__gt=latest.created).count()
        + ContactRequest.objects.filter(last_updated__gt=latest.created).count()
    )


def maybe_retrain(*, programme: Programme | None, user: User | None = None) -> bool:
    """Queue a retraining job once ``RETRAIN_AFTER`` new judgements arrived since the last version."""
    if programme is None or judgements_since_last_version(programme) < RETRAIN_AFTER:
        return False
    transaction.on_commit(
        lambda: job_enqueue(kind="matching.ranker_train", arguments={"programme": programme.slug}, user=user)
    )
    return True


__all__ = ["LEARNED"]


def feature_label(name: str) -> str:
    """A re-ranker feature in the reader's language (the codes stay in the JSON report)."""
    labels = {
        "lexical": _("words in common"),
        "semantic": _("similar meaning"),
        "sectors": _("same sector"),
        "place": _("same place"),
        "maturity": _("maturity"),
        "sector_depth": _("share of the need's sectors"),
        "no_shared_sector": _("no sector in common"),
        "trl_gap": _("distance to market (TRL)"),
        "place_distance": _("different place"),
        "cross_language": _("other language or script"),
        "chinese_english": _("Chinese and English"),
        "owner_response": _("owner's response rate"),
        "sector_rejections": _("turned down as the wrong sector elsewhere"),
        "doc_history": _("judged by other needs"),
        "lexical_rank": _("rank by words in common"),
        "semantic_rank": _("rank by similar meaning"),
        "lexical_relative": _("words in common, share of the best"),
        "semantic_relative": _("similar meaning, share of the best"),
    }
    return labels.get(name, name)


def status_label(status: str, usable: bool = False) -> str:
    """The outcome of a training run in the reader's language."""
    labels = {
        "active": _("better than the shipped weights on held-out needs"),
        "too_few_judgements": _("too few judgements"),
        "too_few_informative_needs": _("too few needs with both good and poor judgements"),
        "no_better_than_shipped": _("not better than the shipped weights on held-out needs"),
        "no_pairs": _("no judgements to compare"),
        "degenerate": _("could not be fitted"),
    }
    label = labels.get(status, status)
    if usable and status != "active":
        label += " " + _("(only the reasons given for rejections are applied)")
    return label


def report(programme: Programme) -> dict:
    """What the programme's learned model is, what it learned from, and its measured effect."""
    from collections import Counter

    active = active_version(programme)
    found = judgements(programme=programme)
    versions = list(RankerVersion.objects.filter(programme=programme).order_by("-version"))
    return {
        "programme": programme.slug,
        "judgements": len(found),
        "judgements_by_signal": dict(Counter(j.signal for j in found)),
        "active_version": active.version if active else None,
        "pinned": bool(active and active.pinned),
        "versions": [
            {
                "version": v.version,
                "created": v.created.isoformat(),
                "training_size": v.training_size,
                "usable": v.usable,
                "pinned": v.pinned,
                "withdrawn": v.withdrawn,
                "metrics": v.metrics,
                "status_label": status_label(v.metrics.get("status", ""), v.usable),
                "points_per_unit": Reranker.from_dict(v.model).weights_in_points(),
            }
            for v in versions
        ],
    }

"""Writes for offers, needs, feedback and contact requests."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from innobridge.accounts.models import Notice
from innobridge.audit import bulk as audited
from innobridge.directory.membership import notify_organisation
from innobridge.directory.models import Organisation, Person, Place, Sector
from innobridge.lib.services import atomic
from innobridge.matching import index, jdbc, learning
from innobridge.matching.models import (
    BatchSuggestion,
    ContactRequest,
    IndexVersion,
    MatchFeedback,
    TechnologyNeed,
    TechnologyOffer,
    new_public_key,
)
from innobridge.matching.selectors import MIN_SCORE
from innocore.match.batch import DOCUMENT_BLOCK, BatchQuery, BatchResult, batch_match, encode
from innocore.match.dense import get_encoder
from innocore.match.engine import Document, Query
from innocore.text import detect_script, fold

if TYPE_CHECKING:
    import numpy as np
    from pyspark.sql import SparkSession

OFFER_LIFETIME_DAYS = 365
logger = logging.getLogger(__name__)


# The model fields offer_save and need_save set as given (keyword arguments; any subset).
class OfferFields(TypedDict, total=False):
    owner: Organisation
    title: str
    title_en: str
    summary_en: str
    summary: str
    description: str
    scenarios: str
    language: str
    visibility: str
    trl: int | None
    ip_status: str
    direction: str
    status: str
    published_on: date | None
    expires_on: date | None
    contact: Person | None
    anonymous: bool


class NeedFields(TypedDict, total=False):
    owner: Organisation
    title: str
    title_en: str
    summary_en: str
    description: str
    language: str
    visibility: str
    place: Place | None
    budget_min: Decimal | None
    budget_max: Decimal | None
    currency: str
    deadline: date | None
    status: str


def _language_of(*texts: str) -> str:
    script = detect_script(" ".join(t for t in texts if t))
    return script if script in ("zh-Hant", "zh-Hans", "en") else ("zh-Hans" if script == "zh" else "")


def _prepare(record: TechnologyOffer | TechnologyNeed, prefix: str, *texts: str) -> None:
    if not record.slug:
        record.slug = new_public_key(prefix)
    if not record.language:
        record.language = _language_of(*texts)
    # The English title and summary find the record too (an English search for a Chinese offer),
    # but they are not the record's language and never feed matching.
    record.search_key = fold(" ".join(t for t in (*texts, record.title_en, record.summary_en) if t))


def add_one_year(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


@atomic
def offer_save(
    *,
    offer: TechnologyOffer | None = None,
    sectors: Iterable[Sector] | None = None,
    target_places: Iterable[Place] | None = None,
    today: date | None = None,
    **fields: Unpack[OfferFields],
) -> TechnologyOffer:
    """Create or update an offer. Publishing stamps the date; a published offer expires after 12 months."""
    offer = offer or TechnologyOffer()
    was_published = offer.pk and offer.status == TechnologyOffer.Status.PUBLISHED
    for key, value in fields.items():
        setattr(offer, key, value)
    today = today or timezone.localdate()
    if offer.status == TechnologyOffer.Status.PUBLISHED and not was_published:
        offer.published_on = offer.published_on or today
        offer.expires_on = offer.expires_on or add_one_year(offer.published_on)
    _prepare(offer, "offer", offer.title, offer.summary, offer.description, offer.scenarios)
    offer.full_clean()
    offer.save()
    if sectors is not None:
        offer.sectors.set(sectors)
    if target_places is not None:
        offer.target_places.set(target_places)
    _encode_after_commit(offer)
    return offer


def offer_renew(*, offer: TechnologyOffer, today: date | None = None) -> TechnologyOffer:
    """Keep an offer published for another 12 months from today."""
    today = today or timezone.localdate()
    offer.status = TechnologyOffer.Status.PUBLISHED
    offer.expires_on = add_one_year(today)
    offer.save(update_fields=["status", "expires_on", "last_updated"])
    return offer


def _encode_after_commit(record: TechnologyOffer | TechnologyNeed) -> None:
    """Encode a published record once it is committed, so the next page view need not wait.

    Its vector as a document (for the index) and as a query (for its own suggestions) are
    stored; should encoding fail here, the page encodes it when first shown.
    """
    if record.status != "published":
        return
    text = index.vector_text(record.title, record.matching_text())

    def encode() -> None:

        try:
            index.vectors_for([text])
            index.query_vector(text, store=True)
        except Exception:
            logger.exception("could not pre-encode %s", record.slug)

    transaction.on_commit(encode)


def index_version_bump(name: str = "matching") -> None:
    """Tell every worker that the matching indexes may be stale (bulk writes must call this)."""
    token = uuid.uuid4().hex
    if not IndexVersion.objects.filter(name=name).update(version=token):
        IndexVersion.objects.get_or_create(name=name, defaults={"version": token})


def offers_expire(*, today: date | None = None) -> int:
    """Mark published offers past their expiry date as expired; returns how many."""
    today = today or timezone.localdate()
    expired = audited.update(
        TechnologyOffer.objects.filter(status=TechnologyOffer.Status.PUBLISHED, expires_on__lt=today),
        status=TechnologyOffer.Status.EXPIRED,
        last_updated=timezone.now(),
    )
    if expired:
        index_version_bump()
    return expired


@atomic
def need_save(
    *, need: TechnologyNeed | None = None, sectors: Iterable[Sector] | None = None, **fields: Unpack[NeedFields]
) -> TechnologyNeed:
    need = need or TechnologyNeed()
    for key, value in fields.items():
        setattr(need, key, value)
    if need.budget_min is not None and need.budget_max is not None and need.budget_max < need.budget_min:
        raise ValidationError({"budget_max": _("The upper budget must not be below the lower one.")})
    _prepare(need, "need", need.title, need.description)
    need.full_clean()
    need.save()
    if sectors is not None:
        need.sectors.set(sectors)
    _encode_after_commit(need)
    return need


def feedback_record(
    *,
    need: TechnologyNeed,
    offer: TechnologyOffer,
    side: str,
    verdict: str,
    reason: str = "",
    note: str = "",
    rank: int | None = None,
    score: float | None = None,
    user: User | None = None,
) -> MatchFeedback:
    """Store (or replace) one side's verdict on a pair. Rejecting needs a reason."""
    if verdict == MatchFeedback.Verdict.NOT_RELEVANT and not reason:
        raise ValidationError({"reason": _("Say why the suggestion is not relevant.")})
    feedback, _created = MatchFeedback.objects.update_or_create(
        need=need,
        offer=offer,
        side=side,
        defaults={
            "verdict": verdict,
            "reason": reason if verdict == MatchFeedback.Verdict.NOT_RELEVANT else "",
            "note": note,
            "rank": rank,
            "score": score,
            "user": user,
        },
    )
    _judged(need)
    return feedback


def contact_request_create(
    *,
    requester: Organisation,
    offer: TechnologyOffer | None = None,
    need: TechnologyNeed | None = None,
    message: str = "",
    user: User | None = None,
) -> ContactRequest:
    """Express interest in an offer or a need; one open request per organisation and record.

    Parallel posts are serialised by a lock on the record and, whatever happens, by the partial
    unique constraints on pending requests: the second post gets the first one's request back.
    """
    subject = offer or need
    if subject is None:
        raise ValidationError(_("Choose an offer or a need."))
    if subject.owner_id == requester.pk:
        raise ValidationError(_("You cannot send a contact request to your own organisation."))
    pending = ContactRequest.objects.filter(
        requester=requester, offer=offer, need=need, status=ContactRequest.Status.PENDING
    )
    with transaction.atomic():
        type(subject).objects.select_for_update().filter(pk=subject.pk).first()
        existing = pending.first()
        if existing:
            return existing
        request = ContactRequest(
            slug=new_public_key("cr"),
            requester=requester,
            recipient=subject.owner,
            offer=offer,
            need=need,
            message=message.strip(),
            created_by=user,
        )
        request.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                request.save()
        except IntegrityError:
            existing = pending.first()
            if existing is None:
                raise
            return existing
        notify_organisation(
            organisation=subject.owner,
            kind=str(Notice.Kind.CONTACT),
            words=lambda: (
                _("%(organisation)s would like to talk about “%(title)s”")
                % {"organisation": requester.name, "title": str(subject)},
                request.message or _("Open the request to accept or decline it."),
            ),
            url_name="matching:contact_request_detail",
            url_kwargs={"slug": request.slug},
            exclude=user,
        )
    return request


@atomic
def contact_request_answer(
    *, request: ContactRequest, accept: bool, answer: str = "", user: User | None = None
) -> ContactRequest:
    """Accept or decline a pending request, once: the row is locked, so of parallel answers one wins."""
    request = ContactRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != ContactRequest.Status.PENDING:
        raise ValidationError(_("This request has already been answered."))
    request.status = ContactRequest.Status.ACCEPTED if accept else ContactRequest.Status.DECLINED
    request.answer = answer.strip()
    request.answered_by = user
    request.answered_at = timezone.now()
    request.save()
    if request.need_id:
        _judged(request.need)
    accepted = accept
    notify_organisation(
        organisation=request.requester,
        kind=str(Notice.Kind.CONTACT),
        words=lambda: (
            (
                _("%(organisation)s accepted your contact request about “%(title)s”")
                if accepted
                else _("%(organisation)s declined your contact request about “%(title)s”")
            )
            % {"organisation": request.recipient.name, "title": str(request.offer or request.need)},
            request.answer,
        ),
        url_name="matching:contact_request_detail",
        url_kwargs={"slug": request.slug},
        exclude=user,
    )
    return request


def _judged(need: TechnologyNeed) -> None:
    """A new judgement: retrain the need's programme's re-ranker once enough have arrived."""

    learning.maybe_retrain(programme=learning.programme_of_need(need))


def _stored_or_encoded(
    spark: SparkSession, texts: list[str], *, encoder_name: str, side: str
) -> tuple[np.ndarray | None, int]:
    """Vectors of ``texts`` from StoredVector, encoding on Spark only the texts not stored yet
    (new or edited records), and storing those; keyed as the pages key them."""

    def on_spark(batch: list[str]) -> np.ndarray:
        fresh, _ = encode(spark, [("", t) for t in batch], encoder_name=encoder_name, side=side, with_terms=False)
        assert fresh is not None  # an encoder is named
        return fresh

    # One Spark job for every missing text: the batch is as large as the input.
    return index.stored_or_encoded(
        texts, encoder_name=get_encoder(encoder_name).name, encode=on_spark, side=side, batch=max(1, len(texts))
    )


# Rows the batch keeps per record: three times the ten a page shows, as the online engine fetches,
# since the page then drops what the reader may not see.
BATCH_TOP = 30


def batch_suggestions_compute(
    *,
    spark: SparkSession,
    encoder_name: str | None,
    top: int = BATCH_TOP,
    block: int = 256,
    document_block: int = DOCUMENT_BLOCK,
    method: str = "hybrid",
    read: str = "orm",
) -> dict[str, Any]:
    """Suggestions for every published need (offers) and offer (needs), computed on Spark with the
    online engine's scoring, replacing the previous batch's rows in one transaction.

    As on the pages, a record's own organisation's records, pairs its owner rejected and scores
    under the pages' threshold are left out; visibility depends on the reader and is applied when
    a page reads the rows. The learned re-ranker is not applied (it is per programme, at read time).
    """

    version = index.current_version()[0]
    started = timezone.now()
    clock = timezone.now()
    if read == "jdbc":  # on the executors, in ranges of ids (PostgreSQL)
        offers, needs = jdbc.offer_documents(spark), jdbc.need_documents(spark)
    else:  # through Django on the driver
        offers = index.OFFERS.documents(index.offers_queryset().order_by("pk"))
        needs = index.NEEDS.documents(index.needs_queryset().order_by("pk"))
    read_s = (timezone.now() - clock).total_seconds()
    owner = dict(TechnologyOffer.objects.values_list("slug", "owner_id"))
    owner.update(TechnologyNeed.objects.values_list("slug", "owner_id"))
    rejected_offers: dict[str, set[str]] = {}
    rejected_needs: dict[str, set[str]] = {}
    for need_slug, offer_slug in MatchFeedback.objects.filter(verdict=MatchFeedback.Verdict.NOT_RELEVANT).values_list(
        "need__slug", "offer__slug"
    ):
        rejected_offers.setdefault(need_slug, set()).add(offer_slug)
        rejected_needs.setdefault(offer_slug, set()).add(need_slug)

    def texts(docs: list[Document]) -> list[str]:
        return [index.vector_text(d.title, d.text) for d in docs]

    encoded = 0
    vectors = {}
    clock = timezone.now()
    if encoder_name and method != "bm25":
        for name, docs in (("offers", offers), ("needs", needs)):
            vectors[name], n = _stored_or_encoded(spark, texts(docs), encoder_name=encoder_name, side="documents")
            vectors[name + ":q"], m = _stored_or_encoded(spark, texts(docs), encoder_name=encoder_name, side="queries")
            encoded += n + m
    vectors_s = (timezone.now() - clock).total_seconds()
    rows, results = [], {}
    sides = (
        (BatchSuggestion.Kind.OFFERS_FOR_NEED, offers, "offers", needs, "needs", rejected_offers),
        (BatchSuggestion.Kind.NEEDS_FOR_OFFER, needs, "needs", offers, "offers", rejected_needs),
    )
    for kind, corpus, corpus_name, queries, query_name, rejected in sides:
        if not corpus or not queries:
            continue
        batch_queries = [
            BatchQuery(q.id, Query(q.title, q.text, q.sectors, q.places, exclude=frozenset(rejected.get(q.id, ()))))
            for q in queries
        ]
        result = batch_match(
            spark,
            corpus,
            batch_queries,
            encoder_name=encoder_name if vectors else None,
            method=method,
            top=top * 3,  # as the pages: room for the records left out below
            block=block,
            document_block=document_block,
            corpus_vectors=vectors.get(corpus_name),
            query_vectors=vectors.get(query_name + ":q"),
        )
        results[kind] = result
        for record, found in result.matches.items():
            kept = [m for m in found if m[1] >= MIN_SCORE and owner.get(m[0]) != owner.get(record)][:top]
            rows += [
                BatchSuggestion(
                    kind=kind,
                    record=record,
                    suggested=doc_id,
                    rank=rank,
                    score=score,
                    contributions=contributions,
                    index_version=version,
                    computed=started,
                )
                for rank, (doc_id, score, contributions) in enumerate(kept, start=1)
            ]
    with transaction.atomic():
        BatchSuggestion.objects.all().delete()
        BatchSuggestion.objects.bulk_create(rows, batch_size=2000)
    total = BatchResult(
        {},
        spark.sparkContext.master,
        spark.sparkContext.applicationId,
        {key: round(sum(r.timings[key] for r in results.values()), 3) for key in ("encode_s", "fit_s", "score_s")},
        sum(r.pairs for r in results.values()),
    )
    return {
        "needs": len(needs),
        "offers": len(offers),
        "suggestions": len(rows),
        "vectors_encoded": encoded,
        "vectors_s": round(vectors_s, 3),
        "read": read,
        "read_s": round(read_s, 3),
        "index_version": version,
        "result": total,
    }

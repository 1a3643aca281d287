"""Offers, needs, their suggestions and contact requests, read through the matching selectors.

What a caller sees is what the pages show them: the selectors decide visibility (public, partners
only, confidential); anonymous callers get teasers without the owner, the contact or the free text;
an anonymous offer names its owner only to the owner, staff and accepted requesters.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from innobridge.accounts.permissions import is_staff, member_organisation_id, sees_teasers
from innobridge.api.auth import members
from innobridge.api.inputs import InputSchema
from innobridge.api.links import link, links
from innobridge.api.pagination import Pages
from innobridge.directory.models import Organisation
from innobridge.lib.concurrency import EditConflict
from innobridge.lib.views import get_or_404
from innobridge.matching import english, learning, selectors, services
from innobridge.matching.models import ContactRequest
from innobridge.matching.permissions import can_answer, can_see_owner, can_see_request
from innobridge.programmes.models import Programme

router = Router(tags=["matching"])


def _user(context):
    return context["request"].user


def _full(obj, context) -> bool:
    """Whether the caller sees more than a teaser of this record."""
    return not sees_teasers(_user(context))


def _owner_shown(offer, context) -> bool:
    return _full(offer, context) and can_see_owner(_user(context), offer)


class OfferOut(Schema):
    """An offer. ``owner``, ``owner_name``, ``contact``, ``description`` and ``scenarios`` are absent
    from teasers (anonymous callers) and ``owner*``/``contact`` from anonymous offers until accepted."""

    slug: str
    title: str
    title_en: str
    summary: str
    language: str
    direction: str
    status: str
    visibility: str
    trl: int | None = None
    ip_status: str
    sectors: list[str]
    target_places: list[str]
    published_on: date | None = None
    expires_on: date | None = None
    owner: str | None = None
    owner_name: str | None = None
    contact: str | None = None
    description: str | None = None
    scenarios: str | None = None
    summary_en: str | None = None

    @staticmethod
    def resolve_sectors(obj, context) -> list[str]:
        return links(obj.sectors.all(), context)

    @staticmethod
    def resolve_target_places(obj, context) -> list[str]:
        return links(obj.target_places.all(), context)

    @staticmethod
    def resolve_owner(obj, context) -> str | None:
        return link(obj.owner, context) if _owner_shown(obj, context) else None

    @staticmethod
    def resolve_owner_name(obj, context) -> str | None:
        return obj.owner.name if _owner_shown(obj, context) else None

    @staticmethod
    def resolve_contact(obj, context) -> str | None:
        if obj.contact_id and _owner_shown(obj, context):
            return link(obj.contact, context)
        return None

    @staticmethod
    def resolve_description(obj, context) -> str | None:
        return obj.description if _full(obj, context) else None

    @staticmethod
    def resolve_scenarios(obj, context) -> str | None:
        return obj.scenarios if _full(obj, context) else None

    @staticmethod
    def resolve_summary_en(obj, context) -> str | None:
        return obj.summary_en if _full(obj, context) else None


class NeedOut(Schema):
    """A need. ``owner``, ``owner_name`` and ``description`` are absent from teasers (anonymous callers)."""

    slug: str
    title: str
    title_en: str
    language: str
    status: str
    visibility: str
    sectors: list[str]
    place: str | None = None
    budget_min: Decimal | None = None
    budget_max: Decimal | None = None
    currency: str
    deadline: date | None = None
    owner: str | None = None
    owner_name: str | None = None
    description: str | None = None
    summary_en: str | None = None

    @staticmethod
    def resolve_sectors(obj, context) -> list[str]:
        return links(obj.sectors.all(), context)

    @staticmethod
    def resolve_summary_en(obj, context) -> str | None:
        return obj.summary_en if _full(obj, context) else None

    @staticmethod
    def resolve_place(obj, context) -> str | None:
        return link(obj.place, context) if obj.place_id else None

    @staticmethod
    def resolve_owner(obj, context) -> str | None:
        return link(obj.owner, context) if _full(obj, context) else None

    @staticmethod
    def resolve_owner_name(obj, context) -> str | None:
        return obj.owner.name if _full(obj, context) else None

    @staticmethod
    def resolve_description(obj, context) -> str | None:
        return obj.description if _full(obj, context) else None


class OfferFilterIn(InputSchema):
    q: str = Field("", max_length=200)
    sector: str = ""
    direction: str = ""
    trl: int | None = Field(None, ge=1, le=9)
    mine: bool = False


class NeedFilterIn(InputSchema):
    q: str = Field("", max_length=200)
    sector: str = ""
    place: str = ""
    mine: bool = False


@router.get("/offers", response=list[OfferOut], exclude_none=True)
@paginate(Pages, page_size=settings.PAGE_SIZE)
def list_offers(request, filters: Query[OfferFilterIn]):
    """Offers the caller may read, with the filters of the offers page (``trl`` = minimum maturity)."""
    return selectors.offer_list(
        user=request.user,
        q=filters.q,
        sector=filters.sector,
        direction=filters.direction,
        min_trl=filters.trl,
        mine=filters.mine,
    ).prefetch_related("target_places")


@router.get("/offers/{slug}", response=OfferOut, exclude_none=True)
def get_offer(request, slug: str):
    return get_or_404(selectors.offer_detail, user=request.user, slug=slug)


@router.get("/needs", response=list[NeedOut], exclude_none=True)
@paginate(Pages, page_size=settings.PAGE_SIZE)
def list_needs(request, filters: Query[NeedFilterIn]):
    """Needs the caller may read, with the filters of the needs page (``place`` includes places below it)."""
    return selectors.need_list(
        user=request.user, q=filters.q, sector=filters.sector, place=filters.place, mine=filters.mine
    )


@router.get("/needs/{slug}", response=NeedOut, exclude_none=True)
def get_need(request, slug: str):
    return get_or_404(selectors.need_detail, user=request.user, slug=slug)


class TermOut(Schema):
    term: str
    concept: str


class Explanation(Schema):
    rank: int
    score: float = Field(description="Out of 100: the sum of the contributions.")
    contributions: dict[str, float]
    learned: float = Field(
        0.0, description="The learned re-ranker's contribution (also in contributions as 'learned'); 0 without one."
    )
    learned_explanation: str = Field(
        "", description="The learned contribution in plain words, in the caller's language."
    )
    terms: list[TermOut]
    shared_sectors: list[str]


class OfferSuggestionOut(Explanation):
    offer: OfferOut


class NeedSuggestionOut(Explanation):
    need: NeedOut


def _explained(s, key: str) -> dict:
    return {
        "rank": s.rank,
        "score": s.match.score,
        "contributions": dict(s.match.contributions),
        "learned": s.match.contributions.get("learned", 0.0),
        "learned_explanation": s.learned,
        "terms": [{"term": t.term, "concept": t.concept} for t in s.match.terms],
        "shared_sectors": list(s.match.shared_sectors),
        key: s.record,
    }


@router.get("/needs/{slug}/suggestions", response=list[OfferSuggestionOut], auth=members, exclude_none=True)
def need_suggestions(request, slug: str, top: int = Query(10, ge=1, le=20)):
    """Offers suggested for a need, as on the need's page, each with its explanation.

    Signed-in callers only: matched terms quote free text that anonymous readers do not see.
    """
    need = get_or_404(selectors.need_detail, user=request.user, slug=slug)
    return [_explained(s, "offer") for s in selectors.offers_for_need(need=need, user=request.user, top=top)]


@router.get("/offers/{slug}/suggestions", response=list[NeedSuggestionOut], auth=members, exclude_none=True)
def offer_suggestions(request, slug: str, top: int = Query(10, ge=1, le=20)):
    """Needs suggested for a published offer, as on the offer's page, each with its explanation.

    Signed-in callers only: matched terms quote free text that anonymous readers do not see.
    """
    offer = get_or_404(selectors.offer_detail, user=request.user, slug=slug)
    if offer.status != "published":
        return []
    return [_explained(s, "need") for s in selectors.needs_for_offer(offer=offer, user=request.user, top=top)]


class ContactRequestOut(Schema):
    """``recipient`` is absent while it would name the hidden owner of an anonymous offer."""

    slug: str
    status: str
    requester: str
    recipient: str | None = None
    offer: str | None = None
    need: str | None = None
    message: str
    answer: str
    created: datetime
    answered_at: datetime | None = None

    @staticmethod
    def resolve_requester(obj, context) -> str:
        return link(obj.requester, context)

    @staticmethod
    def resolve_recipient(obj, context) -> str | None:
        if obj.offer_id and not can_see_owner(_user(context), obj.offer):
            return None
        return link(obj.recipient, context)

    @staticmethod
    def resolve_offer(obj, context) -> str | None:
        return link(obj.offer, context) if obj.offer_id else None

    @staticmethod
    def resolve_need(obj, context) -> str | None:
        return link(obj.need, context) if obj.need_id else None


class ContactRequestIn(InputSchema):
    offer: str | None = Field(None, max_length=80, description="Slug of the offer; give an offer or a need.")
    need: str | None = Field(None, max_length=80, description="Slug of the need.")
    message: str = Field("", max_length=2000)


class AnswerIn(InputSchema):
    decision: Literal["accept", "decline"]
    answer: str = Field("", max_length=2000)


def _invalid(exc: ValidationError) -> HttpError:
    return HttpError(400, " ".join(exc.messages))


@router.get("/contact-requests", response=list[ContactRequestOut], auth=members, exclude_none=True)
@paginate(Pages, page_size=settings.PAGE_SIZE)
def list_contact_requests(request):
    """Requests sent or received by the caller's organisation (all of them for staff)."""
    return selectors.contact_requests_for(user=request.user)


@router.get("/contact-requests/{slug}", response=ContactRequestOut, auth=members, exclude_none=True)
def get_contact_request(request, slug: str):
    contact = selectors.contact_requests_for(user=request.user).filter(slug=slug).first()
    if contact is None:
        raise Http404
    return contact


@router.post("/contact-requests", response={201: ContactRequestOut}, auth=members, exclude_none=True)
def create_contact_request(request, data: ContactRequestIn):
    """Express interest in an offer or a need the caller may read, for the caller's organisation."""
    org_id = member_organisation_id(request.user)
    if org_id is None:
        raise HttpError(403, _("Only members of an organisation can send contact requests."))
    if bool(data.offer) == bool(data.need):
        raise HttpError(400, _("Give either an offer or a need."))
    if data.offer:
        subject = {"offer": get_or_404(selectors.offer_detail, user=request.user, slug=data.offer)}
    else:
        subject = {"need": get_or_404(selectors.need_detail, user=request.user, slug=data.need)}
    try:
        with transaction.atomic():
            contact = services.contact_request_create(
                requester=Organisation.objects.get(pk=org_id), user=request.user, message=data.message, **subject
            )
    except ValidationError as exc:
        raise _invalid(exc) from exc
    return Status(201, contact)


@router.post("/contact-requests/{slug}/answer", response=ContactRequestOut, auth=members, exclude_none=True)
def answer_contact_request(request, slug: str, data: AnswerIn):
    """Accept or decline a request sent to the caller's organisation; accepting reveals an anonymous owner."""
    contact = ContactRequest.objects.select_related("requester", "recipient", "offer", "need").filter(slug=slug).first()
    if contact is None or not can_see_request(request.user, contact):
        raise Http404
    if not can_answer(request.user, contact):
        raise HttpError(403, _("Only the organisation that received the request can answer it."))
    try:
        with transaction.atomic():
            contact = services.contact_request_answer(
                request=contact, accept=data.decision == "accept", answer=data.answer, user=request.user
            )
    except ValidationError as exc:
        raise _invalid(exc) from exc
    return contact


# -- the learned re-ranker, per programme (staff) -------------------------------------------------


class RankerVersionOut(Schema):
    version: int
    created: str
    training_size: int
    usable: bool
    pinned: bool
    withdrawn: bool
    metrics: dict
    points_per_unit: dict[str, float]


class RankerOut(Schema):
    programme: str
    judgements: int
    judgements_by_signal: dict[str, int]
    active_version: int | None = None
    pinned: bool
    versions: list[RankerVersionOut]


class PinIn(Schema):
    version: int = Field(..., ge=1)


def _staff_programme(request, slug: str | None = None):

    if not is_staff(request.user):
        raise HttpError(403, _("The learned re-rankers are for staff only."))
    if slug is None:
        return None
    programme = Programme.objects.filter(slug=slug).first()
    if programme is None:
        raise Http404
    return programme


@router.get("/rankers", response=list[RankerOut], auth=members)
def list_rankers(request):
    """Each programme's learned re-ranker: versions, the one in use, the data and measured effect (staff)."""

    _staff_programme(request)
    return [learning.report(p) for p in Programme.objects.order_by("pk")]


@router.get("/rankers/{slug}", response=RankerOut, auth=members)
def get_ranker(request, slug: str):
    return learning.report(_staff_programme(request, slug))


@router.post("/rankers/{slug}/pin", response=RankerOut, auth=members)
def pin_ranker(request, slug: str, data: PinIn):
    """Keep one version in use for the programme until unpinned (staff)."""
    programme = _staff_programme(request, slug)
    try:
        learning.ranker_pin(programme=programme, version=data.version, user=request.user)
    except ValidationError as exc:
        raise _invalid(exc) from exc
    return learning.report(programme)


@router.post("/rankers/{slug}/unpin", response=RankerOut, auth=members)
def unpin_ranker(request, slug: str):
    programme = _staff_programme(request, slug)
    learning.ranker_unpin(programme=programme, user=request.user)
    return learning.report(programme)


@router.post("/rankers/{slug}/roll-back", response=RankerOut, auth=members)
def roll_back_ranker(request, slug: str):
    """Withdraw the version in use; the one before it, or the shipped weights, take over (staff)."""
    programme = _staff_programme(request, slug)
    try:
        learning.ranker_roll_back(programme=programme, user=request.user)
    except ValidationError as exc:
        raise _invalid(exc) from exc
    return learning.report(programme)


class LackingEnglishOut(Schema):
    """A record written in Chinese without an English title or summary. ``seen_*`` are what a
    save must send back as seen: a record changed meanwhile is refused (409), not overwritten."""

    kind: str
    slug: str
    title: str
    title_en: str
    summary_en: str
    original_fingerprint: str
    url: str


class LackingEnglishKindOut(Schema):
    kind: str
    total: int
    records: list[LackingEnglishOut]


class EnglishIn(InputSchema):
    """Absent keeps what is stored, "" clears it. ``seen_*`` are the values read from the list:
    the English shown and the fingerprint of the original it stands for."""

    title_en: str | None = Field(None, max_length=300)
    summary_en: str | None = Field(None, max_length=5000)
    seen_title_en: str = Field("", max_length=300)
    seen_summary_en: str = Field("", max_length=5000)
    seen_original: str | None = Field(None, max_length=64)


def _english_row(kind, record) -> dict:
    return {
        "kind": kind.key,
        "slug": record.slug,
        "title": kind.original_title(record),
        "title_en": getattr(record, kind.title_field),
        "summary_en": record.summary_en,
        "original_fingerprint": english.fingerprint(kind, record),
        "url": record.get_absolute_url(),
    }


def _staff_only(request) -> None:
    if not is_staff(request.user):
        raise HttpError(403, _("Only staff can see and fill the records lacking English."))


@router.get("/summaries-in-english", response=list[LackingEnglishKindOut], auth=members)
def summaries_lacking_english(request):
    """Offers, needs, delegations, events and agreements written in Chinese that lack an English
    title or summary, per kind, newest first (staff)."""
    _staff_only(request)
    return [
        {"kind": e.kind.key, "total": e.total, "records": [_english_row(e.kind, r) for r in e.records]}
        for e in english.lacking_english()
    ]


@router.post("/summaries-in-english/{kind}/{slug}", response=LackingEnglishOut, auth=members)
def summary_in_english(request, kind: str, slug: str, payload: EnglishIn):
    """Give one record its English title and summary (absent keeps, "" clears); 409 when the English
    or the original changed since ``seen_title_en``/``seen_summary_en``/``seen_original`` (nothing saved)."""
    _staff_only(request)
    entry = english.KINDS.get(kind)
    if entry is None:
        raise HttpError(404, _("Not found."))
    record = get_or_404(lambda **kw: entry.model._base_manager.get(**kw), slug=slug)
    try:
        saved = english.english_set(
            kind=entry,
            record=record,
            title_en=payload.title_en,
            summary_en=payload.summary_en,
            seen_title=payload.seen_title_en,
            seen_summary=payload.seen_summary_en,
            seen_original=payload.seen_original,
        )
    except ValidationError as exc:
        raise HttpError(422, " ".join(exc.messages)) from exc
    except EditConflict as exc:
        raise HttpError(409, _("The record changed since you read it: nothing was saved.")) from exc
    return _english_row(entry, saved)

"""Source documents (press releases, minutes): staff only, as on the documents pages."""

from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from innobridge.accounts.permissions import is_staff
from innobridge.api.auth import members
from innobridge.api.inputs import InputSchema
from innobridge.api.pagination import Pages
from innobridge.documents import commit, selectors, services
from innobridge.documents.models import Proposal, SourceDocument
from innobridge.programmes.models import Programme

router = Router(tags=["documents"], auth=members)


class DocumentOut(Schema):
    slug: str
    title: str
    kind: str
    language: str
    published: date | None = None
    url: str
    filename: str
    format: str
    created: datetime
    committed: datetime | None = None


class DocumentDetailOut(DocumentOut):
    text: str


def _staff_only(request) -> None:
    if not is_staff(request.user):
        raise HttpError(403, _("Documents are for staff only."))


@router.get("/documents", response=list[DocumentOut])
@paginate(Pages, page_size=settings.PAGE_SIZE)
def list_documents(request):
    _staff_only(request)
    return SourceDocument.objects.order_by("-created")


@router.get("/documents/{slug}", response=DocumentDetailOut)
def get_document(request, slug: str):
    _staff_only(request)
    document = SourceDocument.objects.filter(slug=slug).first()
    if document is None:
        raise Http404
    return document


class ProposalOut(Schema):
    kind: str
    position: int
    label: str
    data: dict
    match: str
    candidates: list[dict]
    decision: str
    target: str
    changes: list[str]
    evidence: list[int]


class DecisionIn(InputSchema):
    decision: str
    target: str = ""
    date: str = ""


class AcceptIn(InputSchema):
    policy: str


class CommitIn(InputSchema):
    programme: str = ""


class CommitOut(Schema):
    created: dict[str, int]
    updated: dict[str, int]


def _document(request, slug: str) -> SourceDocument:
    _staff_only(request)
    document = SourceDocument.objects.filter(slug=slug).first()
    if document is None:
        raise Http404
    return document


def _proposal_out(p: Proposal) -> dict:
    return {
        "kind": p.kind,
        "position": p.position,
        "label": str(p.label),
        "data": p.data,
        "match": p.match,
        "candidates": p.candidates,
        "decision": p.decision,
        "target": p.target_slug,
        "changes": [str(c) for c in selectors.proposal_changes(p)] if p.target_slug else [],
        "evidence": [p.start, p.end],
    }


@router.get("/documents/{slug}/proposals", response=list[ProposalOut])
def list_proposals(request, slug: str):
    """The facts read from a document, each matched against the directory and the programmes."""
    return [_proposal_out(p) for p in _document(request, slug).proposals.all()]


@router.post("/documents/{slug}/proposals/{kind}/{position}", response=ProposalOut)
def decide_proposal(request, slug: str, kind: str, position: int, payload: DecisionIn):
    """Accept, merge (into ``target``), reject, or give a date the text lacks (``date``)."""
    document = _document(request, slug)
    proposal = document.proposals.filter(kind=kind, position=position).first()
    if proposal is None:
        raise Http404
    try:
        data = {"date": services.checked_day(payload.date)} if payload.date else None
        proposal = services.proposal_decide(
            proposal=proposal, decision=payload.decision, target_slug=payload.target, data=data
        )
    except ValidationError as exc:
        raise HttpError(422, " ".join(exc.messages)) from None
    return _proposal_out(proposal)


@router.post("/documents/{slug}/accept", response=dict[str, int])
def accept_proposals(request, slug: str, payload: AcceptIn):
    """Bulk decisions: ``matched``, ``new``, ``confident``, ``all`` or ``none`` (see the README)."""
    try:
        return services.document_accept(document=_document(request, slug), policy=payload.policy)
    except ValidationError as exc:
        raise HttpError(422, " ".join(exc.messages)) from None


@router.post("/documents/{slug}/commit", response=CommitOut)
def commit_document(request, slug: str, payload: CommitIn):
    """Apply the accepted and merged facts, all or nothing; returns records created and updated per kind."""
    document = _document(request, slug)
    programme = Programme.objects.filter(slug=payload.programme).first() if payload.programme else None
    if payload.programme and programme is None:
        raise HttpError(422, _("No programme with that reference."))
    try:
        return commit.document_commit(document=document, programme=programme)
    except ValidationError as exc:
        raise HttpError(422, " ".join(exc.messages)) from None

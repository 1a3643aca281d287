"""The caller's own notices, and membership requests (a signed-up user's claim of an organisation or
proposal of a new one; staff list and decide them)."""

from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from innobridge.accounts import notices
from innobridge.accounts.permissions import is_staff
from innobridge.api.auth import members
from innobridge.api.pagination import Pages
from innobridge.directory import membership
from innobridge.directory.models import MembershipRequest, Organisation

router = Router(tags=["accounts"])


class NoticeOut(Schema):
    id: int
    kind: str
    subject: str
    body: str
    url: str
    created: datetime
    read: datetime | None


class ReadIn(Schema):
    ids: list[int] | None = None


class ReadOut(Schema):
    marked: int


@router.get("/notifications", response=list[NoticeOut], auth=members)
@paginate(Pages, page_size=settings.PAGE_SIZE)
def list_notifications(request):
    """The caller's notices, newest first (every user sees only their own)."""
    return notices.notices_for(user=request.user)


@router.post("/notifications/read", response=ReadOut, auth=members)
def mark_notifications_read(request, data: ReadIn):
    """Mark the caller's notices read: those of ``ids``, or all when ``ids`` is absent."""
    ids = data.ids[:1000] if data.ids is not None else None
    return {"marked": notices.notices_mark_read(user=request.user, ids=ids)}


class MembershipRequestOut(Schema):
    reference: str
    user: str
    organisation: str
    proposed_name: str
    status: str
    note: str
    created: datetime

    @staticmethod
    def resolve_user(obj, context) -> str:
        return obj.user.get_full_name() or obj.user.get_username()

    @staticmethod
    def resolve_organisation(obj) -> str:
        return obj.organisation.slug if obj.organisation_id else ""


class MembershipRequestIn(Schema):
    organisation: str = ""
    proposed_name: str = ""
    proposed_kind: str = ""
    role_in_organisation: str = ""
    message: str = ""


class DecisionIn(Schema):
    approve: bool
    note: str = ""
    organisation: str = ""


@router.get("/membership-requests", response=list[MembershipRequestOut], auth=members)
@paginate(Pages, page_size=settings.PAGE_SIZE)
def list_membership_requests(request):
    """Staff: the requests waiting for a decision. Others: their own requests."""
    if is_staff(request.user):
        return membership.requests_pending()
    return membership.requests_of(user=request.user).select_related("user")


@router.post("/membership-requests", response={201: MembershipRequestOut}, auth=members)
def create_membership_request(request, data: MembershipRequestIn):
    """Ask to act for an organisation of the directory (its slug) or propose a new one by name."""
    org = None
    if data.organisation:
        org = Organisation.objects.filter(slug=data.organisation[:200]).first()
        if org is None:
            raise HttpError(404, _("No organisation with this identifier."))
    try:
        created = membership.membership_request_create(
            user=request.user,
            organisation=org,
            proposed_name=data.proposed_name[:200],
            proposed_kind=data.proposed_kind[:30],
            role_in_organisation=data.role_in_organisation[:200],
            message=data.message[:2000],
        )
    except ValidationError as exc:
        raise HttpError(400, " ".join(exc.messages)) from None
    return 201, created


@router.post("/membership-requests/{reference}/decision", response=MembershipRequestOut, auth=members)
def decide_membership_request(request, reference: str, data: DecisionIn):
    """Staff approve or refuse a waiting request (a proposal may be attached to an existing organisation)."""
    if not is_staff(request.user):
        raise HttpError(403, _("Only staff decide membership requests."))
    req = MembershipRequest.objects.select_related("user").filter(reference=reference[:40]).first()
    if req is None:
        raise Http404
    org = Organisation.objects.filter(slug=data.organisation[:200]).first() if data.organisation else None
    if data.organisation and org is None:
        raise HttpError(404, _("No organisation with this identifier."))
    try:
        return membership.membership_request_decide(
            request=req, staff=request.user, approve=data.approve, note=data.note[:2000], organisation=org
        )
    except PermissionDenied:
        raise HttpError(403, _("Only staff decide membership requests.")) from None
    except ValidationError as exc:
        raise HttpError(409, " ".join(exc.messages)) from None

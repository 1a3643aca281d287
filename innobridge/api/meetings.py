"""JSON for matchmaking sessions, meeting requests and scheduled meetings; accept or decline a request.

Reads follow the pages' rules: staff see everything, members the sessions their organisation takes part
in and its own requests and meetings, anonymous callers public published sessions only (no requests).
"""

from __future__ import annotations

from datetime import date, datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from innobridge.accounts.permissions import is_staff, member_organisation_id
from innobridge.api.auth import members as write_auth
from innobridge.api.inputs import InputSchema
from innobridge.api.links import link
from innobridge.directory.models import Organisation
from innobridge.lib.views import get_or_404
from innobridge.meetings import participation, publishing, selectors, services
from innobridge.meetings.models import Meeting, MeetingPreference, MeetingRequest, SessionRegistration
from innobridge.meetings.permissions import can_see_details, can_see_request

router = Router(tags=["meetings"])


class SessionOut(Schema):
    slug: str
    name_en: str
    name_zh_hant: str
    name_zh_hans: str
    city: str
    delegation: str | None
    date: date
    # Local wall-clock time in the session's time_zone ("09:30"): JSON Schema's "time" format
    # would demand an offset, which belongs to the zone, not to the time.
    start_time: str = Field(pattern=r"^[0-2]\d:[0-5]\d$")
    slot_minutes: int
    slots: int
    morning_slots: int
    tables: int
    time_zone: str
    status: str

    @staticmethod
    def resolve_city(obj, context) -> str:
        return link(obj.place, context)

    @staticmethod
    def resolve_start_time(obj) -> str:
        return obj.start_time.strftime("%H:%M")

    @staticmethod
    def resolve_delegation(obj, context) -> str | None:
        return link(obj.delegation, context) if obj.delegation_id else None


class RequestOut(Schema):
    reference: str
    session: str
    requester: str
    requested: str
    priority: int
    preference: str
    status: str
    source: str
    slot: int | None
    table: int | None

    @staticmethod
    def resolve_reference(obj) -> str:
        return obj.slug

    @staticmethod
    def resolve_session(obj, context) -> str:
        return link(obj.session, context)

    @staticmethod
    def resolve_requester(obj, context) -> str:
        return link(obj.requester, context)

    @staticmethod
    def resolve_requested(obj, context) -> str:
        return link(obj.requested, context)

    # Where the reader may see the meeting (selectors.reader_placements): set by the lists, else live.
    @staticmethod
    def resolve_slot(obj) -> int | None:
        placement = selectors.placement_of(obj, getattr(obj, "placements", None))
        return placement[0] if placement else None

    @staticmethod
    def resolve_table(obj) -> int | None:
        placement = selectors.placement_of(obj, getattr(obj, "placements", None))
        return placement[1] if placement else None


class MeetingOut(Schema):
    request: str
    slot: int
    table: int
    start: datetime
    end: datetime
    requester: str
    requested: str


class AnswerIn(InputSchema):
    accept: bool
    answer: str = Field("", max_length=2000)


def _session(request, slug: str):
    session = get_or_404(selectors.session_detail, user=request.user, slug=slug)
    if not can_see_details(request.user, session):
        raise Http404
    return session


@router.get("/sessions", response=list[SessionOut])
def list_sessions(request):
    return list(selectors.session_list(user=request.user))


@router.get("/sessions/{slug}", response=SessionOut)
def get_session(request, slug: str):
    return get_or_404(selectors.session_detail, user=request.user, slug=slug)


@router.get("/sessions/{slug}/requests", response=list[RequestOut])
def list_requests(request, slug: str):
    session = _session(request, slug)
    rows = list(selectors.requests_for(user=request.user, session=session).select_related("session"))
    placements = selectors.reader_placements(session, request.user)
    for row in rows:
        row.placements = placements
    return rows


@router.get("/sessions/{slug}/meetings", response=list[MeetingOut])
def list_meetings(request, slug: str):
    session = _session(request, slug)
    times = {st.number: st for st in selectors.slot_times(session)}
    if is_staff(request.user):
        qs = list(selectors.meetings_of(session))
    else:
        # What the reader may see: the published version (selectors.reader_placements).
        own = Organisation.objects.get(pk=member_organisation_id(request.user))
        qs = [i.meeting for i in selectors.agenda_for(session, own, request.user).meetings]
    return [
        {
            "request": m.request.slug,
            "slot": m.slot,
            "table": m.table,
            "start": times[m.slot].start,
            "end": times[m.slot].end,
            "requester": link(m.request.requester, {"request": request}),
            "requested": link(m.request.requested, {"request": request}),
        }
        for m in qs
        if m.slot in times
    ]


@router.post("/requests/{reference}/answer", response=RequestOut, auth=write_auth)
def answer_request(request, reference: str, payload: AnswerIn):
    meeting_request = (
        MeetingRequest.objects.select_related("session", "requester", "requested").filter(slug=reference).first()
    )
    if meeting_request is None or not can_see_request(request.user, meeting_request):
        raise Http404
    try:
        return services.request_answer(
            request=meeting_request, accept=payload.accept, answer=payload.answer, user=request.user
        )
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc
    except ValidationError as exc:
        raise HttpError(409, " ".join(exc.messages)) from exc


class PreferenceOut(Schema):
    organisation: str
    other: str
    kind: str

    @staticmethod
    def resolve_organisation(obj) -> str:
        return obj.organisation.slug

    @staticmethod
    def resolve_other(obj) -> str:
        return obj.other.slug


class PreferenceIn(Schema):
    other: str = Field(max_length=200)
    kind: str = Field(description='"must", "would_like", "do_not", or "" to remove the preference', max_length=20)
    organisation: str = Field("", description="staff only: whose preference (default: one's own)", max_length=200)


def _acting_organisation(request, named: str, missing: str) -> Organisation:
    """Staff act for the organisation they name; members for their own (a name they give is ignored)."""
    if named and is_staff(request.user):
        organisation = Organisation.objects.filter(slug=named).first()
    else:
        org_id = member_organisation_id(request.user)
        organisation = Organisation.objects.filter(pk=org_id).first() if org_id is not None else None
    if organisation is None:
        raise HttpError(403 if not is_staff(request.user) else 422, missing)
    return organisation


@router.get("/sessions/{slug}/preferences", response=list[PreferenceOut])
def list_preferences(request, slug: str):
    """Staff: every participant's preferences; members: their own organisation's."""
    session = _session(request, slug)
    qs = MeetingPreference.objects.filter(session=session).select_related("organisation", "other")
    if not is_staff(request.user):
        qs = qs.filter(organisation_id=member_organisation_id(request.user))
    return list(qs)


@router.post("/sessions/{slug}/preferences", response={200: PreferenceOut, 204: None}, auth=write_auth)
def set_preference(request, slug: str, payload: PreferenceIn):
    session = _session(request, slug)
    organisation = _acting_organisation(request, payload.organisation, "Name an organisation that takes part.")
    other = Organisation.objects.filter(slug=payload.other).first()
    if other is None:
        raise HttpError(422, "Unknown organisation.")
    try:
        preference = services.preference_set(
            session=session, organisation=organisation, other=other, kind=payload.kind, user=request.user
        )
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc
    except ValidationError as exc:
        raise HttpError(422, " ".join(exc.messages)) from exc
    return (204, None) if preference is None else preference


class MeetingRecordIn(Schema):
    outcome: str | None = None
    note: str = ""
    attendance: str | None = None


class MeetingRecordOut(Schema):
    reference: str
    attendance: str
    outcome: str
    outcome_note: str
    agreement: str

    @staticmethod
    def resolve_reference(obj) -> str:
        return obj.request.slug

    @staticmethod
    def resolve_agreement(obj) -> str:
        return obj.agreement.slug if obj.agreement_id else ""


@router.post("/meetings/{reference}/record", response=MeetingRecordOut, auth=write_auth)
def record_meeting(request, reference: str, payload: MeetingRecordIn):
    """Attendance and/or outcome of a scheduled meeting (``reference``: its request's), by either side or
    staff. Outcome ``agreement`` starts a draft agreement between the two organisations (its slug is
    returned)."""
    meeting = Meeting.objects.select_related("request", "session", "agreement").filter(request__slug=reference).first()
    if meeting is None or not can_see_request(request.user, meeting.request):
        raise Http404
    try:
        if payload.attendance is not None:
            meeting = services.meeting_check_in(meeting=meeting, attendance=payload.attendance, user=request.user)
        if payload.outcome is not None:
            meeting = services.meeting_record_outcome(
                meeting=meeting, outcome=payload.outcome, note=payload.note[:500], user=request.user
            )
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc
    except ValidationError as exc:
        raise HttpError(400, " ".join(exc.messages)) from exc
    return meeting


# Registrations -------------------------------------------------------------------------------------


class RegistrationOut(Schema):
    reference: str
    session: str
    organisation: str
    group: str
    status: str
    note: str
    decision_note: str
    created: datetime
    decided_at: datetime | None

    @staticmethod
    def resolve_session(obj) -> str:
        return obj.session.slug

    @staticmethod
    def resolve_organisation(obj) -> str:
        return obj.organisation.slug


class RegistrationIn(InputSchema):
    note: str = Field("", max_length=500)
    organisation: str = Field("", description="staff only: the organisation they register", max_length=200)


class DecisionIn(InputSchema):
    approve: bool
    note: str = Field("", max_length=500)


def _visible_session(request, slug: str):
    return get_or_404(selectors.session_detail, user=request.user, slug=slug)


def _registration(request, reference: str) -> SessionRegistration:
    registration = (
        SessionRegistration.objects.select_related("session", "organisation").filter(reference=reference).first()
    )
    if registration is None or not (
        is_staff(request.user) or member_organisation_id(request.user) == registration.organisation_id
    ):
        raise Http404
    return registration


def _write(call):
    """A service call with its refusals as HTTP answers: 403 not allowed, 409 not possible now."""
    try:
        return call()
    except PermissionDenied as exc:
        raise HttpError(403, str(exc) or "Not allowed.") from exc
    except ValidationError as exc:
        raise HttpError(409, " ".join(exc.messages)) from exc


@router.get("/sessions/{slug}/registrations", response=list[RegistrationOut])
def list_registrations(request, slug: str):
    """Staff: every registration of the session; members: their own organisation's."""
    session = _visible_session(request, slug)
    return list(selectors.registrations_for(user=request.user, session=session).select_related("session"))


@router.post("/sessions/{slug}/registrations", response={201: RegistrationOut}, auth=write_auth)
def register(request, slug: str, payload: RegistrationIn):
    """Register one's organisation (staff: the one named) for a session that takes registrations."""
    session = _visible_session(request, slug)
    organisation = _acting_organisation(request, payload.organisation, "Name an organisation to register.")
    registration = _write(
        lambda: participation.session_register(
            session=session, organisation=organisation, user=request.user, note=payload.note
        )
    )
    return Status(201, registration)


@router.post("/registrations/{reference}/decision", response=RegistrationOut, auth=write_auth)
def decide_registration(request, reference: str, payload: DecisionIn):
    registration = _registration(request, reference)
    return _write(
        lambda: participation.registration_decide(
            registration=registration, approve=payload.approve, user=request.user, note=payload.note
        )
    )


@router.post("/registrations/{reference}/withdraw", response=RegistrationOut, auth=write_auth)
def withdraw_registration(request, reference: str):
    registration = _registration(request, reference)
    return _write(lambda: participation.registration_withdraw(registration=registration, user=request.user))


# Draft, review, publish ----------------------------------------------------------------------------


class ChangeOut(Schema):
    change: str = Field(description='"moved", "added" or "dropped"')
    request: str
    requester: str
    requested: str
    published_slot: int | None
    published_table: int | None
    slot: int | None
    table: int | None


class ChangesOut(Schema):
    published_version: int | None
    changes: list[ChangeOut]


def _change_rows(changes: list[selectors.Change]) -> list[dict]:
    return [
        {
            "change": c.kind,
            "request": c.request.slug,
            "requester": c.request.requester.slug,
            "requested": c.request.requested.slug,
            "published_slot": c.before[0] if c.before else None,
            "published_table": c.before[1] if c.before else None,
            "slot": c.after[0] if c.after else None,
            "table": c.after[1] if c.after else None,
        }
        for c in changes
    ]


def _staff_session(request, slug: str):
    if not is_staff(request.user):
        raise HttpError(403, "Programme staff only.")
    return _visible_session(request, slug)


@router.get("/sessions/{slug}/changes", response=ChangesOut)
def schedule_changes(request, slug: str):
    """Staff: the draft schedule against the last published version."""
    session = _staff_session(request, slug)
    publication = selectors.last_publication(session)
    return {
        "published_version": publication.number if publication else None,
        "changes": _change_rows(selectors.changes(session, publication) or []),
    }


@router.post("/sessions/{slug}/publish", response=ChangesOut, auth=write_auth)
def publish_schedule(request, slug: str):
    """Staff publish the draft: the first version tells every participant, later ones only those a change
    concerns. Answers with what this publication changed."""
    session = _staff_session(request, slug)
    publication = selectors.last_publication(session)
    diff = selectors.changes(session, publication) or []
    _write(lambda: services.session_publish(session=session, user=request.user))
    return {
        "published_version": getattr(selectors.last_publication(session), "number", None),
        "changes": _change_rows(diff),
    }


class PlacementIn(InputSchema):
    request: str = Field(max_length=80)
    slot: int = Field(ge=1, le=96)
    table: int = Field(ge=1, le=500)
    force: bool = Field(False, description="place despite the checker's warnings")


class PlacementOut(Schema):
    request: str
    slot: int
    table: int
    warnings: list[str]


@router.post("/sessions/{slug}/placements", response=PlacementOut, auth=write_auth)
def place_meeting(request, slug: str, payload: PlacementIn):
    """Staff place or move an accepted request by hand. What the checker warns about answers 409 with the
    warnings, unless ``force``; a taken table never goes through."""
    session = _staff_session(request, slug)
    meeting_request = MeetingRequest.objects.filter(session=session, slug=payload.request).first()
    if meeting_request is None:
        raise Http404
    try:
        meeting, warnings = publishing.meeting_place(
            session=session,
            request=meeting_request,
            slot=payload.slot,
            table=payload.table,
            user=request.user,
            force=payload.force,
        )
    except publishing.PlacementConflict as conflict:
        raise HttpError(409, " ".join(conflict.warnings)) from conflict
    except ValidationError as exc:
        raise HttpError(409, " ".join(exc.messages)) from exc
    return {"request": meeting_request.slug, "slot": meeting.slot, "table": meeting.table, "warnings": warnings}


class RepresentativesIn(InputSchema):
    organisation: str = Field(max_length=200)
    people: list[str] = Field(description="user names of the organisation's members", max_length=50)


class RepresentativesOut(Schema):
    request: str
    organisation: str
    people: list[str]


@router.post("/meetings/{reference}/representatives", response=RepresentativesOut, auth=write_auth)
def set_representatives(request, reference: str, payload: RepresentativesIn):
    """Who goes to a meeting for one side (replaces the list): members for their own organisation, staff
    for either side."""
    meeting_request = MeetingRequest.objects.filter(slug=reference).first()
    if meeting_request is None or not can_see_request(request.user, meeting_request):
        raise Http404
    organisation = Organisation.objects.filter(slug=payload.organisation).first()
    if organisation is None:
        raise HttpError(422, "Unknown organisation.")
    names = list(dict.fromkeys(payload.people))
    people = list(User.objects.filter(username__in=names))
    if len(people) != len(names):
        raise HttpError(422, "Unknown people: " + ", ".join(sorted(set(names) - {p.username for p in people})))
    chosen = _write(
        lambda: publishing.representatives_set(
            request=meeting_request, organisation=organisation, people=people, user=request.user
        )
    )
    return {"request": meeting_request.slug, "organisation": organisation.slug, "people": [p.username for p in chosen]}

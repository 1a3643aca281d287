"""Writes for sessions, participants, meeting requests and preferences, outcomes and travel legs.

Scheduling a session is ``innobridge.meetings.scheduling``; importing requests from a sheet is
``innobridge.meetings.imports``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any, TypedDict, Unpack

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from innobridge.accounts.models import Notice
from innobridge.accounts.permissions import member_organisation_id
from innobridge.audit import bulk as audited
from innobridge.directory.membership import notify_organisation
from innobridge.directory.models import Organisation, Place
from innobridge.lib.services import NameFields, atomic
from innobridge.matching.models import TechnologyNeed, TechnologyOffer
from innobridge.meetings import publishing
from innobridge.meetings.models import (
    MatchmakingSession,
    Meeting,
    MeetingPreference,
    MeetingRequest,
    SessionParticipant,
    SessionRegistration,
    TravelLeg,
)
from innobridge.meetings.participation import check_request_rules, group_of
from innobridge.meetings.permissions import TAKES_REQUESTS, can_answer, can_cancel, can_state_preference
from innobridge.programmes.models import Agreement, Delegation, Event
from innobridge.programmes.services import agreement_save

ACTIVE = (MeetingRequest.Status.PENDING, MeetingRequest.Status.ACCEPTED)
# Without Django's types, mypy reads a TextChoices member as its (value, label) tuple.
Preference: Any = MeetingRequest.Preference
Source: Any = MeetingRequest.Source
Status: Any = MeetingRequest.Status


class SessionFields(NameFields, total=False):
    """The fields of a matchmaking session that ``session_save`` sets as given."""

    delegation: Delegation | None
    event: Event | None
    place: Place
    venue: str
    date: date
    start_time: time
    slot_minutes: int
    slots: int
    morning_slots: int
    lunch_minutes: int
    tables: int
    fairness: int | None
    request_expiry_hours: int | None
    registration: str
    visitor_quota: int | None
    local_quota: int | None
    who_meets: str
    time_zone: str
    status: str
    visibility: str


class TravelLegFields(TypedDict, total=False):
    """The fields of a travel leg that ``travel_leg_save`` sets as given."""

    delegation: Delegation
    from_place: Place
    to_place: Place
    depart: datetime
    minutes: int
    mode: str
    note: str


# Sessions and participants -------------------------------------------------------------------------


@atomic
def session_save(
    *, session: MatchmakingSession | None = None, user: User | None = None, **fields: Unpack[SessionFields]
) -> MatchmakingSession:
    session = session or MatchmakingSession(created_by=user)
    for key, value in fields.items():
        setattr(session, key, value)
    session.fill_name_variants()
    session.ensure_slug()
    if session.morning_slots is not None and session.slots is not None and session.morning_slots > session.slots:
        raise ValidationError({"morning_slots": _("The morning cannot have more slots than the whole session.")})
    session.full_clean()
    session.save()
    session.refresh_search_key()
    MatchmakingSession.objects.filter(pk=session.pk).update(search_key=session.search_key)
    return session


def _check_slots(session: MatchmakingSession, slots: Iterable[int]) -> list[int]:
    out = sorted({int(s) for s in slots})
    bad = [s for s in out if not 1 <= s <= session.slots]
    if bad:
        raise ValidationError(
            _("Slots must be between 1 and %(n)d; got %(bad)s.") % {"n": session.slots, "bad": ", ".join(map(str, bad))}
        )
    return out


def participant_add(
    *, session: MatchmakingSession, organisation: Organisation, unavailable_slots: Iterable[int] | None = None
) -> SessionParticipant:
    participant, created = SessionParticipant.objects.get_or_create(session=session, organisation=organisation)
    if created and session.delegation_id:
        participant.group = group_of(session, organisation)
        participant.save(update_fields=["group"])
    if unavailable_slots is not None:
        participant.unavailable_slots = _check_slots(session, unavailable_slots)
        participant.save(update_fields=["unavailable_slots"])
    return participant


@atomic
def participant_remove(*, session: MatchmakingSession, organisation: Organisation) -> None:
    # The session lock orders this against a request being made for the organisation meanwhile.
    MatchmakingSession.objects.select_for_update().filter(pk=session.pk).first()
    if MeetingRequest.objects.filter(session=session, status__in=ACTIVE).filter(
        Q(requester=organisation) | Q(requested=organisation)
    ):
        raise ValidationError(_("This organisation still has open or accepted requests in the session."))
    SessionParticipant.objects.filter(session=session, organisation=organisation).delete()
    # Its registration ends with it, so the organisation may register again.
    SessionRegistration.objects.filter(
        session=session, organisation=organisation, status__in=["pending", "approved"]
    ).update(status=SessionRegistration.Status.WITHDRAWN)


# Requests ------------------------------------------------------------------------------------------


def pair_q(a: Organisation, b: Organisation) -> Q:
    return Q(requester=a, requested=b) | Q(requester=b, requested=a)


def request_create(
    *,
    session: MatchmakingSession,
    requester: Organisation,
    requested: Organisation,
    priority: int = 2,
    preference: str = Preference.ANY,
    source: str = Source.PARTICIPANT,
    offer: TechnologyOffer | None = None,
    need: TechnologyNeed | None = None,
    fixed_slot: int | None = None,
    after: Sequence[MeetingRequest] = (),
    note: str = "",
    status: str = Status.PENDING,
    user: User | None = None,
) -> MeetingRequest:
    """A request between two organisations; both become participants of the session.

    One open or accepted request per pair and session, whichever side asked first.
    """
    if requester.pk == requested.pk:
        raise ValidationError(_("An organisation cannot request a meeting with itself."))
    by_participant = source in (MeetingRequest.Source.PARTICIPANT, MeetingRequest.Source.SUGGESTION)
    if by_participant and session.status not in TAKES_REQUESTS:
        raise ValidationError(_("This session does not take requests now."))
    if fixed_slot is not None and not 1 <= fixed_slot <= session.slots:
        raise ValidationError(_("The fixed slot must be between 1 and %(n)d.") % {"n": session.slots})
    if by_participant:
        preference_check_request(session=session, requester=requester, requested=requested)
    requests_expire(session=session)
    with transaction.atomic():
        # Lock the session: with no request yet for the pair there is no row to lock, and two
        # parallel posts would both pass the check (the unique constraint is the last guard).
        MatchmakingSession.objects.select_for_update().filter(pk=session.pk).first()
        existing = (
            MeetingRequest.objects.filter(session=session, status__in=ACTIVE)
            .filter(pair_q(requester, requested))
            .first()
        )
        if existing:
            raise ValidationError(
                _("%(a)s and %(b)s already have a request in this session (%(status)s).")
                % {"a": existing.requester, "b": existing.requested, "status": existing.get_status_display()}
            )
        if by_participant:
            check_request_rules(session=session, requester=requester, requested=requested)
        if by_participant and status == MeetingRequest.Status.PENDING:
            for org in (requester, requested):
                _check_free_slots(session, org)
        request = MeetingRequest(
            session=session,
            requester=requester,
            requested=requested,
            priority=priority,
            preference=preference,
            source=source,
            offer=offer,
            need=need,
            fixed_slot=fixed_slot,
            note=(note or "").strip(),
            status=status,
            created_by=user,
        )
        if status == MeetingRequest.Status.ACCEPTED:
            request.answered_by, request.answered_at = user, timezone.now()
        request.full_clean(exclude=["slug"], validate_constraints=False)
        try:
            with transaction.atomic():
                request.save()
        except IntegrityError as exc:
            raise ValidationError(_("These two organisations already have a request in this session.")) from exc
        if after:
            if any(a.session_id != session.pk for a in after):
                raise ValidationError(_("Orders can only name requests of the same session."))
            request.after.set(after)
        for org in (requester, requested):
            participant_add(session=session, organisation=org)
    return request


def _check_free_slots(session: MatchmakingSession, organisation: Organisation) -> None:
    """A participant asks for, or is asked for, at most as many meetings as it has free slots.

    Pending requests hold a slot too, until they are answered or expire.
    """
    participant = session.participants.filter(organisation=organisation).first()
    unavailable = len(set(participant.unavailable_slots)) if participant else 0
    free = session.slots - unavailable
    held = session.requests.filter(status__in=ACTIVE).filter(Q(requester=organisation) | Q(requested=organisation))
    if held.count() >= free:
        raise ValidationError(
            _(
                "%(org)s has no free slot left in this session: %(n)d requests are pending or accepted for "
                "%(free)d slots."
            )
            % {"org": organisation, "n": held.count(), "free": free}
        )


def requests_expire(*, session: MatchmakingSession | None = None, now: datetime | None = None) -> int:
    """Pending requests older than their session's expiry lapse as *expired*, freeing both sides' slots.

    Sessions without an expiry keep their requests pending. Returns how many expired.
    """
    now = now or timezone.now()
    sessions = MatchmakingSession.objects.exclude(request_expiry_hours__isnull=True)
    if session is not None:
        sessions = sessions.filter(pk=session.pk)
    expired = 0
    for s in sessions.only("pk", "request_expiry_hours"):
        stale = MeetingRequest.objects.filter(
            session=s,
            status=MeetingRequest.Status.PENDING,
            created__lt=now - timedelta(hours=s.request_expiry_hours),
        )
        expired += audited.update(stale, status=MeetingRequest.Status.EXPIRED)
    return expired


def request_answer(*, request: MeetingRequest, accept: bool, user: User, answer: str = "") -> MeetingRequest:
    """The requested side (its members, or staff) accepts or declines; only a pending request can be answered."""
    if not can_answer(user, request):
        raise PermissionDenied(_("Only the requested organisation or staff can answer this request."))
    requests_expire(session=request.session)
    with transaction.atomic():
        request = MeetingRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != MeetingRequest.Status.PENDING:
            raise ValidationError(_("This request has already been answered."))
        request.status = MeetingRequest.Status.ACCEPTED if accept else MeetingRequest.Status.DECLINED
        request.answer = (answer or "").strip()
        request.answered_by = user
        request.answered_at = timezone.now()
        request.save()
    return request


def request_cancel(*, request: MeetingRequest, user: User) -> MeetingRequest:
    """Either side or staff cancels; a scheduled meeting is freed (reschedule to close the gap)."""
    if not can_cancel(user, request):
        raise PermissionDenied(_("Only the two organisations or staff can cancel this request."))
    with transaction.atomic():
        request = MeetingRequest.objects.select_for_update().get(pk=request.pk)
        if request.status not in ACTIVE:
            raise ValidationError(_("Only a pending or accepted request can be cancelled."))
        request.status = MeetingRequest.Status.CANCELLED
        request.save()
        Meeting.objects.filter(request=request).delete()
        session = request.session
        publication = session.publications.order_by("-number").first()
        if publication is not None and any(entry[0] == request.pk for entry in publication.entries):
            # A published meeting is off: both sides hear it now, not at the next publication.
            for org in (request.requester, request.requested):
                notify_organisation(
                    organisation=org,
                    kind=str(Notice.Kind.AGENDA),
                    words=partial(_cancelled_words, session, request, org),
                    url_name="meetings:agenda",
                    url_kwargs={"slug": session.slug, "org_slug": org.slug},
                    exclude=user,
                )
    return request


def _cancelled_words(session: MatchmakingSession, request: MeetingRequest, org: Organisation) -> tuple[str, str]:
    other = request.requested if request.requester_id == org.pk else request.requester
    return (
        _("Your agenda for %(session)s has changed") % {"session": str(session)},
        _("Your meeting with %(organisation)s is cancelled.") % {"organisation": other.name},
    )


# Preferences ---------------------------------------------------------------------------------------


def preference_set(
    *, session: MatchmakingSession, organisation: Organisation, other: Organisation, kind: str, user: User | None = None
) -> MeetingPreference | None:
    """Record ``organisation``'s wish about meeting ``other`` in ``session``; an empty ``kind`` removes it.

    Both must be participants; members state their own organisation's wishes, staff anyone's. A
    refused wish changes nothing.
    """
    if user is not None and not can_state_preference(user, session, organisation):
        raise PermissionDenied(_("Only members of the organisation, or staff, state its meeting preferences."))
    if organisation.pk == other.pk:
        raise ValidationError(_("An organisation cannot state a preference about itself."))
    if kind and kind not in MeetingPreference.Kind.values:
        raise ValidationError(_("Unknown preference “%(value)s”.") % {"value": kind})
    registered = set(
        session.participants.filter(organisation__in=[organisation, other]).values_list("organisation_id", flat=True)
    )
    if registered != {organisation.pk, other.pk}:
        raise ValidationError(_("Both organisations must take part in the session."))
    with transaction.atomic():
        if not kind:
            MeetingPreference.objects.filter(session=session, organisation=organisation, other=other).delete()
            return None
        preference, _created = MeetingPreference.objects.update_or_create(
            session=session, organisation=organisation, other=other, defaults={"kind": kind, "created_by": user}
        )
    return preference


def preference_check_request(*, session: MatchmakingSession, requester: Organisation, requested: Organisation) -> None:
    """A participant cannot ask to meet an organisation that does not want to meet it (nor one it refused)."""
    refused = session.preferences.filter(kind=MeetingPreference.Kind.DO_NOT).filter(
        Q(organisation=requester, other=requested) | Q(organisation=requested, other=requester)
    )
    if refused.exists():
        raise ValidationError(
            _("%(a)s and %(b)s will not be scheduled together: one of them does not want to meet the other.")
            % {"a": requester, "b": requested}
        )


def _outcome_words(meeting: Meeting, other: Organisation) -> tuple[str, str]:
    return (
        _("Outcome of your meeting with %(organisation)s: %(outcome)s")
        % {"organisation": other.name, "outcome": meeting.get_outcome_display()},
        meeting.outcome_note,
    )


def _tomorrow_words(session: MatchmakingSession) -> tuple[str, str]:
    return (
        _("Tomorrow: %(session)s") % {"session": str(session)},
        _("Your agenda for tomorrow is on its page, and in your calendar."),
    )


def _outcome_due_words(session: MatchmakingSession) -> tuple[str, str]:
    return (
        _("What came of your meetings at %(session)s?") % {"session": str(session)},
        _("Record each meeting's outcome on your agenda page; it takes a minute."),
    )


def session_publish(
    *, session: MatchmakingSession, publish: bool = True, user: User | None = None
) -> MatchmakingSession:
    """Publish the draft schedule (see ``publishing.publish``: who is told what), or take it back to draft."""
    if publish:
        publishing.publish(session=session, user=user)
    else:
        session.status = MatchmakingSession.Status.SCHEDULED
        session.save(update_fields=["status", "last_updated"])
    session.refresh_from_db()
    return session


@atomic
def meeting_record_outcome(*, meeting: Meeting, outcome: str, note: str = "", user: User | None = None) -> Meeting:
    """What came of a meeting that took place: the funnel's *follow-up* stage counts ``follow_up`` and
    ``agreement``. "Agreement in preparation" starts a draft agreement in the pipeline between the two
    organisations, linked to the meeting (once: the meeting row is locked, and a second recording reuses
    it). The other side's members are told.

    Either side of the meeting or staff may record it; an unknown outcome is refused and changes nothing.
    """
    if user is not None and not can_cancel(user, meeting.request):
        raise PermissionDenied(_("Only the two organisations that met, or staff, record a meeting's outcome."))
    if outcome not in Meeting.Outcome.values:
        raise ValidationError(_("Unknown meeting outcome “%(value)s”.") % {"value": outcome})
    meeting = (
        # Only the meeting row is locked: PostgreSQL refuses to lock the nullable side of an outer join.
        Meeting.objects.select_for_update(of=("self",))
        .select_related("request__requester", "request__requested", "session__delegation", "session__event")
        .get(pk=meeting.pk)
    )
    meeting.outcome = outcome
    meeting.outcome_note = note.strip()
    meeting.full_clean()
    if outcome == Meeting.Outcome.AGREEMENT and meeting.agreement_id is None:
        meeting.agreement = _draft_agreement(meeting)
    meeting.save(update_fields=["outcome", "outcome_note", "agreement"])
    if outcome:
        _tell_the_other_side(meeting, user)
    return meeting


def _draft_agreement(meeting: Meeting) -> Agreement:
    session = meeting.session
    programme = (session.delegation and session.delegation.programme) or (session.event and session.event.programme)
    if programme is None:
        raise ValidationError(
            _("This session belongs to no programme, so no draft agreement can be started from it. Ask staff.")
        )
    a, b = meeting.request.requester, meeting.request.requested
    names = {}
    for field, lang in (("name_en", "en"), ("name_zh_hant", "zh-hant"), ("name_zh_hans", "zh-hans")):
        with translation.override(lang):
            names[field] = _("%(a)s and %(b)s (from %(session)s)") % {
                "a": a.name_for(lang),
                "b": b.name_for(lang),
                "session": session.name_for(lang),
            }
    return agreement_save(
        parties=[(a, "", None), (b, "", None)],
        kind=str(Agreement.Kind.COOPERATION),
        status=str(Agreement.Status.DRAFT),
        programme=programme,
        delegation=session.delegation,
        visibility="confidential",
        scope=meeting.outcome_note,
        **names,
    )


def _tell_the_other_side(meeting: Meeting, user: User | None) -> None:
    """The organisations that met, but the one whose member recorded the outcome, hear of it."""
    acting = member_organisation_id(user) if user is not None else None
    request = meeting.request
    for org, other in ((request.requester, request.requested), (request.requested, request.requester)):
        if org.pk == acting:
            continue
        notify_organisation(
            organisation=org,
            kind=str(Notice.Kind.OUTCOME),
            words=partial(_outcome_words, meeting, other),
            url_name="meetings:agenda",
            url_kwargs={"slug": meeting.session.slug, "org_slug": org.slug},
            exclude=user,
        )


def meeting_check_in(*, meeting: Meeting, attendance: str, user: User | None = None) -> Meeting:
    """On the day: attended, no-show or moved. Either side of the meeting or staff record it."""
    if user is not None and not can_cancel(user, meeting.request):
        raise PermissionDenied(_("Only the two organisations that meet, or staff, record attendance."))
    if attendance not in Meeting.Attendance.values:
        raise ValidationError(_("Unknown attendance “%(value)s”.") % {"value": attendance})
    meeting.attendance = attendance
    meeting.save(update_fields=["attendance"])
    return meeting


@dataclass
class MeetingReminders:
    sessions_tomorrow: int = 0
    outcomes_due: int = 0


def meeting_reminders(*, today: date, outcome_days: int = 7) -> MeetingReminders:
    """The day before a published session, every participant's members are reminded of their agenda;
    after it (within ``outcome_days``), the two organisations of a meeting without an outcome are asked for
    one. Each reminder reaches a user once (keyed notices), however often the daily job runs."""
    result = MeetingReminders()
    published = MatchmakingSession.objects.filter(status=MatchmakingSession.Status.PUBLISHED)
    for session in published.filter(date=today + timedelta(days=1)):
        result.sessions_tomorrow += 1
        for participant in session.participants.select_related("organisation"):
            org = participant.organisation
            notify_organisation(
                organisation=org,
                kind=str(Notice.Kind.REMINDER),
                words=partial(_tomorrow_words, session),
                url_name="meetings:agenda",
                url_kwargs={"slug": session.slug, "org_slug": org.slug},
                key=f"session-reminder:{session.pk}:{org.pk}",
            )
    recent = published.filter(date__lt=today, date__gte=today - timedelta(days=outcome_days))
    due = (
        Meeting.objects.filter(session__in=recent, outcome="")
        .exclude(attendance=Meeting.Attendance.NO_SHOW)
        .select_related("session", "request__requester", "request__requested")
    )
    asked: set[tuple[int, int]] = set()
    for meeting in due:
        for org in (meeting.request.requester, meeting.request.requested):
            if (meeting.session_id, org.pk) in asked:
                continue
            asked.add((meeting.session_id, org.pk))
            result.outcomes_due += 1
            notify_organisation(
                organisation=org,
                kind=str(Notice.Kind.OUTCOME),
                words=partial(_outcome_due_words, meeting.session),
                url_name="meetings:agenda",
                url_kwargs={"slug": meeting.session.slug, "org_slug": org.slug},
                key=f"outcome-due:{meeting.session_id}:{org.pk}",
            )
    return result


# Travel legs ---------------------------------------------------------------------------------------


def travel_leg_save(*, leg: TravelLeg | None = None, **fields: Unpack[TravelLegFields]) -> TravelLeg:
    leg = leg or TravelLeg()
    for key, value in fields.items():
        setattr(leg, key, value)
    if leg.from_place_id and leg.from_place_id == leg.to_place_id:
        raise ValidationError(_("A travel leg goes between two different places."))
    leg.full_clean()
    leg.save()
    return leg


def travel_leg_delete(*, leg: TravelLeg) -> None:
    leg.delete()

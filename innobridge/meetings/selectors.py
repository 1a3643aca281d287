"""Reads for sessions, requests, schedules and delegation plans, filtered by what the user may see."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Q, QuerySet

from innobridge.accounts.permissions import is_staff, member_organisation_id
from innobridge.directory.models import Organisation, Place
from innobridge.meetings.models import (
    MatchmakingSession,
    Meeting,
    MeetingPreference,
    MeetingRepresentative,
    MeetingRequest,
    SchedulePublication,
    ScheduleRun,
    SessionParticipant,
    SessionRegistration,
    TravelLeg,
)
from innobridge.meetings.permissions import TAKES_REQUESTS, can_see_travel, sessions_q
from innobridge.programmes.models import Delegation
from innobridge.programmes.selectors import events_for_delegation, events_visible


def sessions_visible(user: User | AnonymousUser) -> QuerySet[MatchmakingSession]:
    return MatchmakingSession.objects.filter(sessions_q(user)).distinct()


def session_list(*, user: User | AnonymousUser) -> QuerySet[MatchmakingSession]:
    return (
        sessions_visible(user)
        .select_related("place", "delegation", "event")
        .annotate(
            n_meetings=Count("meetings", distinct=True),
            n_participants=Count("participants", distinct=True),
        )
        .order_by("-date", "start_time", "slug")
    )


def calendar_of(*, user: User) -> tuple[Organisation | None, list[MatchmakingSession], list]:
    """What a user's calendar feed holds: their organisation, the published sessions it takes part in, and
    the dated events the user may see of the delegations it belongs to or that it takes part in."""
    org_id = member_organisation_id(user)
    if org_id is None:
        return None, [], []
    organisation = Organisation.objects.get(pk=org_id)
    sessions = list(
        sessions_visible(user)
        .filter(participants__organisation_id=org_id)
        # Published, or being changed after a publication (the feed then holds the published version).
        .filter(Q(status=MatchmakingSession.Status.PUBLISHED) | Q(publications__isnull=False))
        .distinct()
        .select_related("place")
        .order_by("date", "start_time")
    )
    events = list(
        events_visible(user)
        .filter(Q(delegation__delegationmember__organisation_id=org_id) | Q(participants__organisation_id=org_id))
        .select_related("place")
        .distinct()
        .order_by("date", "pk")[:1000]
    )
    return organisation, sessions, events


def session_detail(*, user: User | AnonymousUser, slug: str) -> MatchmakingSession:
    return sessions_visible(user).select_related("place", "delegation", "event").get(slug=slug)


def open_sessions_for(*, user: User | AnonymousUser) -> list[MatchmakingSession]:
    """Sessions the user's organisation takes part in that take requests now."""
    org_id = member_organisation_id(user)
    if org_id is None:
        return []
    return list(
        MatchmakingSession.objects.filter(status__in=TAKES_REQUESTS, participants__organisation_id=org_id)
        .select_related("place")
        .distinct()
        .order_by("date", "pk")
    )


def requests_for(*, user: User | AnonymousUser, session: MatchmakingSession) -> QuerySet[MeetingRequest]:
    qs = session.requests.select_related("requester", "requested", "meeting", "offer", "need").order_by(
        "status", "-priority", "created", "pk"
    )
    if is_staff(user):
        return qs
    org_id = member_organisation_id(user)
    if org_id is None:
        return qs.none()
    return qs.filter(Q(requester_id=org_id) | Q(requested_id=org_id))


def requests_of_user(*, user: User | AnonymousUser) -> QuerySet[MeetingRequest]:
    """Every request of the user's organisation, across sessions (staff: all)."""
    qs = MeetingRequest.objects.select_related("session", "requester", "requested", "meeting")
    if is_staff(user):
        return qs.order_by("-created")
    org_id = member_organisation_id(user)
    if org_id is None:
        return qs.none()
    return qs.filter(Q(requester_id=org_id) | Q(requested_id=org_id)).order_by("-created")


def latest_run(session: MatchmakingSession) -> ScheduleRun | None:
    return session.runs.order_by("-created", "-pk").first()


@dataclass
class SlotTime:
    number: int
    start: datetime
    end: datetime
    morning: bool

    @property
    def label(self) -> str:
        """Local clock times in the session's own time zone, whatever the server's is."""
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


def slot_times(session: MatchmakingSession) -> list[SlotTime]:
    """Local start and end of each slot; the lunch break sits between morning and afternoon."""
    tz = ZoneInfo(session.time_zone)
    first = datetime.combine(session.date, session.start_time, tzinfo=tz)
    step = timedelta(minutes=session.slot_minutes)
    out = []
    for n in range(1, session.slots + 1):
        start = first + step * (n - 1)
        if n > session.morning_slots:
            start += timedelta(minutes=session.lunch_minutes)
        out.append(SlotTime(n, start, start + step, n <= session.morning_slots))
    return out


def meetings_of(session: MatchmakingSession) -> QuerySet[Meeting]:
    return session.meetings.select_related("request__requester", "request__requested").order_by("slot", "table")


@dataclass
class GridRow:
    slot: SlotTime
    cells: list[Meeting | None]


def grid(session: MatchmakingSession) -> tuple[list[int], list[GridRow]]:
    """Slots by tables; a table number above ``tables`` appears only if the data holds one."""
    meetings = list(meetings_of(session))
    width = max([session.tables] + [m.table for m in meetings])
    by_cell = {(m.slot, m.table): m for m in meetings}
    rows = [GridRow(st, [by_cell.get((st.number, t)) for t in range(1, width + 1)]) for st in slot_times(session)]
    return list(range(1, width + 1)), rows


@dataclass
class AgendaItem:
    slot: SlotTime
    meeting: Meeting | None
    other: Organisation | None
    table: int | None
    unavailable: bool = False
    representatives: list = field(default_factory=list)  # MeetingRepresentative rows, both sides


@dataclass
class Agenda:
    organisation: Organisation
    items: list[AgendaItem]
    unscheduled: list[MeetingRequest] = field(default_factory=list)

    @property
    def meetings(self) -> list[AgendaItem]:
        return [i for i in self.items if i.meeting]


def _agenda(
    organisation: Organisation,
    times: list[SlotTime],
    meetings: list[Meeting],
    unavailable: Collection[int],
    unscheduled: Iterable[MeetingRequest],
) -> Agenda:
    by_slot: dict[int, Meeting] = {}
    for m in meetings:
        r = m.request
        if organisation.pk in (r.requester_id, r.requested_id):
            by_slot[m.slot] = m
    items = []
    for st in times:
        held = by_slot.get(st.number)
        other = None
        if held:
            r = held.request
            other = r.requested if r.requester_id == organisation.pk else r.requester
        items.append(AgendaItem(st, held, other, held.table if held else None, st.number in unavailable))
    mine = [r for r in unscheduled if organisation.pk in (r.requester_id, r.requested_id)]
    return Agenda(organisation, items, mine)


def agenda(session: MatchmakingSession, organisation: Organisation) -> Agenda:
    meetings = list(
        meetings_of(session).filter(Q(request__requester=organisation) | Q(request__requested=organisation))
    )
    participant = session.participants.filter(organisation=organisation).first()
    unavailable = set(participant.unavailable_slots if participant else [])
    unscheduled = list(unscheduled_requests(session).filter(Q(requester=organisation) | Q(requested=organisation)))
    return _agenda(organisation, slot_times(session), meetings, unavailable, unscheduled)


def reader_placements(session: MatchmakingSession, user: User | AnonymousUser) -> dict[int, Placement] | None:
    """Where ``user`` may read that each request meets, by request id, or ``None`` for the live schedule.

    Staff read the live schedule, the draft they work on. Everyone else reads only what was published:
    nothing before the first publication, the last published version while staff prepare changes,
    and the live schedule when it is the published one. Every page, export and API field that places a
    meeting for a reader asks here.
    """
    if is_staff(user):
        return None
    publication = last_publication(session)
    if publication is None:
        return {}
    if session.unpublished_changes:
        return _published(publication)
    return None


def shows_published_version(session: MatchmakingSession, user: User | AnonymousUser) -> bool:
    """Participants read the last published version while staff work on changes to it."""
    return not is_staff(user) and session.unpublished_changes


def agenda_for(session: MatchmakingSession, organisation: Organisation, user: User | AnonymousUser) -> Agenda:
    """The agenda ``user`` may read (``reader_placements``); nothing unscheduled is shown from a draft."""
    placements = reader_placements(session, user)
    if placements is None:
        return agenda(session, organisation)
    participant = session.participants.filter(organisation=organisation).first()
    unavailable = set(participant.unavailable_slots if participant else [])
    meetings = _placed_meetings(session, organisation, placements)
    return _agenda(organisation, slot_times(session), meetings, unavailable, [])


def representatives_of(session: MatchmakingSession, organisation: Organisation) -> dict[int, list]:
    """Who goes to each of ``organisation``'s meetings, both sides, by request id."""
    out: dict[int, list] = {}
    rows = (
        MeetingRepresentative.objects.filter(request__session=session)
        .filter(Q(request__requester=organisation) | Q(request__requested=organisation))
        .select_related("user", "organisation")
    )
    for r in rows:
        out.setdefault(r.request_id, []).append(r)
    return out


def registrations_for(*, user: User | AnonymousUser, session: MatchmakingSession) -> QuerySet[SessionRegistration]:
    """Staff see every registration of the session; members their own organisation's."""
    qs = session.registrations.select_related("organisation", "registered_by", "decided_by").order_by(
        "status", "created", "pk"
    )
    if is_staff(user):
        return qs
    org_id = member_organisation_id(user)
    return qs.filter(organisation_id=org_id) if org_id is not None else qs.none()


def agendas(session: MatchmakingSession) -> list[Agenda]:
    """Every participant's agenda from three queries, whatever the number of participants."""
    times = slot_times(session)
    meetings = list(meetings_of(session))
    unscheduled = list(unscheduled_requests(session))
    return [
        _agenda(p.organisation, times, meetings, set(p.unavailable_slots or []), unscheduled)
        for p in participants_of(session)
    ]


def participants_of(session: MatchmakingSession) -> QuerySet[SessionParticipant]:
    return session.participants.select_related("organisation").order_by("organisation__name_en", "organisation__slug")


def unscheduled_requests(session: MatchmakingSession) -> QuerySet[MeetingRequest]:
    return session.requests.filter(status=MeetingRequest.Status.ACCEPTED, meeting__isnull=True).select_related(
        "requester", "requested"
    )


# Delegation plan -------------------------------------------------------------------------------------


@dataclass
class PlanDay:
    day: date | None
    places: list[Place] = field(default_factory=list)
    events: list = field(default_factory=list)
    sessions: list[MatchmakingSession] = field(default_factory=list)
    legs: list[TravelLeg] = field(default_factory=list)


@dataclass
class Plan:
    delegation: Delegation
    stops: list
    days: list[PlanDay]
    undated: PlanDay
    travel_shown: bool = True


def delegation_plan(*, user: User | AnonymousUser, delegation: Delegation) -> Plan:
    """The itinerary by day and city: stops, travel legs, visible events and visible sessions."""
    stops = list(delegation.stops.select_related("place").order_by("order"))
    events = list(events_for_delegation(user=user, delegation=delegation))
    sessions = list(
        sessions_visible(user).filter(delegation=delegation).select_related("place").order_by("date", "start_time")
    )
    travel_shown = can_see_travel(user, delegation)
    legs = (
        list(delegation.travel_legs.select_related("from_place", "to_place").order_by("depart", "pk"))
        if travel_shown
        else []
    )
    days: dict[date, PlanDay] = {}

    def day(d: date) -> PlanDay:
        return days.setdefault(d, PlanDay(d))

    for stop in stops:
        if stop.arrive:
            last = stop.depart or stop.arrive
            d = stop.arrive
            while d <= last and (d - stop.arrive).days < 60:
                if stop.place not in day(d).places:
                    day(d).places.append(stop.place)
                d += timedelta(days=1)
    undated = PlanDay(None)
    for e in events:
        (day(e.date) if e.date else undated).events.append(e)
    for s in sessions:
        day(s.date).sessions.append(s)
        if s.place not in day(s.date).places:
            day(s.date).places.append(s.place)
    for leg in legs:
        local = leg.depart.astimezone(ZoneInfo("Asia/Shanghai")).date()
        day(local).legs.append(leg)
    current = None  # the city the delegation is in, known from the last travel leg
    for d in sorted(days):
        places = days[d].places
        if current is not None and current not in places:
            places.insert(0, current)
        for leg in days[d].legs:
            for place in (leg.from_place, leg.to_place):
                if place not in places:
                    places.append(place)
            current = leg.to_place
    return Plan(delegation, stops, [days[d] for d in sorted(days)], undated, travel_shown)


def preference_rows(*, session: MatchmakingSession, organisation: Organisation) -> list[tuple]:
    """The other participants of ``session``, each with ``organisation``'s preference about it ("" if none)
    and whether it marked ``organisation`` as do-not-meet (then they will not be scheduled together)."""

    mine = dict(
        MeetingPreference.objects.filter(session=session, organisation=organisation).values_list("other_id", "kind")
    )
    refused_by = set(
        MeetingPreference.objects.filter(session=session, other=organisation, kind="do_not").values_list(
            "organisation_id", flat=True
        )
    )
    others = [
        p.organisation
        for p in session.participants.select_related("organisation")
        if p.organisation_id != organisation.pk
    ]
    return [(o, mine.get(o.pk, ""), o.pk in refused_by) for o in sorted(others, key=lambda o: o.name)]


# Published versions, changes and the standby list ---------------------------------------------------

Placement = tuple[int, int]  # slot, table


@dataclass
class Change:
    """One meeting that differs between the last publication and the draft."""

    kind: str  # "moved", "added" or "dropped"
    request: MeetingRequest
    before: Placement | None
    after: Placement | None


def live_entries(session: MatchmakingSession) -> dict[int, Placement]:
    return {rid: (slot, table) for rid, slot, table in session.meetings.values_list("request_id", "slot", "table")}


def last_publication(session: MatchmakingSession) -> SchedulePublication | None:
    return session.publications.order_by("-number").first()


def _published(publication: SchedulePublication | None) -> dict[int, Placement]:
    if publication is None:
        return {}
    return {int(rid): (int(slot), int(table)) for rid, slot, table in publication.entries}


_LAST = object()


def changes(
    session: MatchmakingSession, publication: Any = _LAST, *, live: dict[int, Placement] | None = None
) -> list[Change] | None:
    """The draft (or ``live``, as read by the caller) against the last publication (or the one given), in
    slot order; ``None`` before the first publication."""
    if publication is _LAST:
        publication = last_publication(session)
    if publication is None:
        return None
    before, after = _published(publication), live if live is not None else live_entries(session)
    ids = {rid for rid in before.keys() | after.keys() if before.get(rid) != after.get(rid)}
    requests = MeetingRequest.objects.select_related("requester", "requested").in_bulk(ids)
    out = []
    for rid in ids:
        if rid not in requests:  # the request itself is gone (its session data was deleted)
            continue
        b, a = before.get(rid), after.get(rid)
        kind = "added" if b is None else "dropped" if a is None else "moved"
        out.append(Change(kind, requests[rid], b, a))
    out.sort(key=lambda c: ((c.after or c.before or (0, 0)), c.request.pk))
    return out


def _placed_meetings(
    session: MatchmakingSession, organisation: Organisation, placements: dict[int, Placement]
) -> list[Meeting]:
    """``organisation``'s meetings at ``placements`` (a published version); each carries the live row's
    outcome and attendance when the meeting still exists, and a request cancelled since is left out."""
    requests = MeetingRequest.objects.select_related("requester", "requested").in_bulk(list(placements))
    live = {m.request_id: m for m in session.meetings.filter(request_id__in=list(placements))}
    out = []
    for rid, (slot, table) in placements.items():
        r = requests.get(rid)
        if r is None or organisation.pk not in (r.requester_id, r.requested_id):
            continue
        if r.status != MeetingRequest.Status.ACCEPTED:  # cancelled since: both sides were told
            continue
        m = live.get(rid)
        out.append(
            Meeting(
                pk=m.pk if m else None,
                request=r,
                session=session,
                slot=slot,
                table=table,
                outcome=m.outcome if m else "",
                outcome_note=m.outcome_note if m else "",
                attendance=m.attendance if m else "",
                agreement_id=m.agreement_id if m else None,
            )
        )
    return sorted(out, key=lambda m: (m.slot, m.table))


def placement_of(request: MeetingRequest, placements: dict[int, Placement] | None) -> Placement | None:
    """Where ``request`` meets for a reader given ``reader_placements``."""
    if placements is None:
        meeting = getattr(request, "meeting", None)
        return (meeting.slot, meeting.table) if meeting else None
    return placements.get(request.pk)


@dataclass
class StandbyEntry:
    request: MeetingRequest
    must: bool
    free: list[Placement]  # slots where both sides are free, with the first free table


def standby(session: MatchmakingSession) -> list[StandbyEntry]:
    """Accepted requests without a meeting, must-meet pairs first, then by priority and age, each with the
    slots a freed table could take it in (both sides free and available there)."""
    waiting = list(
        session.requests.filter(status=MeetingRequest.Status.ACCEPTED, meeting__isnull=True)
        .select_related("requester", "requested")
        .order_by("-priority", "created", "pk")
    )
    if not waiting:
        return []
    must = {
        frozenset(pair)
        for pair in session.preferences.filter(kind=MeetingPreference.Kind.MUST).values_list(
            "organisation_id", "other_id"
        )
    }
    busy: dict[int, set[int]] = {}
    tables_used: dict[int, set[int]] = {}
    for slot, table, a, b in session.meetings.values_list(
        "slot", "table", "request__requester_id", "request__requested_id"
    ):
        busy.setdefault(a, set()).add(slot)
        busy.setdefault(b, set()).add(slot)
        tables_used.setdefault(slot, set()).add(table)
    away = {p.organisation_id: set(p.unavailable_slots or []) for p in session.participants.all()}
    out = []
    for r in waiting:
        blocked = busy.get(r.requester_id, set()) | busy.get(r.requested_id, set())
        blocked |= away.get(r.requester_id, set()) | away.get(r.requested_id, set())
        free = []
        for slot in range(1, session.slots + 1):
            if slot in blocked:
                continue
            table = next((t for t in range(1, session.tables + 1) if t not in tables_used.get(slot, set())), None)
            if table is not None:
                free.append((slot, table))
        out.append(StandbyEntry(r, frozenset((r.requester_id, r.requested_id)) in must, free))
    out.sort(key=lambda e: (not e.must, -e.request.priority, e.request.created, e.request.pk))
    return out

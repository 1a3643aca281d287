"""Demo data: B2B matchmaking sessions of the programme, their meetings' outcomes, and travel legs.

- Hong Kong Science Park, May 2023 (the Shandong visit): scheduled and published; Shandong
  enterprises meet the Hong Kong companies whose offers answered their needs.
- Qingdao, October 2023 (the return visit): scheduled, 30 requests in every state.
- Jinan, October 2023: open for requests, the six visitors and local Shandong organisations.

Called by ``innobridge demo`` after the core records exist. Idempotent: a session that already exists
keeps its schedule (and whatever people did to it); missing participants and requests are added,
outcomes are set on the meetings that exist, travel legs are matched on their departure.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone

from innobridge.directory.models import Organisation, Place
from innobridge.meetings import participation, scheduling, services
from innobridge.meetings.models import MatchmakingSession, Meeting, MeetingRequest, TravelLeg
from innobridge.programmes.models import Delegation
from innobridge.programmes.services import event_save

SESSION_SLUG = "qingdao-b2b-2023-10"
OPEN_SESSION_SLUG = "jinan-b2b-2023-10"
MAY_SESSION_SLUG = "hong-kong-b2b-2023-05"
DELEGATION = "hkstp-to-shandong-2023-10"
MAY_DELEGATION = "shandong-to-hong-kong-2023-05"
SHANGHAI = ZoneInfo("Asia/Shanghai")

VISITORS = [
    "i2cool",
    "zehao-high-purity-metals",
    "cas-cair",
    "xinshan-industrial",
    "aotaier-technology",
    "weidu-holdings",
]
HOSTS = [
    "qingdao-bolian-smart-port",
    "qingdao-hanzhou-robotics",
    "qingdao-poyuan-biopharma",
    "ocean-university-of-china",
    "qingdao-west-coast-new-area",
    "qingdao-sco-zone-authority",
]
# (requester, requested, preference, priority, status); requesters are mostly the visiting companies.
REQUESTS = [
    ("i2cool", "qingdao-bolian-smart-port", "any", 3, "accepted"),
    ("i2cool", "qingdao-west-coast-new-area", "morning", 3, "accepted"),
    ("i2cool", "qingdao-sco-zone-authority", "any", 2, "accepted"),
    ("i2cool", "ocean-university-of-china", "afternoon", 1, "pending"),
    ("i2cool", "qingdao-hanzhou-robotics", "any", 2, "accepted"),
    ("zehao-high-purity-metals", "qingdao-hanzhou-robotics", "any", 3, "accepted"),
    ("zehao-high-purity-metals", "ocean-university-of-china", "morning", 2, "accepted"),
    ("zehao-high-purity-metals", "qingdao-west-coast-new-area", "any", 2, "accepted"),
    ("zehao-high-purity-metals", "qingdao-poyuan-biopharma", "any", 1, "declined"),
    ("zehao-high-purity-metals", "qingdao-sco-zone-authority", "afternoon", 2, "accepted"),
    ("cas-cair", "qingdao-hanzhou-robotics", "any", 3, "accepted"),
    ("cas-cair", "qingdao-bolian-smart-port", "morning", 3, "accepted"),
    ("cas-cair", "qingdao-poyuan-biopharma", "any", 2, "accepted"),
    ("cas-cair", "ocean-university-of-china", "any", 2, "accepted"),
    ("cas-cair", "qingdao-sco-zone-authority", "any", 1, "pending"),
    ("xinshan-industrial", "qingdao-west-coast-new-area", "any", 2, "accepted"),
    ("xinshan-industrial", "qingdao-bolian-smart-port", "afternoon", 2, "accepted"),
    ("xinshan-industrial", "qingdao-sco-zone-authority", "any", 2, "accepted"),
    ("xinshan-industrial", "qingdao-hanzhou-robotics", "any", 1, "cancelled"),
    ("aotaier-technology", "qingdao-poyuan-biopharma", "morning", 3, "accepted"),
    ("aotaier-technology", "ocean-university-of-china", "any", 2, "accepted"),
    ("aotaier-technology", "qingdao-west-coast-new-area", "any", 2, "declined"),
    ("aotaier-technology", "qingdao-sco-zone-authority", "any", 2, "accepted"),
    ("weidu-holdings", "qingdao-west-coast-new-area", "any", 3, "accepted"),
    ("weidu-holdings", "qingdao-sco-zone-authority", "morning", 2, "accepted"),
    ("weidu-holdings", "qingdao-bolian-smart-port", "any", 1, "pending"),
    ("weidu-holdings", "qingdao-poyuan-biopharma", "afternoon", 2, "accepted"),
    ("qingdao-hanzhou-robotics", "ocean-university-of-china", "any", 2, "accepted"),
    ("qingdao-poyuan-biopharma", "ocean-university-of-china", "any", 2, "pending"),
    ("qingdao-bolian-smart-port", "qingdao-west-coast-new-area", "any", 1, "declined"),
]
# Jinan: local organisations registered beside the visitors, and their requests (all still open).
JINAN_LOCALS = [
    "jinan-luoxin-power-semiconductor",
    "jinan-queshua-digital-finance",
    "jinan-quanshu-software-park",
    "sdu-crystal-materials",
    "qilu-university-of-technology-org",
    "jinan-hi-tech-zone-authority",
]
JINAN_REQUESTS = [
    ("jinan-luoxin-power-semiconductor", "zehao-high-purity-metals", "any", 3, "accepted"),
    ("sdu-crystal-materials", "zehao-high-purity-metals", "any", 3, "pending"),
    ("jinan-queshua-digital-finance", "weidu-holdings", "any", 2, "pending"),
    ("jinan-quanshu-software-park", "cas-cair", "any", 2, "accepted"),
    ("qilu-university-of-technology-org", "aotaier-technology", "any", 1, "pending"),
    ("jinan-hi-tech-zone-authority", "i2cool", "any", 2, "pending"),
    ("i2cool", "jinan-luoxin-power-semiconductor", "any", 2, "accepted"),
    ("xinshan-industrial", "jinan-luoxin-power-semiconductor", "any", 2, "pending"),
]
# Hong Kong, May 2023: (Shandong requester, Hong Kong company, outcome of the meeting).
MAY_MEETINGS = [
    ("weifang-qingyue-power-equipment", "hkpc", "follow_up"),
    ("zibo-hi-tech-zone", "xinshan-industrial", "follow_up"),
    ("jinan-science-technology-bureau", "hku", "follow_up"),
    ("yantai-lanyu-marine-biotech", "hkust", "follow_up"),
    ("qingdao-west-coast-new-area", "visiobalance-ai", "follow_up"),
    ("yantai-xinyue-microelectronics", "astri", "follow_up"),
    ("jinan-queshua-digital-finance", "tradelattice-technologies", "no_follow_up"),
    ("jining-daiheng-intelligent-equipment", "inspectra-vision-systems", ""),
    ("weifang-qingyue-power-equipment", "hku", "no_follow_up"),
    ("zibo-hi-tech-zone", "astri", "no_follow_up"),
]
# Qingdao: what came of some of the meetings held.
QINGDAO_OUTCOMES = [
    ("i2cool", "qingdao-sco-zone-authority", "follow_up"),
    ("i2cool", "qingdao-west-coast-new-area", "no_follow_up"),
    ("cas-cair", "qingdao-bolian-smart-port", "follow_up"),
    ("zehao-high-purity-metals", "qingdao-hanzhou-robotics", "no_follow_up"),
    ("weidu-holdings", "qingdao-poyuan-biopharma", "follow_up"),
]
LEGS = [
    ("hong-kong", "yantai", datetime(2023, 10, 16, 8, 30), 190, TravelLeg.Mode.PLANE),
    ("yantai", "qingdao", datetime(2023, 10, 17, 7, 30), 95, TravelLeg.Mode.TRAIN),
    ("qingdao", "jinan", datetime(2023, 10, 18, 18, 30), 150, TravelLeg.Mode.TRAIN),
    ("jinan", "hong-kong", datetime(2023, 10, 20, 19, 0), 205, TravelLeg.Mode.PLANE),
]


def load(report) -> None:
    delegation = Delegation.objects.filter(slug=DELEGATION).first()
    places = {p.slug: p for p in Place.objects.filter(slug__in=["hong-kong", "yantai", "qingdao", "jinan"])}
    orgs = {o.slug: o for o in Organisation.objects.filter(slug__in=VISITORS + HOSTS)}
    if delegation is None or len(places) < 4 or len(orgs) < len(VISITORS + HOSTS):
        return  # the seed programme is not loaded (custom fixtures): nothing to attach to
    for origin, destination, depart, minutes, mode in LEGS:
        when = depart.replace(tzinfo=SHANGHAI)
        if not TravelLeg.objects.filter(delegation=delegation, depart=when).exists():
            services.travel_leg_save(
                delegation=delegation,
                from_place=places[origin],
                to_place=places[destination],
                depart=when,
                minutes=minutes,
                mode=mode,
            )
            report.add("travel legs")
    _load_may_session(report)
    _load_upcoming_session(report, places["jinan"], delegation.programme)
    if not MatchmakingSession.objects.filter(slug=OPEN_SESSION_SLUG).exists():
        jinan = services.session_save(
            slug=OPEN_SESSION_SLUG,
            name_en="Jinan B2B matchmaking",
            name_zh_hant="濟南企業對接會",
            delegation=delegation,
            place=places["jinan"],
            venue="Jinan Hi-tech Zone",
            date=date(2023, 10, 19),
            start_time=time(14, 0),
            slot_minutes=20,
            slots=8,
            morning_slots=0,
            tables=6,
            time_zone="Asia/Shanghai",
            status=MatchmakingSession.Status.OPEN,
            visibility="partners",
        )
        for slug in VISITORS:
            services.participant_add(session=jinan, organisation=orgs[slug])
        report.add("matchmaking sessions")
    _add_requests(MatchmakingSession.objects.get(slug=OPEN_SESSION_SLUG), JINAN_LOCALS, JINAN_REQUESTS, report)
    if MatchmakingSession.objects.filter(slug=SESSION_SLUG).exists():
        _set_outcomes(SESSION_SLUG, QINGDAO_OUTCOMES)
        return
    session = services.session_save(
        slug=SESSION_SLUG,
        name_en="Qingdao B2B matchmaking: Hong Kong park companies meet Qingdao enterprises",
        name_zh_hant="青島企業對接會：香港科學園公司與青島企業",
        delegation=delegation,
        place=places["qingdao"],
        venue="Qingdao SCO Demonstration Zone",
        date=date(2023, 10, 18),
        start_time=time(9, 0),
        slot_minutes=20,
        slots=12,
        morning_slots=6,
        lunch_minutes=90,
        tables=6,
        time_zone="Asia/Shanghai",
        status=MatchmakingSession.Status.OPEN,
        visibility="partners",
    )
    for slug in VISITORS + HOSTS:
        services.participant_add(session=session, organisation=orgs[slug])
    services.participant_add(session=session, organisation=orgs["ocean-university-of-china"], unavailable_slots=[1, 2])
    for requester, requested, preference, priority, status in REQUESTS:
        request = services.request_create(
            session=session,
            requester=orgs[requester],
            requested=orgs[requested],
            preference=preference,
            priority=priority,
            source=MeetingRequest.Source.STAFF,
            status=MeetingRequest.Status.ACCEPTED if status == "accepted" else MeetingRequest.Status.PENDING,
        )
        if status in ("declined", "cancelled"):
            MeetingRequest.objects.filter(pk=request.pk).update(status=status)
        report.add("meeting requests")
    scheduling.session_schedule(session=session, time_limit=10.0)
    _set_outcomes(SESSION_SLUG, QINGDAO_OUTCOMES)
    report.add("matchmaking sessions")


def _add_requests(session: MatchmakingSession, participants: list[str], requests: list[tuple], report) -> None:
    """Register ``participants`` and add each request whose pair has none in the session yet."""
    orgs = {
        o.slug: o for o in Organisation.objects.filter(slug__in=participants + [s for r in requests for s in r[:2]])
    }
    registered = set(session.participants.values_list("organisation__slug", flat=True))
    for slug in participants:
        if slug in orgs and slug not in registered:
            services.participant_add(session=session, organisation=orgs[slug])
    for requester, requested, preference, priority, status in requests:
        if requester not in orgs or requested not in orgs:
            continue
        if session.requests.filter(
            Q(requester=orgs[requester], requested=orgs[requested])
            | Q(requester=orgs[requested], requested=orgs[requester])
        ).exists():
            continue
        services.request_create(
            session=session,
            requester=orgs[requester],
            requested=orgs[requested],
            preference=preference,
            priority=priority,
            source=MeetingRequest.Source.STAFF,
            status=MeetingRequest.Status.ACCEPTED if status == "accepted" else MeetingRequest.Status.PENDING,
        )
        report.add("meeting requests")


def _set_outcomes(session_slug: str, outcomes: list[tuple[str, str, str]]) -> None:
    for requester, requested, outcome in outcomes:
        Meeting.objects.filter(
            session__slug=session_slug, request__requester__slug=requester, request__requested__slug=requested
        ).exclude(outcome=outcome).update(outcome=outcome)


def _load_may_session(report) -> None:
    """The Shandong delegation's B2B session at Hong Kong Science Park, May 2023, held and published."""
    delegation = Delegation.objects.filter(slug=MAY_DELEGATION).first()
    place = Place.objects.filter(slug="hong-kong-science-park").first()
    slugs = sorted({slug for pair in MAY_MEETINGS for slug in pair[:2]})
    if delegation is None or place is None or Organisation.objects.filter(slug__in=slugs).count() < len(slugs):
        return
    session = MatchmakingSession.objects.filter(slug=MAY_SESSION_SLUG).first()
    if session is None:
        session = services.session_save(
            slug=MAY_SESSION_SLUG,
            name_en="Hong Kong Science Park B2B matchmaking: Shandong enterprises meet park companies",
            name_zh_hant="香港科學園企業對接會：山東企業與園區公司",
            delegation=delegation,
            place=place,
            venue="Hong Kong Science Park",
            date=date(2023, 5, 16),
            start_time=time(14, 0),
            slot_minutes=30,
            slots=6,
            morning_slots=0,
            tables=8,
            time_zone="Asia/Hong_Kong",
            status=MatchmakingSession.Status.OPEN,
            visibility="partners",
        )
        report.add("matchmaking sessions")
        requests = [(a, b, "any", 2, "accepted") for a, b, _outcome in MAY_MEETINGS]
        _add_requests(session, slugs, requests, report)
        scheduling.session_schedule(session=session, time_limit=10.0)
        services.session_publish(session=session)
    _set_outcomes(MAY_SESSION_SLUG, [(a, b, outcome) for a, b, outcome in MAY_MEETINGS])


UPCOMING_SESSION_SLUG = "jinan-b2b-follow-up"
# organisation -> approved already (else waiting for staff)
UPCOMING_REGISTRATIONS = {
    "i2cool": True,
    "cas-cair": True,
    "jinan-queshua-digital-finance": True,
    "jinan-quanshu-software-park": False,
}


def _load_upcoming_session(report, place: Place, programme) -> None:
    """A follow-up session six weeks ahead that takes registrations: staff approve, visitors meet locals
    only, each visitor sends at most eight requests. i2Cool and Queshua are in; Quanshu waits for approval;
    the other demo organisations can register."""
    if MatchmakingSession.objects.filter(slug=UPCOMING_SESSION_SLUG).exists():
        return
    orgs = {o.slug: o for o in Organisation.objects.filter(slug__in=UPCOMING_REGISTRATIONS)}
    if len(orgs) < len(UPCOMING_REGISTRATIONS):
        return
    when = timezone.localdate() + timedelta(days=42)
    # Its event in the programme: what a meeting there leads to (a draft agreement) belongs to the programme.
    event = event_save(
        kind="matchmaking",
        programme=programme,
        name_en="Jinan follow-up B2B matchmaking",
        name_zh_hant="濟南企業對接會（跟進場）",
        date=when,
        place=place,
        visibility="partners",
    )
    session = services.session_save(
        slug=UPCOMING_SESSION_SLUG,
        event=event,
        name_en="Jinan follow-up B2B matchmaking",
        name_zh_hant="濟南企業對接會（跟進場）",
        place=place,
        venue="Jinan Hi-tech Zone",
        date=when,
        start_time=time(9, 30),
        slot_minutes=20,
        slots=9,
        morning_slots=9,
        tables=6,
        time_zone="Asia/Shanghai",
        registration=MatchmakingSession.Registration.APPROVAL,
        who_meets=MatchmakingSession.WhoMeets.ACROSS,
        visitor_quota=8,
        request_expiry_hours=72,
        status=MatchmakingSession.Status.OPEN,
        visibility="partners",
    )
    for slug, approved in UPCOMING_REGISTRATIONS.items():
        registration = participation.session_register(session=session, organisation=orgs[slug], user=None)
        if approved:
            participation.registration_decide(registration=registration, approve=True, user=None)
        report.add("session registrations")
    report.add("matchmaking sessions")

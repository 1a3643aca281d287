"""Demo data: a B2B matchmaking session in Qingdao during the 2023 return visit, scheduled; travel legs.

Called by ``innobridge demo`` after the core records exist. Idempotent: a session that already exists
is left as it is (with whatever people did to it), and travel legs are matched on their departure.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from innobridge.directory.models import Organisation, Place
from innobridge.meetings import services
from innobridge.meetings.models import MatchmakingSession, MeetingRequest, TravelLeg
from innobridge.programmes.models import Delegation

SESSION_SLUG = "qingdao-b2b-2023-10"
OPEN_SESSION_SLUG = "jinan-b2b-2023-10"
DELEGATION = "hkstp-to-shandong-2023-10"
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
    if MatchmakingSession.objects.filter(slug=SESSION_SLUG).exists():
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
    services.session_schedule(session=session, time_limit=10.0)
    report.add("matchmaking sessions")

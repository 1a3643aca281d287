from innobridge.demo.loader import LoadReport
from innobridge.meetings import demo
from innobridge.meetings.models import MatchmakingSession, Meeting, MeetingRequest, ScheduleRun, TravelLeg
from innobridge.testing import BaseTestCase


class DemoTests(BaseTestCase):
    def test_the_demo_session_is_scheduled_with_requests_in_every_state(self):
        session = MatchmakingSession.objects.get(slug=demo.SESSION_SLUG)
        states = set(session.requests.values_list("status", flat=True))
        self.assertEqual(states, {"pending", "accepted", "declined", "cancelled"})
        self.assertEqual(session.participants.count(), 12)
        self.assertEqual(session.status, "scheduled")
        accepted = session.requests.filter(status="accepted").count()
        self.assertEqual(Meeting.objects.filter(session=session).count(), accepted)

    def test_loading_twice_changes_nothing(self):
        counts = [m.objects.count() for m in (MatchmakingSession, MeetingRequest, Meeting, ScheduleRun, TravelLeg)]
        report = LoadReport()
        demo.load(report)
        self.assertEqual(report.counts, {})
        self.assertEqual(
            counts, [m.objects.count() for m in (MatchmakingSession, MeetingRequest, Meeting, ScheduleRun, TravelLeg)]
        )

from django.core.exceptions import PermissionDenied, ValidationError

from innobridge.meetings import scheduling, services
from innobridge.meetings.models import Meeting
from innobridge.meetings.tests.base import MeetingsTestCase


class MeetingOutcomeTests(MeetingsTestCase):
    def setUp(self):
        super().setUp()
        self.accepted_set()
        scheduling.session_schedule(session=self.session, time_limit=10)
        self.meeting = Meeting.objects.get(request__requester=self.i2cool, request__requested=self.luoxin)

    def test_a_side_of_the_meeting_records_a_follow_up(self):
        services.meeting_record_outcome(meeting=self.meeting, outcome="follow_up", note=" Site visit ", user=self.bob)
        self.meeting.refresh_from_db()
        self.assertEqual((self.meeting.outcome, self.meeting.outcome_note), ("follow_up", "Site visit"))

    def test_an_unknown_outcome_is_refused_and_changes_nothing(self):
        with self.assertRaises(ValidationError):
            services.meeting_record_outcome(meeting=self.meeting, outcome="maybe", user=self.alice)
        self.meeting.refresh_from_db()
        self.assertEqual(self.meeting.outcome, "")

    def test_an_organisation_that_was_not_there_may_not_record_it(self):
        with self.assertRaises(PermissionDenied):
            services.meeting_record_outcome(meeting=self.meeting, outcome="follow_up", user=self.carol)

    def test_rescheduling_keeps_the_recorded_outcome(self):
        services.meeting_record_outcome(meeting=self.meeting, outcome="no_follow_up", user=self.alice)
        scheduling.session_reschedule(session=self.session, time_limit=10)
        kept = Meeting.objects.get(request=self.meeting.request)
        self.assertEqual(kept.outcome, "no_follow_up")

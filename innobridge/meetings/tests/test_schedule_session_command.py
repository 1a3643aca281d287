import json
from io import StringIO

from django.core.management import CommandError, call_command

from innobridge.meetings.tests.base import MeetingsTestCase


class ScheduleSessionCommandTests(MeetingsTestCase):
    def test_it_prints_the_run_as_json(self):
        self.accepted_set()
        out = StringIO()
        call_command("schedule_session", self.session.slug, "--time-limit", "10", stdout=out)
        report = json.loads(out.getvalue())
        self.assertEqual((report["status"], report["scheduled"], report["requests"]), ("optimal", 7, 7))
        self.assertIn("greedy_breaks", report)

    def test_an_unknown_session_is_an_error(self):
        with self.assertRaisesMessage(CommandError, "no matchmaking session"):
            call_command("schedule_session", "nowhere")

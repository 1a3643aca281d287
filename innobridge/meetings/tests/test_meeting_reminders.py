"""Daily reminders: the day before a published session each participant's members are reminded, after it
the organisations of meetings without an outcome are asked for one; each reminder reaches a user once."""

import io
import json
from datetime import date

from django.core.management import call_command

from innobridge.accounts.models import Notice
from innobridge.meetings import services
from innobridge.meetings.models import Meeting
from innobridge.meetings.tests.base import PublishedMeetingTestCase

SESSION_DAY = date(2023, 10, 19)


class MeetingReminderTests(PublishedMeetingTestCase):
    def test_the_day_before_once_then_outcomes_due_once(self):
        with self.captureOnCommitCallbacks(execute=True):
            first = services.meeting_reminders(today=date(2023, 10, 18))
        with self.captureOnCommitCallbacks(execute=True):
            services.meeting_reminders(today=date(2023, 10, 18))  # the job ran twice
        self.assertEqual(first.sessions_tomorrow, 1)
        self.assertEqual(Notice.objects.filter(user=self.bob, kind="reminder").count(), 1)
        with self.captureOnCommitCallbacks(execute=True):
            after = services.meeting_reminders(today=date(2023, 10, 20))
        self.assertEqual(after.outcomes_due, 2)  # Luoxin and i2Cool
        asked = Notice.objects.get(user=self.bob, kind="outcome")
        self.assertEqual(asked.url, f"/en/meetings/{self.session.slug}/agenda/i2cool/")
        # Once the outcome is recorded nobody is asked again.
        Meeting.objects.filter(request=self.request).update(outcome="follow_up")
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(services.meeting_reminders(today=date(2023, 10, 21)).outcomes_due, 0)

    def test_the_remind_command_runs_them_and_reports_in_json(self):
        out = io.StringIO()
        with self.captureOnCommitCallbacks(execute=True):  # the command runs in autocommit in production
            call_command("remind", "--today", "2023-10-18", "--json", stdout=out)
        data = json.loads(out.getvalue())
        self.assertEqual(data["sessions_tomorrow"], 1)
        self.assertTrue(Notice.objects.filter(user=self.bob, kind="reminder").exists())

"""On the day and after: attendance and outcomes by either side or staff, from the agenda page and the API;
"agreement in preparation" starts one draft agreement in the pipeline, linked to the meeting, and tells the
other side; the funnel counts it as a follow-up."""

from innobridge.accounts.models import Notice
from innobridge.meetings.models import Meeting
from innobridge.meetings.tests.base import PublishedMeetingTestCase
from innobridge.programmes.models import Agreement


class OnTheDayTests(PublishedMeetingTestCase):
    def meeting(self) -> Meeting:
        return Meeting.objects.get(request=self.request)

    def record(self, **data):
        return self.client.post(f"/en/meetings/{self.session.slug}/meetings/{self.request.slug}/record/", data)

    def test_agreement_in_preparation_starts_one_draft_agreement_and_tells_the_other_side(self):
        self.login(self.bob)  # i2Cool, one side of the meeting
        before = Agreement.objects.count()
        with self.captureOnCommitCallbacks(execute=True):
            response = self.record(record="outcome", outcome="agreement", note="Pilot at the Luoxin fab", org="i2cool")
        self.assertRedirects(response, f"/en/meetings/{self.session.slug}/agenda/i2cool/")
        meeting = self.meeting()
        agreement = meeting.agreement
        self.assertEqual(
            (agreement.status, agreement.programme, agreement.scope),
            ("draft", self.delegation.programme, "Pilot at the Luoxin fab"),
        )
        self.assertEqual({p.organisation for p in agreement.parties.all()}, {self.i2cool, self.luoxin})
        self.assertIn("Luoxin", agreement.name_en)
        self.assertEqual(Agreement.objects.count(), before + 1)
        # Recording it again keeps the one agreement.
        self.record(record="outcome", outcome="agreement", note="Still on", org="i2cool")
        self.assertEqual(Agreement.objects.count(), before + 1)
        self.assertFalse(Notice.objects.filter(user=self.bob, kind="outcome").exists())  # bob acted
        page = self.client.get(f"/en/meetings/{self.session.slug}/agenda/i2cool/")
        self.assertContains(page, agreement.get_absolute_url())

    def test_attendance_and_bad_values(self):
        self.login(self.bob)
        self.record(record="attendance", attendance="no_show", org="i2cool")
        self.assertEqual(self.meeting().attendance, "no_show")
        self.record(record="attendance", attendance="teleported", org="i2cool")
        self.record(record="outcome", outcome="maybe", org="i2cool")
        self.assertEqual((self.meeting().attendance, self.meeting().outcome), ("no_show", ""))

    def test_outsiders_cannot_record(self):
        self.login(self.dave)
        self.assertEqual(self.record(record="attendance", attendance="attended").status_code, 404)
        self.login(self.carol)  # Zehao takes no part in this meeting
        self.record(record="outcome", outcome="agreement")
        self.assertEqual(self.meeting().outcome, "")
        self.assertIsNone(self.meeting().agreement)

    def test_the_api_records_both_and_returns_the_draft_agreement(self):
        self.login(self.alice)
        response = self.client.post(
            f"/api/meetings/meetings/{self.request.slug}/record",
            {"attendance": "attended", "outcome": "agreement", "note": "Next step: pilot"},
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 200, response.content)
        data = response.json()
        self.assertEqual((data["attendance"], data["outcome"]), ("attended", "agreement"))
        self.assertEqual(data["agreement"], self.meeting().agreement.slug)
        self.login(self.carol)
        refused = self.client.post(
            f"/api/meetings/meetings/{self.request.slug}/record",
            {"outcome": "no_follow_up"},
            content_type="application/json",
        )
        self.assertIn(refused.status_code, (403, 404))

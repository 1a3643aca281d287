import json

from innobridge.meetings import scheduling, services
from innobridge.meetings.tests.base import MeetingsTestCase


class MeetingsApiTests(MeetingsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.to_bob = services.request_create(session=cls.session, requester=cls.luoxin, requested=cls.i2cool)
        cls.other = services.request_create(
            session=cls.session, requester=cls.cair, requested=cls.queshua, status="accepted"
        )
        scheduling.session_schedule(session=cls.session, time_limit=10)

    def sessions(self):
        return [s["slug"] for s in self.client.get("/api/meetings/sessions").json()]

    def test_anonymous_callers_see_no_partners_only_session(self):
        self.assertNotIn(self.session.slug, self.sessions())
        self.assertEqual(self.client.get(f"/api/meetings/sessions/{self.session.slug}").status_code, 404)
        self.assertEqual(self.client.get(f"/api/meetings/sessions/{self.session.slug}/requests").status_code, 404)

    def test_a_member_of_another_organisation_sees_nothing(self):
        self.login(self.dave)
        self.assertNotIn(self.session.slug, self.sessions())
        self.assertEqual(self.client.get(f"/api/meetings/sessions/{self.session.slug}/meetings").status_code, 404)

    def test_a_participant_reads_its_own_requests_and_meetings(self):
        self.login(self.bob)
        self.assertIn(self.session.slug, self.sessions())
        requests = self.client.get(f"/api/meetings/sessions/{self.session.slug}/requests").json()
        self.assertEqual([r["reference"] for r in requests], [self.to_bob.slug])
        self.assertEqual(self.client.get(f"/api/meetings/sessions/{self.session.slug}/meetings").json(), [])

    def test_staff_read_every_meeting_with_its_times(self):
        self.login(self.alice)
        meetings = self.client.get(f"/api/meetings/sessions/{self.session.slug}/meetings").json()
        self.assertEqual(len(meetings), 1)
        self.assertEqual(meetings[0]["requester"], "cas-cair")
        self.assertTrue(meetings[0]["start"].endswith("+08:00"))

    def answer(self, request, accept=True):
        return self.client.post(
            f"/api/meetings/requests/{request.slug}/answer",
            data=json.dumps({"accept": accept}),
            content_type="application/json",
        )

    def test_the_requested_member_accepts_through_the_api(self):
        self.login(self.bob)
        response = self.answer(self.to_bob)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["status"], "accepted")

    def test_the_api_refuses_answers_from_the_wrong_side(self):
        self.assertEqual(self.answer(self.to_bob).status_code, 401)
        self.login(self.carol)
        self.assertEqual(self.answer(self.to_bob).status_code, 404)
        self.login(self.bob)
        own = services.request_create(session=self.session, requester=self.i2cool, requested=self.quanshu)
        self.assertEqual(self.answer(own).status_code, 403)
        self.answer(self.to_bob, accept=False)
        self.assertEqual(self.answer(self.to_bob).status_code, 409)
        self.to_bob.refresh_from_db()
        self.assertEqual(self.to_bob.status, "declined")

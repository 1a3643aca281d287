from innobridge.meetings import scheduling, services
from innobridge.meetings.models import MatchmakingSession, MeetingRequest
from innobridge.meetings.tests.base import MeetingsTestCase


class SessionPageTests(MeetingsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.mine = services.request_create(
            session=cls.session, requester=cls.luoxin, requested=cls.i2cool, note="Power modules"
        )
        cls.theirs = services.request_create(
            session=cls.session, requester=cls.cair, requested=cls.queshua, status="accepted"
        )
        scheduling.session_schedule(session=cls.session, time_limit=10)

    def url(self, suffix=""):
        return f"/en/meetings/{self.session.slug}/{suffix}"

    def test_anonymous_visitors_see_no_partners_only_session(self):
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        self.assertNotContains(self.client.get("/en/meetings/"), "Test Jinan session")
        self.assertEqual(self.client.get(self.url("schedule/")).status_code, 404)
        self.assertEqual(self.client.get(self.url("agenda/i2cool.ics")).status_code, 404)

    def test_a_member_of_another_organisation_sees_nothing(self):
        self.login(self.dave)
        self.assertNotContains(self.client.get("/en/meetings/"), "Test Jinan session")
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        self.assertEqual(self.client.get(self.url("schedule.xlsx")).status_code, 404)
        self.assertEqual(self.client.get(self.mine.get_absolute_url()).status_code, 404)

    def test_a_participant_sees_its_own_requests_only(self):
        self.login(self.bob)
        self.assertContains(self.client.get("/en/meetings/"), "Test Jinan session")
        response = self.client.get(self.url())
        self.assertContains(response, self.luoxin.name_en)
        self.assertNotContains(response, self.queshua.name_en)
        self.assertContains(response, "Request a meeting")

    def test_a_participant_sees_its_own_agenda_but_not_the_grid_or_others(self):
        self.login(self.bob)
        response = self.client.get(self.url("schedule/"))
        self.assertContains(response, "i2Cool")
        self.assertNotContains(response, "Tables by slot")
        self.assertNotContains(response, self.queshua.name_en)
        self.assertEqual(self.client.get(self.url("agenda/i2cool/")).status_code, 200)
        self.assertEqual(self.client.get(self.url("agenda/cas-cair/")).status_code, 403)
        self.assertEqual(self.client.get(self.url("agenda/cas-cair.ics")).status_code, 403)

    def test_staff_see_the_grid_every_agenda_and_the_scheduler(self):
        self.login(self.alice)
        response = self.client.get(self.url())
        self.assertContains(response, "Schedule from scratch")
        self.assertContains(response, self.queshua.name_en)
        response = self.client.get(self.url("schedule/"))
        self.assertContains(response, "Tables by slot")
        self.assertContains(response, self.queshua.name_en)

    def test_the_requested_member_accepts_on_the_request_page(self):
        self.login(self.bob)
        response = self.client.post(self.mine.get_absolute_url(), {"decision": "accept", "answer": "Yes"})
        self.assertEqual(response.status_code, 302)
        self.mine.refresh_from_db()
        self.assertEqual(self.mine.status, "accepted")

    def test_the_requester_cannot_answer_its_own_request(self):
        self.login(self.bob)
        own = services.request_create(session=self.session, requester=self.i2cool, requested=self.quanshu)
        response = self.client.post(own.get_absolute_url(), {"decision": "accept"})
        self.assertEqual(response.status_code, 403)
        response = self.client.post(f"/en/meetings/requests/{own.slug}/answer/", {"decision": "accept"})
        self.assertEqual(response.status_code, 403)
        own.refresh_from_db()
        self.assertEqual(own.status, "pending")

    def test_a_participant_creates_a_request_for_its_own_organisation(self):
        self.login(self.bob)
        response = self.client.post(
            self.url("request/"), {"requested": "cas-cair", "priority": "3", "preference": "morning", "note": "Hi"}
        )
        self.assertEqual(response.status_code, 302)
        request = MeetingRequest.objects.get(session=self.session, requested=self.cair)
        self.assertEqual(
            (request.requester, request.priority, request.source, request.status),
            (self.i2cool, 3, "participant", "pending"),
        )

    def test_a_participant_cannot_pick_an_organisation_outside_the_session(self):
        self.login(self.bob)
        response = self.client.post(self.url("request/"), {"requested": "hku", "priority": "2", "preference": "any"})
        self.assertEqual(response.status_code, 200)
        self.assertFalse(MeetingRequest.objects.filter(session=self.session, requested__slug="hku").exists())

    def test_only_staff_run_the_scheduler(self):
        self.login(self.bob)
        self.assertEqual(self.client.post(self.url("run/"), {"action": "schedule"}).status_code, 403)
        self.login(self.alice)
        response = self.client.post(self.url("run/"), {"action": "reschedule", "time_limit": "5"})
        self.assertRedirects(response, self.url("schedule/"))
        self.assertEqual(self.session.runs.count(), 2)

    def test_publishing_a_public_session_shows_its_header_to_everyone_but_not_the_requests(self):
        self.session.visibility = "public"
        self.session.save()
        services.session_publish(session=self.session)
        response = self.client.get(self.url())
        self.assertContains(response, "Test Jinan session")
        self.assertNotContains(response, self.luoxin.name_en)
        self.assertEqual(self.client.get(self.url("schedule/")).status_code, 403)

    def test_publishing_tells_every_participant_where_its_agenda_is_once(self):
        from innobridge.accounts.models import Notice

        with self.captureOnCommitCallbacks(execute=True):
            services.session_publish(session=self.session)
            services.session_publish(session=self.session)  # already published: no second notice
        notice = Notice.objects.get(user=self.bob, kind="agenda")
        self.assertIn("Test Jinan session", notice.subject)
        self.assertEqual(notice.url, f"/en/meetings/{self.session.slug}/agenda/i2cool/")
        self.assertFalse(Notice.objects.filter(user=self.dave).exists())  # not a participant

    def test_staff_create_and_edit_sessions_members_cannot(self):
        self.login(self.bob)
        self.assertEqual(self.client.get("/en/meetings/new/").status_code, 403)
        self.login(self.alice)
        data = {
            "name_zh_hant": "煙台對接會",
            "place": self.session.place_id,
            "date": "2023-10-16",
            "start_time": "09:30",
            "slot_minutes": 15,
            "slots": 8,
            "morning_slots": 9,
            "lunch_minutes": 0,
            "tables": 4,
            "fairness": 2,
            "time_zone": "Asia/Shanghai",
            "registration": "approval",
            "who_meets": "across",
            "visitor_quota": 6,
            "status": "draft",
            "visibility": "partners",
        }
        response = self.client.post("/en/meetings/new/", data)
        self.assertEqual(response.status_code, 200)  # morning longer than the session
        self.assertContains(response, "The morning cannot have more slots")
        self.assertFalse(MatchmakingSession.objects.filter(name_zh_hant="煙台對接會").exists())
        data["morning_slots"] = 4
        response = self.client.post("/en/meetings/new/", data)
        session = MatchmakingSession.objects.get(name_zh_hant="煙台對接會")
        self.assertRedirects(response, session.get_absolute_url())
        self.assertEqual((session.name_zh_hans, session.created_by), ("烟台对接会", self.alice))
        self.assertEqual((session.registration, session.who_meets, session.visitor_quota), ("approval", "across", 6))


class EscapingTests(MeetingsTestCase):
    def test_names_are_escaped_in_pages(self):
        self.luoxin.name_en = '<script>alert("x")</script>'
        self.luoxin.save()
        services.request_create(session=self.session, requester=self.luoxin, requested=self.i2cool, status="accepted")
        scheduling.session_schedule(session=self.session, time_limit=10)
        self.login(self.alice)
        for suffix in ("", "schedule/", "agenda/i2cool/"):
            response = self.client.get(f"/en/meetings/{self.session.slug}/{suffix}")
            self.assertNotContains(response, '<script>alert("x")</script>')
            self.assertContains(response, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;")


class BackgroundScheduleTests(MeetingsTestCase):
    def test_with_a_worker_the_scheduler_runs_as_a_job_and_the_job_page_links_to_the_schedule(self):
        from django.test import override_settings

        from innobridge.jobs.models import Job
        from innobridge.jobs.services import run_queue

        self.login(self.alice)
        url = f"/en/meetings/{self.session.slug}/"
        with override_settings(JOBS_MODE="worker"):
            response = self.client.post(url + "run/", {"action": "schedule", "time_limit": "5"})
        job = Job.objects.get(kind="meetings.schedule")
        self.assertRedirects(response, job.get_absolute_url())
        self.assertEqual(job.status, "queued")
        run_queue("test-worker")
        job.refresh_from_db()
        self.assertEqual(job.status, "done", job.error)
        self.assertContains(self.client.get(job.get_absolute_url()), url + "schedule/")

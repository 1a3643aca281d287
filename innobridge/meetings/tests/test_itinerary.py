"""A delegation's printable itinerary and its one calendar file: every day, travel leg, event and session,
with the reader's own meetings once published; for the delegation's organisations and staff only."""

from datetime import datetime
from zoneinfo import ZoneInfo

from innobridge.directory.models import Place
from innobridge.meetings import scheduling, services
from innobridge.meetings.tests.base import MeetingsTestCase


class ItineraryTests(MeetingsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        services.request_create(session=cls.session, requester=cls.luoxin, requested=cls.i2cool, status="accepted")
        scheduling.session_schedule(session=cls.session, time_limit=10)
        services.session_publish(session=cls.session)
        services.travel_leg_save(
            delegation=cls.delegation,
            from_place=Place.objects.get(slug="qingdao"),
            to_place=Place.objects.get(slug="jinan"),
            depart=datetime(2023, 10, 18, 8, 30, tzinfo=ZoneInfo("Asia/Shanghai")),
            minutes=150,
            mode="train",
            note="G-train, coach 5",
        )

    def url(self, suffix: str = "itinerary/") -> str:
        return f"/en/delegations/{self.delegation.slug}/{suffix}"

    def test_a_member_prints_every_day_with_its_own_meetings(self):
        self.login(self.bob)  # i2Cool travels with the delegation
        page = self.client.get(self.url())
        self.assertContains(page, "G-train, coach 5")
        self.assertContains(page, "Test Jinan session")
        self.assertContains(page, self.luoxin.name_en)  # i2Cool's meeting with Luoxin
        self.assertContains(page, "Courtesy call on Shandong")
        self.assertContains(page, "prepared for")

    def test_the_calendar_file_holds_legs_sessions_events_and_own_meetings(self):
        self.login(self.bob)
        response = self.client.get(self.url("itinerary.ics"))
        self.assertEqual(response["Content-Type"], "text/calendar; charset=utf-8")
        body = response.content.decode()
        self.assertIn("G-train\\, coach 5", body)
        self.assertIn("SUMMARY:Test Jinan session", body)
        self.assertEqual(body.count("Meeting with"), 1)
        self.assertIn("Courtesy call on Shandong", body)
        self.assertIn("DTSTART;VALUE=DATE:20231020", body)

    def test_outsiders_and_anonymous_visitors_are_refused(self):
        self.login(self.dave)  # HKU does not travel with this delegation
        self.assertEqual(self.client.get(self.url()).status_code, 403)
        self.assertEqual(self.client.get(self.url("itinerary.ics")).status_code, 403)
        self.client.logout()
        self.assertEqual(self.client.get(self.url()).status_code, 302)
        self.login(self.alice)
        self.assertEqual(self.client.get(self.url()).status_code, 200)

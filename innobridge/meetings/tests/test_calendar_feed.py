"""The personal calendar address: made and shown once, a secret that opens the feed without signing in,
revoked or replaced at will; the feed holds the organisation's meetings in published sessions and its
delegations' events, and nothing of other organisations."""

import re

from django.test import Client

from innobridge.accounts.models import CalendarFeed
from innobridge.meetings import scheduling, services
from innobridge.meetings.tests.base import MeetingsTestCase


class CalendarFeedTests(MeetingsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        services.request_create(session=cls.session, requester=cls.luoxin, requested=cls.i2cool, status="accepted")
        services.request_create(session=cls.session, requester=cls.cair, requested=cls.queshua, status="accepted")
        scheduling.session_schedule(session=cls.session, time_limit=10)

    def make_address(self) -> str:
        self.login(self.bob)
        page = self.client.post("/en/meetings/calendar/", {"action": "create"})
        return re.search(r'value="https?://testserver(/calendar/[^"]+\.ics)"', page.content.decode()).group(1)

    def test_the_feed_holds_our_meetings_once_published_and_nobody_elses(self):
        address = self.make_address()
        self.assertNotIn(address.split("/")[-1][:-4], CalendarFeed.objects.get(user=self.bob).secret_hash)
        outsider = Client()
        before = outsider.get(address)
        self.assertEqual(before["Content-Type"], "text/calendar; charset=utf-8")
        self.assertNotIn(b"Meeting with", before.content)  # the session is not published yet
        self.assertIn(b"Courtesy call on Shandong", before.content)  # i2Cool travels with the seed delegation
        services.session_publish(session=self.session)
        body = outsider.get(address).content.decode()
        self.assertEqual(body.count("Meeting with"), 1)
        self.assertIn(self.luoxin.name_en.split(",")[0], body)  # iCalendar escapes commas
        self.assertNotIn(self.queshua.name_en.split(",")[0], body)

    def test_replacing_or_revoking_the_address_closes_the_old_one(self):
        first = self.make_address()
        second = self.make_address()
        self.assertEqual(Client().get(first).status_code, 404)
        self.assertEqual(Client().get(second).status_code, 200)
        self.client.post("/en/meetings/calendar/", {"action": "revoke"})
        self.assertEqual(Client().get(second).status_code, 404)
        self.assertEqual(Client().get("/calendar/not-a-secret.ics").status_code, 404)

    def test_an_inactive_users_address_stops_working(self):
        address = self.make_address()
        self.bob.is_active = False
        self.bob.save()
        self.assertEqual(Client().get(address).status_code, 404)

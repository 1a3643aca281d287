from innobridge.matching.tests.base import MatchingTestCase
from innobridge.meetings import services
from innobridge.meetings.models import MatchmakingSession, MeetingRequest


class SuggestionButtonTests(MatchingTestCase):
    """The need of Hualu (a Qingdao buyer) suggests i2Cool's cooling film; Hualu's member asks to meet."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        from django.contrib.auth.models import User

        from innobridge.directory.models import Membership
        from innobridge.testing import PASSWORD

        cls.erin = User.objects.create_user("erin", "erin@example.org", PASSWORD)
        Membership.objects.create(user=cls.erin, organisation=cls.buyer)
        cls.open_session = MatchmakingSession.objects.get(slug="jinan-b2b-2023-10")
        services.participant_add(session=cls.open_session, organisation=cls.buyer)

    def need_page(self):
        return self.client.get(self.need.get_absolute_url())

    def test_a_member_of_a_participating_organisation_gets_the_button_and_one_click_sends_a_request(self):
        self.login(self.erin)
        response = self.need_page()
        self.assertContains(response, "Request a meeting at Jinan B2B matchmaking")
        response = self.client.post(
            "/en/meetings/from-suggestion/",
            {
                "kind": "offer",
                "record": self.cooling.slug,
                "from": self.need.slug,
                "session": self.open_session.slug,
                "next": self.need.get_absolute_url(),
            },
        )
        self.assertRedirects(response, self.need.get_absolute_url(), fetch_redirect_response=False)
        request = MeetingRequest.objects.get(session=self.open_session, requester=self.buyer)
        self.assertEqual(
            (request.requester, request.requested, request.source, request.offer, request.need, request.status),
            (self.buyer, self.i2cool, "suggestion", self.cooling, self.need, "pending"),
        )

    def test_no_button_once_the_session_is_published_nor_for_anonymous_visitors(self):
        MatchmakingSession.objects.filter(pk=self.open_session.pk).update(status="published")
        self.login(self.erin)
        self.assertNotContains(self.need_page(), "Request a meeting")
        self.client.logout()
        self.assertNotContains(self.need_page(), "Request a meeting")

    def test_one_cannot_post_into_a_session_ones_organisation_is_not_part_of(self):
        self.login(self.erin)
        response = self.client.post(
            "/en/meetings/from-suggestion/",
            {"kind": "offer", "record": self.cooling.slug, "session": "qingdao-b2b-2023-10"},
        )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(MeetingRequest.objects.filter(requester=self.buyer).exists())

    def test_the_next_address_cannot_send_the_reader_to_another_site(self):
        self.login(self.erin)
        for back in (
            "https://evil.example/",
            "//evil.example/",
            "/\\evil.example/",
            "\\\\evil.example",
            "/\t/evil.example",
        ):
            MeetingRequest.objects.filter(session=self.open_session).delete()
            response = self.client.post(
                "/en/meetings/from-suggestion/",
                {
                    "kind": "offer",
                    "record": self.cooling.slug,
                    "from": self.need.slug,
                    "session": self.open_session.slug,
                    "next": back,
                },
            )
            self.assertEqual(response.status_code, 302, back)
            self.assertEqual(response["Location"], self.open_session.get_absolute_url(), back)

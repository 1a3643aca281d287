from innobridge.directory.models import Place
from innobridge.meetings.models import TravelLeg
from innobridge.meetings.tests.base import MeetingsTestCase


class DelegationPlanTests(MeetingsTestCase):
    url = "/en/delegations/hkstp-to-shandong-2023-10/plan/"

    def test_the_plan_lists_days_cities_legs_events_and_sessions(self):
        self.login(self.bob)
        response = self.client.get(self.url)
        self.assertContains(response, "Qingdao → Jinan")
        self.assertContains(response, "Test Jinan session")
        self.assertContains(response, "Qingdao B2B matchmaking")
        self.assertContains(response, "Jinan Hi-tech")  # the site visit on 19 October
        text = response.content.decode()
        self.assertLess(text.index("Yantai → Qingdao"), text.index("Qingdao B2B matchmaking"))
        self.assertLess(text.index("Qingdao B2B matchmaking"), text.index("Test Jinan session"))
        # Cities of the day follow the travel legs: 19 October is spent in Jinan.
        self.assertIn("(Thursday) · Jinan</h2>", text)
        self.assertIn("(Monday) · Hong Kong, Yantai</h2>", text)

    def test_anonymous_visitors_see_the_public_plan_without_travel_legs_or_partners_only_sessions(self):
        response = self.client.get(self.url)
        self.assertNotContains(response, "Qingdao → Jinan")  # flights and trains: the delegation's own only
        self.assertContains(response, "Travel details (flights, trains and times) are shown")
        self.assertContains(response, "Jinan Hi-tech")
        self.assertNotContains(response, "Test Jinan session")
        self.assertNotContains(response, "Add a travel leg")

    def test_staff_add_and_edit_travel_legs(self):
        self.login(self.alice)
        jinan, yantai = Place.objects.get(slug="jinan"), Place.objects.get(slug="yantai")
        data = {
            "from_place": jinan.pk,
            "to_place": yantai.pk,
            "depart": "2023-10-20T08:00",
            "minutes": 150,
            "mode": "train",
            "note": "",
        }
        response = self.client.post(self.url + "legs/new/", data)
        self.assertRedirects(response, self.url)
        leg = TravelLeg.objects.get(from_place=jinan, to_place=yantai)
        self.assertEqual(leg.depart.isoformat(), "2023-10-20T00:00:00+00:00")
        data["to_place"] = jinan.pk
        response = self.client.post(self.url + f"legs/{leg.reference}/", {**data, "edit_version": leg.version})
        self.assertContains(response, "two different places")
        leg.refresh_from_db()
        self.assertEqual(leg.to_place, yantai)

    def test_members_cannot_edit_travel_legs(self):
        self.login(self.bob)
        leg = TravelLeg.objects.first()
        self.assertEqual(self.client.get(self.url + "legs/new/").status_code, 403)
        self.assertEqual(self.client.post(self.url + f"legs/{leg.reference}/", {"delete": "1"}).status_code, 403)
        self.assertTrue(TravelLeg.objects.filter(pk=leg.pk).exists())

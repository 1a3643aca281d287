from innobridge.matching.models import ContactRequest, TechnologyOffer
from innobridge.matching.tests.base import MatchingTestCase


class ContactRequestTests(MatchingTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        ContactRequest.objects.all().delete()  # the demo's own; these tests count from none
        TechnologyOffer.objects.filter(pk=cls.cooling.pk).update(anonymous=True)

    def offer_url(self):
        return f"/en/offers/{self.cooling.slug}/"

    def test_an_anonymous_offer_hides_its_owner_until_the_request_is_accepted(self):
        self.login(self.carol)
        self.assertNotContains(self.client.get(self.offer_url()), "i2Cool")
        self.client.post(f"/en/interest/offer/{self.cooling.slug}/", {"message": "We make films too."})
        request = ContactRequest.objects.get()
        self.assertEqual((request.requester, request.recipient), (self.zehao, self.i2cool))
        self.assertNotContains(self.client.get(request.get_absolute_url()), "i2Cool")

        self.login(self.bob)
        self.assertContains(self.client.get("/en/contact-requests/"), self.cooling.title)
        self.client.post(request.get_absolute_url(), {"decision": "accept", "answer": "Let us talk."})
        request.refresh_from_db()
        self.assertEqual(request.status, "accepted")

        self.login(self.carol)
        self.assertContains(self.client.get(self.offer_url()), "i2Cool")

    def test_staff_see_every_request(self):
        self.login(self.carol)
        self.client.post(f"/en/interest/offer/{self.cooling.slug}/", {"message": ""})
        self.login(self.alice)
        self.assertContains(self.client.get("/en/contact-requests/"), self.cooling.title)

    def test_a_third_party_can_neither_see_nor_answer(self):
        self.login(self.carol)
        self.client.post(f"/en/interest/offer/{self.cooling.slug}/", {})
        request = ContactRequest.objects.get()
        from django.contrib.auth.models import User

        from innobridge.directory.models import Membership

        eve = User.objects.create_user("eve")
        Membership.objects.create(user=eve, organisation=self.buyer)
        self.login(eve)
        self.assertEqual(self.client.get(request.get_absolute_url()).status_code, 403)
        self.assertEqual(self.client.post(request.get_absolute_url(), {"decision": "accept"}).status_code, 403)
        self.assertEqual(ContactRequest.objects.get().status, "pending")

    def test_the_requester_cannot_answer_its_own_request(self):
        self.login(self.carol)
        self.client.post(f"/en/interest/offer/{self.cooling.slug}/", {})
        request = ContactRequest.objects.get()
        self.assertEqual(self.client.post(request.get_absolute_url(), {"decision": "accept"}).status_code, 403)

    def test_an_organisation_cannot_contact_itself(self):
        self.login(self.bob)
        self.client.post(f"/en/interest/offer/{self.cooling.slug}/", {})
        self.assertFalse(ContactRequest.objects.exists())

    def test_anonymous_visitors_must_log_in(self):
        r = self.client.post(f"/en/interest/offer/{self.cooling.slug}/", {})
        self.assertEqual(r.status_code, 302)
        self.assertEqual(self.client.get("/en/contact-requests/").status_code, 302)

    def test_a_second_request_while_one_is_pending_creates_nothing(self):
        self.login(self.carol)
        self.client.post(f"/en/interest/offer/{self.cooling.slug}/", {})
        self.client.post(f"/en/interest/offer/{self.cooling.slug}/", {})
        self.assertEqual(ContactRequest.objects.count(), 1)

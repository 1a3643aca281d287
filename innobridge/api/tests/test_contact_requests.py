"""Contact requests through the API: list one's own, create, accept or decline; identity revealed on acceptance."""

from innobridge.api.tests.base import ApiTestCase
from innobridge.lib.models import Visibility
from innobridge.matching.models import ContactRequest, TechnologyOffer


class ContactRequestApiTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        ContactRequest.objects.all().delete()  # the demo's own; these tests count from none
        TechnologyOffer.objects.filter(pk=cls.cooling.pk).update(anonymous=True)

    def send(self, user, **body):
        return self.api("/contact-requests", user, method="post", data=body, content_type="application/json")

    def test_an_anonymous_offer_is_revealed_only_after_acceptance(self):
        r = self.send(self.carol, offer=self.cooling.slug, message="Interested")
        self.assertEqual(r.status_code, 201)
        created = r.json()
        self.assertNotIn("recipient", created)
        self.assertEqual(created["requester"], self.zehao.slug)
        self.assertNotIn("owner", self.api(f"/offers/{self.cooling.slug}", self.carol).json())

        mine = self.api("/contact-requests", self.bob).json()["items"]
        self.assertEqual([c["slug"] for c in mine], [created["slug"]])
        r = self.api(
            f"/contact-requests/{created['slug']}/answer",
            self.bob,
            method="post",
            data={"decision": "accept", "answer": "Let us talk"},
            content_type="application/json",
        )
        self.assertEqual(r.json()["status"], "accepted")
        self.assertEqual(self.api(f"/contact-requests/{created['slug']}", self.carol).json()["recipient"], "i2cool")
        self.assertEqual(self.api(f"/offers/{self.cooling.slug}", self.carol).json()["owner"], "i2cool")

    def test_only_the_recipient_answers_and_only_once(self):
        slug = self.send(self.carol, offer=self.cooling.slug).json()["slug"]
        answer = {"decision": "decline"}
        path = f"/contact-requests/{slug}/answer"
        kw = {"method": "post", "data": answer, "content_type": "application/json"}
        self.assertEqual(self.api(path, self.carol, **kw).status_code, 403)
        self.assertEqual(self.api(path, **kw).status_code, 401)
        self.assertEqual(self.api(path, self.bob, **kw).json()["status"], "declined")
        r = self.api(path, self.bob, **kw)
        self.assertEqual(r.status_code, 400)
        self.assertIn("already been answered", r.json()["detail"])

    def test_outsiders_neither_see_nor_answer_a_request(self):
        from django.contrib.auth.models import User

        from innobridge.accounts.tokens import token_create
        from innobridge.directory.models import Membership

        slug = self.send(self.carol, offer=self.cooling.slug).json()["slug"]
        eve = User.objects.create_user("eve")
        Membership.objects.create(user=eve, organisation=self.buyer)
        self.tokens["eve"] = token_create(user=eve, name="eve")[1]
        self.assertEqual(self.api(f"/contact-requests/{slug}", eve).status_code, 404)
        self.assertEqual(self.api("/contact-requests", eve).json()["items"], [])
        r = self.api(
            f"/contact-requests/{slug}/answer",
            eve,
            method="post",
            data={"decision": "accept"},
            content_type="application/json",
        )
        self.assertEqual(r.status_code, 404)
        self.assertEqual(ContactRequest.objects.get().status, "pending")

    def test_bad_requests_are_refused_and_change_nothing(self):
        self.assertEqual(self.send(self.carol).status_code, 400)
        self.assertEqual(self.send(self.carol, offer=self.cooling.slug, need=self.need.slug).status_code, 400)
        self.assertEqual(self.send(self.bob, offer=self.cooling.slug).status_code, 400)  # own organisation
        self.assertEqual(self.send(self.carol, offer="offer-nope").status_code, 404)
        self.assertEqual(self.send(self.carol, offer=self.offers[Visibility.CONFIDENTIAL].slug).status_code, 404)
        self.assertEqual(self.send(self.alice, offer=self.cooling.slug).status_code, 403)  # staff, no organisation
        self.assertEqual(self.send(None, offer=self.cooling.slug).status_code, 401)
        self.assertEqual(self.send(self.carol, offer=self.cooling.slug, message="x" * 2001).status_code, 422)
        self.assertFalse(ContactRequest.objects.exists())

    def test_anonymous_callers_cannot_list_requests(self):
        r = self.api("/contact-requests")
        self.assertEqual(r.status_code, 401)
        self.assertIn("detail", r.json())

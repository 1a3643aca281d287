"""Anonymous visitors see public offers and needs as teasers on the web, as in the API.

A teaser keeps what helps someone decide to sign in (title, summary, sectors, maturity, places) and
drops whatever identifies the owner: its name, the contact person, the free text, the suggestions
(which quote the other side's free text), and the owner's page listing its records.
"""

from innobridge.lib.models import Visibility
from innobridge.matching import services
from innobridge.matching.tests.base import MatchingTestCase
from innobridge.pipeline import services as pipeline
from innobridge.programmes.models import Agreement


class WebTeaserTests(MatchingTestCase):
    def test_an_anonymous_visitor_gets_an_offer_without_owner_contact_or_free_text(self):
        r = self.client.get(self.cooling.get_absolute_url())
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, self.cooling.title)
        self.assertContains(r, self.cooling.summary)
        self.assertContains(r, "TRL 8")
        for hidden in (self.i2cool.name, "創冷", self.cooling.description, self.i2cool.get_absolute_url()):
            self.assertNotContains(r, hidden)
        self.assertEqual(r.context["suggestions"], [])
        self.assertContains(r, "shown to signed-in partners")

    def test_an_anonymous_offer_does_not_promise_its_owner_to_anonymous_visitors(self):
        services.offer_save(offer=self.cooling, anonymous=True)
        page = self.client.get(self.cooling.get_absolute_url())
        self.assertContains(page, "Owner hidden until a contact request is accepted")
        self.assertNotContains(page, "Owner shown to signed-in partners")
        self.assertContains(self.client.get("/en/offers/"), "Owner hidden until a contact request is accepted")

    def test_a_signed_in_partner_gets_the_whole_offer(self):
        self.login(self.carol)
        r = self.client.get(self.cooling.get_absolute_url())
        self.assertContains(r, self.i2cool.name)
        self.assertContains(r, self.cooling.description)
        self.assertTrue(r.context["suggestions"])

    def test_an_anonymous_visitor_gets_a_need_without_owner_or_description(self):
        r = self.client.get(self.need.get_absolute_url())
        self.assertContains(r, self.need.title)
        self.assertNotContains(r, self.buyer.name)
        self.assertNotContains(r, self.need.description)
        self.assertNotContains(r, self.cooling.title)  # no suggestions either
        self.login(self.carol)
        r = self.client.get(self.need.get_absolute_url())
        self.assertContains(r, self.buyer.name)
        self.assertContains(r, self.need.description)

    def test_lists_name_no_owner_to_anonymous_visitors(self):
        for url, record, owner in (("/en/offers/", self.tower, self.zehao), ("/en/needs/", self.need, self.buyer)):
            r = self.client.get(url)
            self.assertContains(r, record.title)
            self.assertNotContains(r, owner.name)
            self.login(self.carol)
            self.assertContains(self.client.get(url), owner.name)
            self.client.logout()

    def test_the_owner_page_does_not_tie_teasers_to_their_owner(self):
        r = self.client.get(self.zehao.get_absolute_url())
        self.assertNotContains(r, self.tower.get_absolute_url())
        self.assertNotContains(r, self.tower.title)
        self.login(self.bob)
        self.assertContains(self.client.get(self.zehao.get_absolute_url()), self.tower.get_absolute_url())

    def test_every_language_hides_the_same(self):
        for lang in ("en", "zh-hant", "zh-hans"):
            r = self.client.get(f"/{lang}/offers/{self.cooling.slug}/")
            self.assertEqual(r.status_code, 200)
            self.assertNotContains(r, self.cooling.description)
            self.assertNotContains(r, "i2Cool")


class AgreementLinkTests(MatchingTestCase):
    """An agreement page names the offers and needs it came from only to readers who may see them."""

    def setUp(self):
        super().setUp()
        self.agreement = Agreement.objects.get(slug="sco-cold-chain-cooling-pilot-2024")
        self.secret = services.offer_save(
            owner=self.zehao,
            title="Unannounced alloy process",
            status="published",
            visibility=Visibility.CONFIDENTIAL,
        )
        pipeline.agreement_set_pipeline(agreement=self.agreement, offers=[self.cooling, self.secret], needs=[self.need])

    def test_a_confidential_offer_behind_a_public_agreement_stays_hidden(self):
        self.login(self.bob)
        r = self.client.get(self.agreement.get_absolute_url())
        self.assertContains(r, self.cooling.title)
        self.assertNotContains(r, self.secret.title)
        self.login(self.carol)
        self.assertContains(self.client.get(self.agreement.get_absolute_url()), self.secret.title)

    def test_anonymous_readers_see_the_agreement_but_no_linked_record(self):
        r = self.client.get(self.agreement.get_absolute_url())
        self.assertEqual(r.status_code, 200)
        for record in (self.cooling, self.secret, self.need):
            self.assertNotContains(r, record.title)

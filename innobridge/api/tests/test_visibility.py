"""Offers and needs through the API, per persona and visibility level, with anonymous teasers."""

from innobridge.api.tests.base import ApiTestCase
from innobridge.lib.models import Visibility
from innobridge.matching.models import TechnologyOffer

PUBLIC, PARTNERS, CONFIDENTIAL = Visibility.PUBLIC, Visibility.PARTNERS, Visibility.CONFIDENTIAL
TEASER_HIDDEN = {"owner", "owner_name", "description", "contact", "scenarios"}


class VisibilityTests(ApiTestCase):
    def expected(self):
        """Persona -> levels of i2Cool's records they may read."""
        return {
            None: {PUBLIC},
            self.carol: {PUBLIC, PARTNERS},
            self.bob: {PUBLIC, PARTNERS, CONFIDENTIAL},
            self.alice: {PUBLIC, PARTNERS, CONFIDENTIAL},
        }

    def test_each_persona_reads_exactly_the_offers_and_needs_allowed(self):
        for kind, records in (("offers", self.offers), ("needs", self.needs)):
            for user, allowed in self.expected().items():
                listed = {i["slug"] for i in self.api(f"/{kind}?q={kind[:-1]}", user).json()["items"]}
                for level, record in records.items():
                    with self.subTest(kind=kind, user=user, level=level):
                        status = self.api(f"/{kind}/{record.slug}", user).status_code
                        self.assertEqual(status, 200 if level in allowed else 404)
                        self.assertEqual(record.slug in listed, level in allowed)

    def test_anonymous_callers_get_teasers_without_owner_or_free_text(self):
        for kind, record in (("offers", self.offers[PUBLIC]), ("needs", self.needs[PUBLIC])):
            data = self.api(f"/{kind}/{record.slug}").json()
            self.assertEqual(data["title"], record.title)
            self.assertFalse(TEASER_HIDDEN & data.keys(), data)
            self.assertNotIn("i2cool", str(data).lower())
            listed = [i for i in self.api(f"/{kind}").json()["items"] if i["slug"] == record.slug]
            self.assertFalse(TEASER_HIDDEN & listed[0].keys())

    def test_signed_in_callers_see_the_owner_and_the_description(self):
        data = self.api(f"/offers/{self.offers[PARTNERS].slug}", self.carol).json()
        self.assertEqual((data["owner"], data["description"]), ("i2cool", self.offers[PARTNERS].description))
        data = self.api(f"/needs/{self.needs[PUBLIC].slug}", self.carol).json()
        self.assertEqual(data["owner"], "i2cool")

    def test_an_anonymous_offer_hides_its_owner_from_other_organisations_but_not_from_its_own(self):
        offer = self.offers[PARTNERS]
        TechnologyOffer.objects.filter(pk=offer.pk).update(anonymous=True)
        self.assertNotIn("owner", self.api(f"/offers/{offer.slug}", self.carol).json())
        self.assertEqual(self.api(f"/offers/{offer.slug}", self.bob).json()["owner"], "i2cool")
        self.assertEqual(self.api(f"/offers/{offer.slug}", self.alice).json()["owner"], "i2cool")

    def test_drafts_are_served_to_the_owner_and_staff_only(self):
        draft = self.offers[PUBLIC]
        TechnologyOffer.objects.filter(pk=draft.pk).update(status="draft")
        self.assertEqual(self.api(f"/offers/{draft.slug}").status_code, 404)
        self.assertEqual(self.api(f"/offers/{draft.slug}", self.carol).status_code, 404)
        self.assertEqual(self.api(f"/offers/{draft.slug}", self.bob).status_code, 200)

    def test_lists_take_the_filters_of_the_pages(self):
        items = self.api("/offers", self.bob, data={"trl": 9}).json()["items"]
        self.assertIn(self.tower.slug, [i["slug"] for i in items])
        self.assertTrue(all(i["trl"] >= 9 for i in items))
        found = [i["slug"] for i in self.api("/offers", self.bob, data={"q": "輻射制冷薄膜"}).json()["items"]]
        self.assertEqual(found, [self.cooling.slug])
        mine = {i["slug"] for i in self.api("/needs", self.bob, data={"mine": "true"}).json()["items"]}
        self.assertEqual(mine, {n.slug for n in self.needs.values()})
        near = {i["slug"] for i in self.api("/needs", data={"place": "shandong"}).json()["items"]}
        self.assertIn(self.need.slug, near)
        self.assertFalse(near & {n.slug for n in self.needs.values()})

    def test_bad_filter_values_are_refused_with_422(self):
        self.assertEqual(self.api("/offers", data={"trl": 12}).status_code, 422)
        self.assertEqual(self.api("/offers", data={"trl": "high"}).status_code, 422)

    def test_suggestions_carry_their_explanation_and_respect_visibility(self):
        data = self.api(f"/needs/{self.need.slug}/suggestions", self.carol).json()
        first = data[0]
        self.assertEqual(first["offer"]["slug"], self.cooling.slug)
        self.assertAlmostEqual(sum(first["contributions"].values()), first["score"], places=1)
        self.assertIn("green-tech", first["shared_sectors"])
        self.assertTrue(first["terms"])

    def test_anonymous_callers_get_no_suggestions_as_on_the_pages(self):
        # Matched terms quote descriptions that anonymous readers may not see.
        for path in (f"/needs/{self.need.slug}/suggestions", f"/offers/{self.cooling.slug}/suggestions"):
            r = self.api(path)
            self.assertEqual(r.status_code, 401, path)
            self.assertNotIn("terms", r.content.decode())
        page = self.client.get(self.need.get_absolute_url())
        self.assertEqual(page.context["suggestions"], [])

    def test_suggestions_for_an_unreadable_record_are_404(self):
        slug = self.needs[CONFIDENTIAL].slug
        self.assertEqual(self.api(f"/needs/{slug}/suggestions", self.carol).status_code, 404)
        slug = self.offers[CONFIDENTIAL].slug
        self.assertEqual(self.api(f"/offers/{slug}/suggestions", self.carol).status_code, 404)
        self.assertEqual(self.api(f"/offers/{slug}/suggestions", self.bob).status_code, 200)

    def test_suggested_needs_for_an_offer_are_explained(self):
        data = self.api(f"/offers/{self.cooling.slug}/suggestions", self.carol).json()
        self.assertEqual(data[0]["need"]["slug"], self.need.slug)
        self.assertEqual(data[0]["rank"], 1)

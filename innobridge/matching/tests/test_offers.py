from datetime import date, timedelta

from django.utils import timezone

from innobridge.lib.models import Visibility
from innobridge.matching import services
from innobridge.matching.models import TechnologyOffer
from innobridge.matching.tests.base import MatchingTestCase


class OfferListTests(MatchingTestCase):
    def test_search_finds_offers_in_any_script(self):
        results = []
        for q in ["辐射制冷", "輻射製冷"]:
            r = self.client.get("/en/offers/", {"q": q})
            results.append([o.slug for o in r.context["page"]])
            self.assertIn(self.cooling.slug, results[-1], q)
            self.assertNotIn(self.tower.slug, results[-1], q)
        self.assertEqual(results[0], results[1])

    def test_filters_by_sector_and_maturity(self):
        r = self.client.get("/en/offers/", {"sector": "ai-robotics"})
        self.assertIn(self.robot.slug, [o.slug for o in r.context["page"]])
        self.assertNotIn(self.cooling.slug, [o.slug for o in r.context["page"]])
        r = self.client.get("/en/offers/", {"trl": "7"})
        slugs = [o.slug for o in r.context["page"]]
        self.assertIn(self.cooling.slug, slugs)
        self.assertNotIn(self.robot.slug, slugs)

    def test_confidential_offers_are_listed_only_for_their_owner_and_staff(self):
        TechnologyOffer.objects.filter(pk=self.robot.pk).update(visibility=Visibility.CONFIDENTIAL)
        self.assertNotIn(self.robot.slug, [o.slug for o in self.client.get("/en/offers/").context["page"]])
        self.login(self.bob)
        self.assertNotIn(self.robot.slug, [o.slug for o in self.client.get("/en/offers/").context["page"]])
        self.assertEqual(self.client.get(f"/en/offers/{self.robot.slug}/").status_code, 404)
        self.login(self.carol)
        self.assertEqual(self.client.get(f"/en/offers/{self.robot.slug}/").status_code, 200)


class OfferEditTests(MatchingTestCase):
    def test_a_member_creates_an_offer_for_their_own_organisation(self):
        self.login(self.bob)
        r = self.client.post(
            "/en/offers/new/",
            {
                "title": "Cooling paint for container roofs",
                "description": "Water-based paint.",
                "trl": "6",
                "direction": "bring_in",
                "visibility": "public",
                "status": "published",
            },
        )
        offer = TechnologyOffer.objects.get(title="Cooling paint for container roofs")
        self.assertRedirects(r, offer.get_absolute_url(), fetch_redirect_response=False)
        self.assertEqual(offer.owner, self.i2cool)
        self.assertEqual(offer.language, "en")
        self.assertEqual(offer.expires_on, services.add_one_year(offer.published_on))

    def test_a_member_cannot_edit_another_organisations_offer(self):
        self.login(self.bob)
        r = self.client.post(f"/en/offers/{self.robot.slug}/edit/", {"title": "Hijacked"})
        self.assertEqual(r.status_code, 403)
        self.assertEqual(TechnologyOffer.objects.get(pk=self.robot.pk).title, "仓储拣选机器人")

    def test_anonymous_visitors_are_sent_to_login(self):
        for url in ["/en/offers/new/", f"/en/offers/{self.robot.slug}/edit/", "/en/needs/new/"]:
            self.assertEqual(self.client.get(url).status_code, 302, url)

    def test_users_without_an_organisation_cannot_create(self):
        from django.contrib.auth.models import User

        self.client.force_login(User.objects.create_user("loner"))
        self.assertEqual(self.client.get("/en/offers/new/").status_code, 403)

    def test_a_published_offer_expires_after_twelve_months_unless_renewed(self):
        old = services.offer_save(
            owner=self.i2cool, title="Old idea", status="published", today=timezone.localdate() - timedelta(days=400)
        )
        listed = self.client.get("/en/offers/", {"q": "Old idea"}).context["page"]
        self.assertNotIn(old.slug, [o.slug for o in listed])
        self.assertEqual(services.offers_expire(), 1)
        self.login(self.bob)
        self.client.post(f"/en/offers/{old.slug}/renew/")
        old.refresh_from_db()
        self.assertEqual(old.status, "published")
        self.assertIn(old.slug, [o.slug for o in self.client.get("/en/offers/", {"q": "Old idea"}).context["page"]])

    def test_one_year_after_29_february_is_28_february(self):
        self.assertEqual(services.add_one_year(date(2024, 2, 29)), date(2025, 2, 28))


class IndexTests(MatchingTestCase):
    def test_a_new_offer_is_suggested_and_unchanged_texts_are_not_tokenised_again(self):
        from unittest import mock

        from innobridge.matching import index
        from innobridge.matching.selectors import offers_for_need

        offers_for_need(need=self.need, user=self.alice)  # builds the index once
        fresh = services.offer_save(
            owner=self.zehao, title="屋頂冷卻塗料", description="反射陽光的屋頂塗料，夏天降溫。", status="published"
        )
        with mock.patch.object(index, "field_terms", wraps=index.field_terms) as spy:
            found = [s.record.slug for s in offers_for_need(need=self.need, user=self.alice, top=20)]
        self.assertIn(fresh.slug, found)
        self.assertEqual([call.args[0] for call in spy.call_args_list], [fresh.title])  # only the new offer

    def test_vectors_are_computed_once_per_text_and_again_only_when_it_changes(self):
        from innobridge.matching.models import StoredVector
        from innobridge.matching.selectors import offers_for_need

        offers_for_need(need=self.need, user=self.alice)
        before = StoredVector.objects.count()
        services.offer_save(offer=self.robot, status="published", trl=7)  # same text
        offers_for_need(need=self.need, user=self.alice)
        self.assertEqual(StoredVector.objects.count(), before)
        services.offer_save(offer=self.robot, description="基于机器视觉与深度学习的自动拣选机器人。")
        offers_for_need(need=self.need, user=self.alice)
        self.assertEqual(StoredVector.objects.count(), before + 1)


class StaffCreateTests(MatchingTestCase):
    def test_staff_choose_the_owner_by_name_then_get_the_form(self):
        self.login(self.alice)
        r = self.client.get("/en/offers/new/")
        self.assertContains(r, "Which organisation is it for?")
        r = self.client.get("/en/offers/new/", {"q": "创冷"})
        self.assertContains(r, "?owner=i2cool")
        r = self.client.get("/en/offers/new/", {"owner": "i2cool"})
        self.assertContains(r, 'name="title"')

from innobridge.lib.models import Visibility
from innobridge.matching import index, services
from innobridge.matching.models import StoredVector, TechnologyNeed
from innobridge.matching.tests.base import MatchingTestCase


class NeedDetailTests(MatchingTestCase):
    """Seen by a member of another organisation (carol, zehao): the full record with suggestions."""

    def setUp(self):
        super().setUp()
        self.login(self.carol)

    def url(self, lang="en"):
        return f"/{lang}/needs/{self.need.slug}/"

    def test_it_suggests_the_traditional_chinese_offer_for_a_simplified_need_first(self):
        r = self.client.get(self.url())
        self.assertEqual(r.status_code, 200)
        suggestions = r.context["suggestions"]
        self.assertEqual(suggestions[0].record.slug, self.cooling.slug)

    def test_each_suggestion_explains_its_score(self):
        s = self.client.get(self.url()).context["suggestions"][0]
        self.assertEqual(round(sum(s.match.contributions.values()), 1), s.match.score)
        self.assertIn("green-tech", s.match.shared_sectors)

    def test_matching_terms_are_highlighted_in_both_texts(self):
        s = self.client.get(self.url()).context["suggestions"][0]
        offer_marks = "".join(t for t, hit in s.title_pieces + s.text_pieces if hit)
        need_marks = "".join(t for t, hit in s.query_title_pieces + s.query_text_pieces if hit)
        self.assertIn("冷", offer_marks)
        self.assertIn("冷", need_marks)
        self.assertContains(self.client.get(self.url()), "<mark>")

    def test_the_owner_never_sees_its_own_offers_suggested(self):
        self.login(self.bob)
        own = self.client.get(f"/en/offers/{self.cooling.slug}/").context["suggestions"]
        self.assertTrue(own)
        self.assertNotIn(self.cooling.owner_id, [s.record.owner_id for s in own])

    def test_confidential_needs_are_hidden_from_other_organisations(self):
        TechnologyNeed.objects.filter(pk=self.need.pk).update(visibility=Visibility.CONFIDENTIAL)
        self.client.logout()
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        self.login(self.bob)
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        self.login(self.alice)
        self.assertEqual(self.client.get(self.url()).status_code, 200)

    def test_partners_only_needs_need_a_login(self):
        TechnologyNeed.objects.filter(pk=self.need.pk).update(visibility=Visibility.PARTNERS)
        self.client.logout()
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        self.login(self.bob)
        self.assertEqual(self.client.get(self.url()).status_code, 200)

    def test_drafts_are_visible_only_to_the_owner_and_staff(self):
        TechnologyNeed.objects.filter(pk=self.need.pk).update(status="draft")
        self.login(self.bob)
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        self.login(self.alice)
        self.assertEqual(self.client.get(self.url()).status_code, 200)

    def test_it_renders_in_every_language(self):
        for lang in ("en", "zh-hant", "zh-hans"):
            self.assertEqual(self.client.get(self.url(lang)).status_code, 200)


class PartnerSuggestionTests(MatchingTestCase):
    def test_members_see_partner_suggestions_for_their_organisation(self):
        self.login(self.bob)
        r = self.client.get("/en/organisations/i2cool/")
        partners = r.context["partners"]
        self.assertTrue(partners)
        self.assertNotIn("i2cool", [p.record.slug for p in partners])
        for p in partners:
            self.assertEqual(round(sum(p.match.contributions.values()), 1), p.match.score)

    def test_outsiders_do_not_get_partner_suggestions(self):
        self.assertEqual(self.client.get("/en/organisations/i2cool/").context["partners"], [])
        self.login(self.carol)
        self.assertEqual(self.client.get("/en/organisations/i2cool/").context["partners"], [])

    def test_the_organisation_page_lists_its_published_offers(self):
        self.login(self.carol)
        self.assertContains(self.client.get("/en/organisations/i2cool/"), self.cooling.get_absolute_url())


class ReadsDoNotWriteTests(MatchingTestCase):
    """A page view reads: the query vector of a record is stored when the record is saved, and a page
    that finds none encodes it in memory without writing to the database (issue 21)."""

    def test_viewing_suggestions_writes_no_query_vector_even_when_none_is_stored(self):
        if index.encoder() is None:
            self.skipTest("no sentence encoder installed")
        self.login(self.carol)
        self.client.get(f"/en/needs/{self.need.slug}/")  # the index is built (and its document vectors kept)
        StoredVector.objects.filter(key__startswith="q:").delete()
        index._query_cache.clear()
        before = StoredVector.objects.count()
        first = self.client.get(f"/en/needs/{self.need.slug}/").context["suggestions"]
        again = self.client.get(f"/en/needs/{self.need.slug}/").context["suggestions"]
        self.assertEqual(StoredVector.objects.count(), before)
        self.assertTrue(first)
        self.assertEqual([s.match.score for s in first], [s.match.score for s in again])

    def test_saving_a_published_record_stores_its_query_vector(self):
        if index.encoder() is None:
            self.skipTest("no sentence encoder installed")
        StoredVector.objects.filter(key__startswith="q:").delete()
        with self.captureOnCommitCallbacks(execute=True):
            services.need_save(need=self.need, title=self.need.title + "（修訂）")
        self.assertTrue(StoredVector.objects.filter(key__startswith="q:").exists())


class PlainWordsTests(MatchingTestCase):
    """Explanations in plain words, sectors by name, amounts with grouped digits (issue 17)."""

    def setUp(self):
        super().setUp()
        self.login(self.carol)

    def test_the_score_is_explained_in_words_and_the_shared_sector_by_its_name(self):
        green = self.need.sectors.get()
        for lang, words in (("en", "Words in common"), ("zh-hant", "共同詞語"), ("zh-hans", "共同词语")):
            page = self.client.get(f"/{lang}/needs/{self.need.slug}/").content.decode()
            self.assertIn(words, page)
            self.assertNotIn("BM25", page)
        page = self.client.get(f"/en/needs/{self.need.slug}/").content.decode()
        self.assertIn(f"<strong>Same sector:</strong> {green.name_en}", page)
        self.assertNotIn(f"</strong> {green.slug}<", page)

    def test_a_negative_budget_is_refused_and_changes_nothing(self):
        from django.core.exceptions import ValidationError
        from django.db import IntegrityError, transaction

        from innobridge.matching.models import TechnologyNeed

        before = TechnologyNeed.objects.values("budget_min", "budget_max").get(pk=self.need.pk)
        with self.assertRaises(ValidationError) as raised:
            services.need_save(need=self.need, budget_min=-100, budget_max=-5)
        self.assertIn("A budget cannot be negative.", str(raised.exception))
        self.assertEqual(TechnologyNeed.objects.values("budget_min", "budget_max").get(pk=self.need.pk), before)
        with self.assertRaises(IntegrityError), transaction.atomic():  # the database refuses it too
            TechnologyNeed.objects.filter(pk=self.need.pk).update(budget_max=-5)

    def test_a_budget_is_shown_with_grouped_digits(self):
        services.need_save(need=self.need, budget_min=1500000, budget_max=6000000, currency="CNY")
        self.assertContains(self.client.get(f"/en/needs/{self.need.slug}/"), "CNY 1,500,000 – 6,000,000")
        self.assertContains(self.client.get(f"/zh-hans/needs/{self.need.slug}/"), "CNY 1,500,000 – 6,000,000")

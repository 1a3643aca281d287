"""Pages read the nightly batch's suggestions instead of searching, while the batch is fresh (issue 19).

The rows are written here by hand (no Spark needed), with scores the online engine would never
give, so a page showing them proves it read the table; ``index.offer_matcher`` is made to fail,
so it proves no search ran either.
"""

from datetime import timedelta
from unittest import mock

from django.utils import timezone

from innobridge.matching import index, selectors, services
from innobridge.matching.models import BatchSuggestion, MatchFeedback, TechnologyNeed, TechnologyOffer
from innobridge.matching.tests.base import MatchingTestCase

KIND = BatchSuggestion.Kind.OFFERS_FOR_NEED


class Searched(Exception):
    """The page asked for the index."""


def _no_search():
    raise Searched


class PagesReadTheBatchTests(MatchingTestCase):
    def setUp(self):
        super().setUp()
        computed = timezone.now() + timedelta(seconds=1)  # after every record's last change
        rows = [(self.tower, 77.7), (self.cooling, 66.6), (self.robot, 55.5)]
        BatchSuggestion.objects.bulk_create(
            BatchSuggestion(
                kind=KIND,
                record=self.need.slug,
                suggested=offer.slug,
                rank=rank,
                score=score,
                contributions={"lexical": round(score - 10, 1), "semantic": 10.0},
                index_version="v-test",
                computed=computed,
            )
            for rank, (offer, score) in enumerate(rows, start=1)
        )

    def test_a_fresh_batch_replaces_the_search_and_keeps_the_explanations(self):
        with mock.patch.object(index, "offer_matcher", _no_search):
            found = selectors.offers_for_need(need=self.need, user=self.alice)
        self.assertEqual(
            [(s.record.slug, s.match.score) for s in found][:2], [(self.tower.slug, 77.7), (self.cooling.slug, 66.6)]
        )
        cooling = next(s for s in found if s.record == self.cooling)
        self.assertEqual(cooling.match.contributions, {"lexical": 56.6, "semantic": 10.0})
        self.assertTrue(cooling.match.terms)  # the words in common, found without the index
        self.assertEqual(cooling.match.shared_sectors, ["green-tech"])
        self.login(self.alice)
        with mock.patch.object(index, "offer_matcher", _no_search):
            page = self.client.get(f"/en/needs/{self.need.slug}/")
        self.assertContains(page, "77.7")

    def test_a_need_changed_after_the_batch_is_matched_online(self):
        BatchSuggestion.objects.update(computed=timezone.now() - timedelta(seconds=1))
        services.need_save(need=self.need, title="冷链仓库屋顶降温（更新）")
        self.need.refresh_from_db()
        with mock.patch.object(index, "offer_matcher", _no_search), self.assertRaises(Searched):
            selectors.offers_for_need(need=self.need, user=self.alice)
        found = selectors.offers_for_need(need=self.need, user=self.alice)
        self.assertNotIn(77.7, [s.match.score for s in found])

    def test_the_reader_sees_only_what_they_may_and_pairs_turned_down_since_are_left_out(self):
        services.offer_save(offer=self.tower, visibility="confidential")
        services.feedback_record(
            need=self.need, offer=self.cooling, side="need", verdict=MatchFeedback.Verdict.NOT_RELEVANT, reason="sector"
        )
        self.need.refresh_from_db()
        BatchSuggestion.objects.update(computed=timezone.now() + timedelta(seconds=1))
        with mock.patch.object(index, "offer_matcher", _no_search):
            outsider = [s.record.slug for s in selectors.offers_for_need(need=self.need, user=self.bob)]
            staff = [s.record.slug for s in selectors.offers_for_need(need=self.need, user=self.alice)]
        self.assertNotIn(self.tower.slug, outsider)  # confidential to its owner (Zehao) and staff
        self.assertNotIn(self.cooling.slug, staff + outsider)  # turned down after the batch ran
        self.assertIn(self.tower.slug, staff)
        self.assertTrue(TechnologyOffer.objects.filter(slug=self.tower.slug, visibility="confidential").exists())

    def _batch_started_a_second_ago(self):
        # after every record's last change: set apart by ten seconds, however fast set-up ran
        earlier = timezone.now() - timedelta(seconds=10)
        TechnologyOffer.objects.update(last_updated=earlier)
        TechnologyNeed.objects.update(last_updated=earlier)
        self.need.refresh_from_db()
        BatchSuggestion.objects.update(computed=timezone.now() - timedelta(seconds=1))

    def test_an_offer_published_or_edited_after_the_batch_sends_pages_back_online(self):
        self._batch_started_a_second_ago()
        services.offer_save(owner=self.zehao, title="冷库屋顶隔热涂料", description="新发布。", status="published")
        with mock.patch.object(index, "offer_matcher", _no_search), self.assertRaises(Searched):
            selectors.offers_for_need(need=self.need, user=self.alice)

    def test_an_old_batch_or_a_need_the_batch_never_computed_is_matched_online(self):
        BatchSuggestion.objects.update(computed=timezone.now() - timedelta(hours=2))
        with self.settings(MATCHING_BATCH_MAX_AGE_HOURS=1):
            with mock.patch.object(index, "offer_matcher", _no_search), self.assertRaises(Searched):
                selectors.offers_for_need(need=self.need, user=self.alice)
        draft = services.need_save(owner=self.buyer, title="草稿需求：冷库节能", description="冷库屋顶降温。")
        self.assertIsNone(selectors.batch_suggestions(kind=KIND, record=draft))  # not [], which would hide all

    def test_offers_withdrawn_or_expired_since_the_batch_are_never_shown(self):
        self._batch_started_a_second_ago()
        services.offer_save(offer=self.tower, status="draft")  # withdrawn: no longer live, so no new search
        TechnologyOffer.objects.filter(pk=self.robot.pk).update(expires_on=timezone.localdate() - timedelta(days=1))
        with mock.patch.object(index, "offer_matcher", _no_search):
            for user in (self.alice, self.carol):  # staff, and a member of both offers' owner
                shown = [s.record.slug for s in selectors.offers_for_need(need=self.need, user=user)]
                self.assertNotIn(self.tower.slug, shown)
                self.assertNotIn(self.robot.slug, shown)
            self.assertIn(
                self.cooling.slug, [s.record.slug for s in selectors.offers_for_need(need=self.need, user=self.alice)]
            )

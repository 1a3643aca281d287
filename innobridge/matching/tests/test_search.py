"""The offer and need lists' text search, answered from memory for live records."""

from datetime import date
from unittest import mock

from django.contrib.auth.models import AnonymousUser
from django.db.models import F

from innobridge.lib import keysearch as search
from innobridge.lib.ids import RankedRows
from innobridge.matching import index, selectors, services
from innobridge.matching.models import TechnologyOffer
from innobridge.matching.tests.base import MatchingTestCase
from innocore.text import fold


def slugs(rows) -> set[str]:
    return {row.slug for row in rows}


class ListSearchTests(MatchingTestCase):
    def offers(self, q, user=None):
        return slugs(selectors.offer_list(user=user or AnonymousUser(), q=q))

    def test_a_query_in_one_script_finds_records_written_in_the_other(self):
        self.assertIn(self.cooling.slug, self.offers("辐射制冷"))  # the offer is in Traditional
        self.assertIn(self.cooling.slug, self.offers("輻射製冷"))
        self.assertIn(self.tower.slug, self.offers("COOLING Tower"))  # case and word order
        self.assertEqual(self.offers("輻射 corrosion"), set())  # every term must match
        needs = slugs(selectors.need_list(user=AnonymousUser(), q="冷鏈倉庫"))
        self.assertEqual(needs, {self.need.slug})

    def test_an_edit_is_found_at_once_and_the_old_words_no_longer(self):
        self.assertIn(self.tower.slug, self.offers("corrosion"))
        services.offer_save(offer=self.tower, description="Membranes for desalination plants.")
        self.assertNotIn(self.tower.slug, self.offers("corrosion"))
        self.assertIn(self.tower.slug, self.offers("desalination"))

    def test_new_unpublished_and_expired_records_follow_their_status(self):
        fresh = services.offer_save(owner=self.zehao, title="Sodium-ion cells", status="published")
        self.assertIn(fresh.slug, self.offers("sodium"))
        services.offer_save(offer=fresh, status="draft")
        self.assertNotIn(fresh.slug, self.offers("sodium"))
        self.assertIn(fresh.slug, self.offers("sodium", user=self.carol))  # its owner still finds the draft
        old = services.offer_save(owner=self.zehao, title="Sodium lamps", status="published", today=date(2020, 1, 1))
        self.assertNotIn(old.slug, self.offers("sodium"))  # past its expiry date
        self.assertIn(old.slug, self.offers("sodium", user=self.alice))  # staff see expired offers

    def test_visibility_still_applies_to_what_memory_finds(self):
        TechnologyOffer.objects.filter(pk=self.robot.pk).update(visibility="confidential")
        services.index_version_bump()
        self.assertNotIn(self.robot.slug, self.offers("机器人"))
        self.assertNotIn(self.robot.slug, self.offers("机器人", user=self.bob))
        self.assertIn(self.robot.slug, self.offers("机器人", user=self.carol))

    def test_a_term_in_most_records_is_searched_in_the_database_with_the_same_result(self):
        expected = self.offers("cool")
        self.assertTrue(expected)
        with mock.patch.object(selectors, "MAX_LISTED_IDS", 0):
            self.assertEqual(self.offers("cool"), expected)

    def test_memory_counts_and_orders_each_reader_s_list_as_the_database_does(self):
        """The in-memory ranking (visibility from the copy, newest first) against the database's."""
        services.offer_save(offer=self.robot, visibility="confidential")  # carol's organisation owns it
        services.offer_save(owner=self.zehao, title="Cooling paint (draft)", status="draft")
        services.offer_save(owner=self.zehao, title="Cooling film", status="published", today=date(2020, 1, 1))
        undated = services.offer_save(owner=self.zehao, title="Cooling glass", status="published")
        TechnologyOffer.objects.filter(pk=undated.pk).update(published_on=None)
        services.index_version_bump()
        for user in (AnonymousUser(), self.bob, self.carol, self.alice):
            for q in ("cool", "冷", "机器人", "cooling 輻射"):
                rows = selectors.offer_list(user=user, q=q)
                self.assertIsInstance(rows, RankedRows)
                database = selectors.offers_visible(user)
                for term in fold(q).split():
                    database = database.filter(search_key__contains=term)
                database = database.order_by(F("published_on").desc(nulls_last=True), "-created")
                expected = list(database.values_list("slug", flat=True))
                self.assertEqual([o.slug for o in rows], expected, (user, q))
                self.assertEqual(rows.count(), len(expected))
            needs = selectors.need_list(user=user, q="冷")
            expected = selectors.needs_visible(user).filter(search_key__contains="冷").order_by("-created")
            self.assertEqual([n.slug for n in needs], list(expected.values_list("slug", flat=True)))
        self.assertIn(undated.slug, [o.slug for o in selectors.offer_list(user=self.bob, q="cool")][-1:])

    def test_the_copy_in_memory_is_reused_until_something_changes(self):
        self.offers("cooling")
        with self.assertNumQueries(1):  # the index version, nothing else
            search.live_matches(
                "offers", lambda: TechnologyOffer.objects.none(), ["cooling"], selectors.SEARCH_FIELDS["offers"]
            )

    def test_a_record_back_in_the_list_is_found_by_its_new_words_only(self):
        """An offer withdrawn, rewritten and published again by bulk updates that leave an old
        change stamp comes back through the live-set check: the bigram index built before must
        not answer for it with its old key."""
        from datetime import UTC, datetime

        def found(term: str) -> bool:
            pks = search.live_matches("offers", index.offers_queryset, [term], selectors.SEARCH_FIELDS["offers"])
            return self.tower.pk in pks

        long_ago = datetime(2020, 1, 1, tzinfo=UTC)
        TechnologyOffer.objects.filter(pk=self.tower.pk).update(search_key="甲乙 tower", last_updated=long_ago)
        services.index_version_bump()
        self.assertTrue(found("甲乙"))
        TechnologyOffer.objects.filter(pk=self.tower.pk).update(status="draft", last_updated=long_ago)
        services.index_version_bump()
        self.assertFalse(found("甲乙"))
        TechnologyOffer.objects.filter(pk=self.tower.pk).update(
            status="published", search_key="丙丁 tower", last_updated=long_ago
        )
        services.index_version_bump()
        self.assertTrue(found("丙丁"))
        self.assertFalse(found("甲乙"))

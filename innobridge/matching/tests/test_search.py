"""The offer and need lists' text search, answered from memory for live records."""

from datetime import date
from unittest import mock

from django.contrib.auth.models import AnonymousUser

from innobridge.lib import keysearch as search
from innobridge.matching import selectors, services
from innobridge.matching.models import TechnologyOffer
from innobridge.matching.tests.base import MatchingTestCase


def slugs(qs) -> set[str]:
    return set(qs.values_list("slug", flat=True))


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

    def test_the_copy_in_memory_is_reused_until_something_changes(self):
        self.offers("cooling")
        with self.assertNumQueries(1):  # the index version, nothing else
            search.live_matches("offers", lambda: TechnologyOffer.objects.none(), ["cooling"])

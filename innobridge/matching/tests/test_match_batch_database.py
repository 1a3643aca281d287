"""``innobridge match-batch`` without files: suggestions for every published need and offer,
stored for the pages with the index version, equal to what the pages compute online."""

import json
import shutil
from io import StringIO

import pytest
from django.core.management import call_command

from innobridge.matching import selectors, services
from innobridge.matching.models import BatchSuggestion, StoredVector
from innobridge.matching.tests.base import MatchingTestCase


@pytest.mark.skipif(shutil.which("java") is None, reason="Java is not installed: match-batch needs a JRE")
class MatchBatchDatabaseTests(MatchingTestCase):
    def test_it_stores_the_online_suggestions_of_every_record_and_says_when_they_are_stale(self):
        # The online engine's answers, taken before the batch: afterwards the pages read the batch.
        online = selectors.offers_for_need(need=self.need, user=self.alice, top=services.BATCH_TOP)
        online_for_offer = selectors.needs_for_offer(offer=self.cooling, user=self.alice, top=services.BATCH_TOP)
        out = StringIO()
        call_command("match_batch", "--master", "local[1]", stdout=out, stderr=StringIO())
        report = json.loads(out.getvalue())
        self.assertEqual(report["master"], "local[1]")
        self.assertGreaterEqual(report["needs"], 1)
        self.assertGreater(report["vectors_encoded"], 0)
        # Every vector is stored: the online index and a second batch encode nothing again.
        self.assertTrue(StoredVector.objects.filter(key__startswith="q:").exists())

        batch = selectors.batch_suggestions(kind=BatchSuggestion.Kind.OFFERS_FOR_NEED, record=self.need)
        self.assertEqual([s for s, _score, _c in batch], [s.record.slug for s in online])
        self.assertEqual([score for _s, score, _c in batch], [s.match.score for s in online])
        self.assertEqual(batch[0][0], self.cooling.slug)
        row = BatchSuggestion.objects.filter(record=self.need.slug).first()
        self.assertEqual(row.index_version, report["index_version"])

        for_offer = selectors.batch_suggestions(kind=BatchSuggestion.Kind.NEEDS_FOR_OFFER, record=self.cooling)
        self.assertEqual([s for s, _score, _c in for_offer], [s.record.slug for s in online_for_offer])
        # The page now reads those rows, with the same order and scores.
        read = selectors.offers_for_need(need=self.need, user=self.alice, top=services.BATCH_TOP)
        self.assertEqual(
            [(s.record.slug, s.match.score) for s in read], [(s.record.slug, s.match.score) for s in online]
        )

        services.offer_save(offer=self.cooling, title="建築物被動輻射製冷薄膜（第二代）")
        self.cooling.refresh_from_db()
        self.assertIsNone(selectors.batch_suggestions(kind=BatchSuggestion.Kind.NEEDS_FOR_OFFER, record=self.cooling))

"""The live matching index: current after every write, updated incrementally, rebuilt when due."""

from unittest import mock

from django.test import override_settings

from innobridge.matching import index, services
from innobridge.matching.models import TechnologyOffer
from innobridge.matching.selectors import offers_for_need
from innobridge.matching.tests.base import MatchingTestCase


class LiveIndexTests(MatchingTestCase):
    def suggested(self) -> list[str]:
        return [s.record.slug for s in offers_for_need(need=self.need, user=self.alice, top=20)]

    def test_a_new_offer_goes_into_the_delta_without_a_full_rebuild(self):
        self.suggested()
        fresh = services.offer_save(
            owner=self.zehao, title="屋頂冷卻塗料", description="反射陽光的屋頂塗料，夏天降溫。", status="published"
        )
        with mock.patch.object(index, "_full_build", wraps=index._full_build) as full:
            found = self.suggested()
        self.assertIn(fresh.slug, found)
        full.assert_not_called()
        self.assertEqual(index.offer_matcher().delta_size, 1)

    def test_after_a_write_only_the_changed_rows_are_read_again(self):
        self.suggested()  # built moments after the fixtures were written: all within the safety margin
        services.offer_save(owner=self.zehao, title="海水淡化膜", description="反滲透膜。", status="published")
        built = []
        original = index.OFFERS.documents

        def spy(rows):
            docs = original(rows)
            built.append(len(docs))
            return docs

        with mock.patch.object(index.OFFERS, "documents", spy):
            self.suggested()
        self.assertEqual(built, [1])

    def test_an_unpublished_offer_leaves_the_suggestions_at_once(self):
        self.assertIn(self.cooling.slug, self.suggested())
        services.offer_save(offer=self.cooling, status="draft")
        self.assertNotIn(self.cooling.slug, self.suggested())

    def test_an_edited_offer_is_matched_on_its_new_text(self):
        self.assertNotIn(self.robot.slug, self.suggested()[:1])
        services.offer_save(
            offer=self.robot,
            title="冷链仓库屋顶被动降温膜",
            description="无需用电的被动降温材料，降低冷链仓库空调能耗。",
        )
        self.assertEqual(self.suggested()[0], self.robot.slug)

    def test_while_nothing_changes_a_request_reads_one_row_and_no_offer(self):
        self.suggested()
        with self.assertNumQueries(1):
            index.offer_matcher()

    @override_settings(MATCHING_VERIFY_SECONDS=3600)
    def test_a_bulk_update_that_bypasses_signals_is_seen_after_the_periodic_check(self):
        self.assertIn(self.cooling.slug, self.suggested())
        TechnologyOffer.objects.filter(pk=self.cooling.pk).update(status="draft")  # no signal, no version
        self.assertIn(self.cooling.slug, self.suggested(), "trusted until the next periodic check")
        with override_settings(MATCHING_VERIFY_SECONDS=0):
            self.assertNotIn(self.cooling.slug, self.suggested())

    def test_expiring_offers_in_bulk_renews_the_version(self):
        before = index.current_version()
        TechnologyOffer.objects.filter(pk=self.cooling.pk).update(expires_on="2000-01-01")
        self.assertEqual(services.offers_expire(), 1)
        self.assertNotEqual(index.current_version(), before)
        self.assertNotIn(self.cooling.slug, self.suggested())

    @override_settings(MATCHING_MERGE_AT=1)
    def test_a_delta_past_the_limit_triggers_a_full_rebuild(self):
        self.suggested()
        for n in range(2):
            services.offer_save(owner=self.zehao, title=f"屋頂塗料 {n}", description="降溫。", status="published")
        with mock.patch.object(index, "_full_build", wraps=index._full_build) as full:
            self.suggested()
        full.assert_called_once()
        self.assertEqual(index.offer_matcher().delta_size, 0)

    def test_a_new_worker_process_loads_the_index_file_instead_of_rebuilding(self):
        self.suggested()
        index.clear_cache()  # as a freshly started process
        with mock.patch.object(index, "_build", wraps=index._build) as build:
            self.assertIn(self.cooling.slug, self.suggested())
        build.assert_not_called()

    def test_a_corrupt_index_file_is_rebuilt_not_trusted(self):
        self.suggested()
        index.clear_cache()
        index._file("offers").write_bytes(b"not a pickle")
        self.assertIn(self.cooling.slug, self.suggested())


class PreEncodingTests(MatchingTestCase):
    def test_a_published_offer_is_encoded_when_saved_not_when_first_viewed(self):
        from innobridge.matching.models import StoredVector

        before = StoredVector.objects.count()
        with self.captureOnCommitCallbacks(execute=True):
            services.offer_save(
                owner=self.zehao, title="海水淡化膜", description="低能耗反滲透膜。", status="published"
            )
        self.assertEqual(StoredVector.objects.count(), before + 2)  # as a document and as a query
        with self.captureOnCommitCallbacks(execute=True):
            services.offer_save(owner=self.zehao, title="草稿", description="未發佈。", status="draft")
        self.assertEqual(StoredVector.objects.count(), before + 2)


class ReindexTests(MatchingTestCase):
    def test_the_reindex_command_rebuilds_every_index_and_reports_counts(self):
        from io import StringIO

        from django.core.management import call_command

        out, err = StringIO(), StringIO()
        call_command("reindex", stdout=out, stderr=err)
        self.assertRegex(out.getvalue(), r"offers: \d+ documents indexed")
        self.assertIn("organisations:", out.getvalue())
        self.assertIn("reindex [", err.getvalue())  # the progress bar
        self.assertTrue(index._file("offers").exists())

    def test_reindexing_as_a_background_job_records_the_counts(self):
        from innobridge.jobs.services import job_enqueue

        job = job_enqueue(kind="matching.reindex", user=self.alice)
        self.assertEqual(job.status, "done", job.error)
        self.assertGreater(job.result["documents"]["offers"], 0)

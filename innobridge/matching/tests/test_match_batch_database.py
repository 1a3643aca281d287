"""``innobridge match-batch`` without files: suggestions for every published need and offer,
stored for the pages with the index version, equal to what the pages compute online."""

import json
import os
import shutil
import subprocess
import sys
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import SimpleTestCase, TransactionTestCase

from innobridge.directory.models import Organisation, Place, Sector
from innobridge.matching import index, jdbc, selectors, services
from innobridge.matching.models import BatchSuggestion, StoredVector
from innobridge.matching.tests.base import MatchingTestCase
from innobridge.testing import load_demo_snapshot

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.skipif(shutil.which("java") is None, reason="Java is not installed: match-batch needs a JRE")
class MatchBatchDatabaseTests(MatchingTestCase):
    def test_it_stores_the_online_suggestions_of_every_record_and_says_when_they_are_stale(self):
        # The online engine's answers, taken before the batch: afterwards the pages read the batch.
        online = selectors.offers_for_need(need=self.need, user=self.alice, top=services.BATCH_TOP)
        online_for_offer = selectors.needs_for_offer(offer=self.cooling, user=self.alice, top=services.BATCH_TOP)
        out = StringIO()
        # Through Django: this test's rows are in its open transaction, which JDBC cannot see.
        call_command("match_batch", "--master", "local[1]", "--read", "orm", stdout=out, stderr=StringIO())
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


@pytest.mark.skipif(shutil.which("java") is None, reason="Java is not installed: match-batch needs a JRE")
class MatchBatchJdbcTests(TransactionTestCase):
    """Records read with Spark's JDBC source (committed rows: JDBC is another connection)."""

    def setUp(self):
        why = jdbc.unavailable_reason()
        if why:
            self.skipTest(f"JDBC reads cannot run here: {why}")
        with transaction.atomic():  # foreign keys are checked at commit: the replay's order is free
            load_demo_snapshot()
        owner = Organisation.objects.filter(kind="enterprise").order_by("pk").first()
        sectors = list(Sector.objects.order_by("pk")[:2])
        places = list(Place.objects.exclude(kind="country").order_by("pk")[:2])
        services.offer_save(
            owner=owner,
            title="多場景 cooling 膜",
            summary="摘要 with “quotes”, 'apostrophes' and \\ backslashes",
            description="長" * 9000,  # long texts come through JDBC whole
            scenarios="冷鏈\n倉庫",
            trl=7,
            status="published",
            sectors=sectors,
            target_places=places,
        )
        services.offer_save(owner=owner, title="草稿 offer", status="draft")
        # Published, but past its expiry date (the nightly job has not marked it expired yet).
        services.offer_save(owner=owner, title="過期 offer", status="published", today=date(2020, 3, 1))
        services.need_save(
            owner=owner, title="需求 need", description="屋顶降温", place=places[0], status="published", sectors=sectors
        )

    def test_jdbc_reads_give_the_documents_django_gives_and_the_command_uses_them(self):
        # In new processes, as the command runs: Spark puts the driver jar on the class path when
        # its JVM starts, and this test process may have started one without it already.
        code = (
            "import json\n"
            "from innobridge.matching import jdbc\n"
            "from innocore.match.batch import spark_session\n"
            "spark = spark_session('local[2]', conf=jdbc.spark_conf())\n"
            "try:\n"
            "    docs = {'offers': jdbc.offer_documents(spark), 'needs': jdbc.need_documents(spark)}\n"
            "finally:\n"
            "    spark.stop()\n"
            "canon = lambda d: [d.id, d.title, d.text, sorted(d.sectors), sorted(d.places), d.trl, d.lang]\n"
            "print(json.dumps({k: [canon(d) for d in v] for k, v in docs.items()}, ensure_ascii=False))\n"
        )
        read = json.loads(self._manage("shell", "-c", code).strip().splitlines()[-1])
        expected = {
            "offers": index.OFFERS.documents(index.offers_queryset().order_by("pk")),
            "needs": index.NEEDS.documents(index.needs_queryset().order_by("pk")),
        }
        for kind, docs in expected.items():
            self.assertEqual(
                read[kind], [[d.id, d.title, d.text, sorted(d.sectors), sorted(d.places), d.trl, d.lang] for d in docs]
            )
        offers = read["offers"]
        self.assertGreater(len(offers), 5)
        self.assertTrue(any(d[4] and len(d[3]) == 2 and d[5] == 7 for d in offers))  # places, sectors, trl
        self.assertFalse({"草稿 offer", "過期 offer"} & {title for _i, title, *_rest in offers})

        report = json.loads(self._manage("match_batch", "--master", "local[1]", "--encoder", "none").splitlines()[-1])
        self.assertEqual(report["read"], "jdbc")  # the default on PostgreSQL with the driver installed
        self.assertEqual((report["offers"], report["needs"]), (len(offers), len(read["needs"])))
        self.assertTrue(BatchSuggestion.objects.exists())

    def _manage(self, *args: str) -> str:
        db = connection.settings_dict
        login = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        url = f"postgres://{login}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
        proc = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args],
            env={**os.environ, "DATABASE_URL": url},
            capture_output=True,
            text=True,
            timeout=600,
        )
        self.assertEqual(proc.returncode, 0, proc.stderr[-3000:])
        return proc.stdout


class MatchBatchReadChoiceTests(SimpleTestCase):
    def test_asking_for_jdbc_where_it_cannot_run_is_a_clear_error(self):
        if jdbc.unavailable_reason() is None:
            self.skipTest(f"JDBC reads can run on this {connection.vendor} database")
        with self.assertRaisesMessage(CommandError, "--read jdbc: "):
            call_command("match_batch", "--read", "jdbc", stdout=StringIO(), stderr=StringIO())

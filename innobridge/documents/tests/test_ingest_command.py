import json
from io import StringIO
from pathlib import Path
from tempfile import TemporaryDirectory

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import SimpleTestCase, TestCase

from innocore.tests.test_ingest import RELEASE

KEYS = {
    "title",
    "language",
    "published",
    "organizations",
    "people",
    "places",
    "events",
    "agreements",
    "delegation_members",
    "contacts",
}


class IngestCommandTests(SimpleTestCase):
    def setUp(self):
        super().setUp()
        self.tmp = TemporaryDirectory()
        self.dir = Path(self.tmp.name)

    def tearDown(self):
        self.tmp.cleanup()

    def test_dry_run_json_prints_one_object_per_file_with_the_documented_keys(self):
        a = self.dir / "a.txt"
        a.write_bytes(RELEASE.encode("big5"))
        b = self.dir / "b.html"
        b.write_text(
            "<html><body><h1>InnoBridge launch</h1><p>HONG KONG, 12 March 2024 – The Hong Kong Science "
            "and Technology Parks Corporation (HKSTP) launched a platform.</p></body></html>"
        )
        out = StringIO()
        call_command("ingest", str(a), str(b), "--dry-run", "--json", stdout=out)
        lines = [json.loads(line) for line in out.getvalue().splitlines()]
        self.assertEqual(len(lines), 2)
        self.assertTrue(KEYS <= set(lines[0]))
        self.assertEqual(
            (lines[0]["language"], lines[0]["published"], lines[0]["encoding"]), ("zh-Hant", "2024-03-12", "big5")
        )
        self.assertEqual(lines[1]["published"], "2024-03-12")
        self.assertIn("HKSTP", lines[1]["organizations"][0]["aliases"])

    def test_unreadable_files_are_reported_and_the_command_fails(self):
        bad = self.dir / "scan.png"
        bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50)
        err = StringIO()
        with self.assertRaisesMessage(CommandError, "1 file(s) could not be read"):
            call_command("ingest", str(bad), "--dry-run", "--json", stdout=StringIO(), stderr=err)
        self.assertIn("Unsupported file type", err.getvalue())


class IngestStoreTests(TestCase):
    def test_without_dry_run_files_are_stored_for_review_once(self):
        with TemporaryDirectory() as tmp:
            path = Path(tmp) / "a.txt"
            path.write_text(RELEASE, encoding="utf-8")
            out = StringIO()
            call_command("ingest", str(path), "--json", stdout=out)
            first = json.loads(out.getvalue())
            out = StringIO()
            call_command("ingest", str(path), "--json", stdout=out)
            second = json.loads(out.getvalue())
        self.assertTrue(first["new_document"])
        self.assertFalse(second["new_document"])
        self.assertEqual(first["document"], second["document"])
        self.assertGreater(first["proposals"], 3)

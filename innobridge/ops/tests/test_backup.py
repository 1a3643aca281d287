"""Backup and restore round trip; damaged files and non-empty databases change nothing."""

import tarfile
import tempfile
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from innobridge.directory.models import Organisation
from innobridge.documents.services import document_ingest
from innobridge.ops.backup import BackupError, backup, records_json, restore
from innobridge.testing import BaseTestCase

RELEASE = "（香港，2024年3月12日）香港科技園公司代表團今日訪問濰坊，與濰坊市人民政府會面。".encode()


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


class BackupTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.tmp = Path(tempfile.mkdtemp())
        document_ingest(data=RELEASE, filename="weifang.txt", limit=10**6)
        self.media = tree(Path(settings.MEDIA_ROOT))
        self.assertTrue(self.media, "the test needs an uploaded document on disk")

    def test_a_round_trip_restores_identical_records_and_files(self):
        before = records_json()
        call_command("backup", str(self.tmp / "b.tar.gz"), stdout=StringIO(), stderr=StringIO())
        Organisation.objects.filter(slug="i2cool").update(description="changed after the backup")
        for f in Path(settings.MEDIA_ROOT).rglob("*"):
            if f.is_file():
                f.write_bytes(b"overwritten")
        out = StringIO()
        call_command("restore", str(self.tmp / "b.tar.gz"), "--replace", stdout=out, stderr=StringIO())
        self.assertEqual(records_json(), before)
        self.assertEqual(tree(Path(settings.MEDIA_ROOT)), self.media)
        self.assertIn("restored", out.getvalue())

    def test_restore_refuses_a_database_that_holds_records_without_replace(self):
        backup(self.tmp / "b.tar.gz")
        Organisation.objects.filter(slug="i2cool").update(description="kept")
        with self.assertRaisesMessage(CommandError, "--replace"):
            call_command("restore", str(self.tmp / "b.tar.gz"), stdout=StringIO(), stderr=StringIO())
        self.assertEqual(Organisation.objects.get(slug="i2cool").description, "kept")

    def test_a_damaged_backup_is_refused_before_anything_changes(self):
        backup(self.tmp / "b.tar.gz")
        with tarfile.open(self.tmp / "b.tar.gz") as src, tarfile.open(self.tmp / "bad.tar.gz", "w:gz") as dst:
            for info in src.getmembers():
                data = src.extractfile(info).read()
                if info.name == "records.json":
                    data = data.replace(b"i2cool", b"i2c00l")
                    info.size = len(data)
                import io

                dst.addfile(info, io.BytesIO(data))
        before = records_json()
        with self.assertRaisesMessage(BackupError, "records.json is damaged"):
            restore(self.tmp / "bad.tar.gz", replace=True)
        self.assertEqual(records_json(), before)
        (self.tmp / "junk.tar.gz").write_bytes(b"not a backup")
        with self.assertRaisesMessage(BackupError, "not a readable backup"):
            restore(self.tmp / "junk.tar.gz", replace=True)

    def test_a_backup_never_leaves_a_half_written_file(self):
        backup(self.tmp / "b.tar.gz")
        self.assertEqual([p.name for p in self.tmp.iterdir()], ["b.tar.gz"])

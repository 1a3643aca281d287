"""``innobridge backup FILE``: records, uploaded documents and indexes in one verified file."""

from pathlib import Path

from django.core.management.base import BaseCommand

from innobridge.lib.progress import ConsoleProgress
from innobridge.ops.backup import backup


class Command(BaseCommand):
    help = "Back up the database records, uploaded documents and matching indexes into one .tar.gz file."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="where to write the backup, e.g. innobridge-2026-11-25.tar.gz")
        parser.add_argument("--no-index", action="store_true", help="leave out the matching indexes (rebuilt anyway)")

    def handle(self, *args, file: Path, no_index: bool, **options):
        manifest = backup(file, progress=ConsoleProgress("backup", stream=self.stderr._out), include_index=not no_index)
        records = sum(manifest["counts"].values())
        self.stdout.write(f"{file}: {records} records, {len(manifest['checksums']) - 1} files")

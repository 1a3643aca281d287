"""``innobridge restore FILE [--replace]``: load a backup; all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from innobridge.lib.progress import ConsoleProgress
from innobridge.ops.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup made by 'innobridge backup'. Refuses a database that holds records unless --replace."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--replace", action="store_true", help="delete the current records and files first")

    def handle(self, *args, file: Path, replace: bool, **options):
        if not file.exists():
            raise CommandError(f"{file}: no such file")
        try:
            result = restore(file, replace=replace, progress=ConsoleProgress("restore", stream=self.stderr._out))
        except BackupError as exc:
            raise CommandError(f"{exc}. Nothing was changed.") from exc
        self.stdout.write(f"restored {sum(result['counts'].values())} records and {result['files']} files")

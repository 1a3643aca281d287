"""``innobridge reindex``: rebuild the matching indexes in full, with a progress bar."""

from django.core.management.base import BaseCommand

from innobridge.lib.progress import ConsoleProgress
from innobridge.matching import index


class Command(BaseCommand):
    help = "Rebuild the matching indexes (offers, needs, organisations) in full and share them with the workers."

    def handle(self, *args, **options):
        counts = index.rebuild(ConsoleProgress("reindex", stream=self.stderr._out))
        for name, n in counts.items():
            self.stdout.write(f"{name}: {n} documents indexed")

"""``innobridge review_examples``: every reviewed fact as one JSON line, to retrain or audit the extractor."""

import json

from django.core.management.base import BaseCommand

from innobridge.documents.selectors import review_examples


class Command(BaseCommand):
    help = "Print every accepted, merged, corrected or rejected proposal as a labelled example (JSON lines)."

    def handle(self, *args, **options):
        n = 0
        for example in review_examples():
            self.stdout.write(json.dumps(example, ensure_ascii=False))
            n += 1
        self.stderr.write(f"{n} labelled examples")

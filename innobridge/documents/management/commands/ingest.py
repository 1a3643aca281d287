"""``innobridge ingest FILE... --dry-run --json``: extract programme facts from press releases."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from innobridge.documents.services import document_ingest
from innocore.ingest.pipeline import analyse
from innocore.ingest.readers import DocumentError


class Command(BaseCommand):
    help = "Read press releases (PDF, DOCX, HTML, text) and print the facts found, with evidence offsets."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="extract only; write nothing")
        parser.add_argument("--json", action="store_true", help="one JSON object per file")
        parser.add_argument("--with-text", action="store_true", help="include the cleaned text in the JSON")

    def handle(self, *args, files, dry_run, json: bool, with_text, **options):
        failures = 0
        for path in files:
            try:
                data = path.read_bytes()
            except OSError as exc:
                self.stderr.write(f"{path}: {exc.strerror}")
                failures += 1
                continue
            if not dry_run:
                try:
                    document, created = document_ingest(data=data, filename=path.name, limit=settings.INGEST_MAX_BYTES)
                except DocumentError as exc:
                    self.stderr.write(f"{path}: {exc}")
                    failures += 1
                    continue
                state = "stored for review" if created else "already ingested, nothing new"
                summary = {
                    "file": str(path),
                    "document": document.slug,
                    "created": created,
                    "proposals": document.proposals.count(),
                    "review": document.get_absolute_url(),
                }
                self.stdout.write(
                    _json.dumps(summary, ensure_ascii=False)
                    if json
                    else f"{path}: {state} ({summary['proposals']} proposals) at {summary['review']}"
                )
                continue
            try:
                result = analyse(data, path.name, limit=settings.INGEST_MAX_BYTES)
            except DocumentError as exc:
                self.stderr.write(f"{path}: {exc}")
                failures += 1
                continue
            if not with_text:
                result.pop("text")
            if json:
                self.stdout.write(_json.dumps(result, ensure_ascii=False))
            else:
                self.stdout.write(
                    f"{path}: {result['title']} ({result['language']}, {result['published']}): "
                    f"{len(result['organizations'])} organisations, {len(result['people'])} people, "
                    f"{len(result['events'])} events, {len(result['agreements'])} agreements"
                )
        if failures:
            raise CommandError(f"{failures} file(s) could not be read")


_json = json

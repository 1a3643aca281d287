"""``innobridge ingest FILE...``: extract programme facts from press releases, and optionally commit them.

innobridge ingest FILE... --dry-run [--json] [--with-text]      extraction only, nothing written
innobridge ingest FILE... [--json]                              store for review on the web screen
innobridge ingest FILE... --commit --programme SLUG --accept {all,confident,none} [--json]
                                                                extraction, resolution and commit
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from innobridge.documents.commit import document_commit
from innobridge.documents.services import ACCEPT_POLICIES, document_accept, document_ingest
from innobridge.programmes.models import Programme
from innocore.ingest.pipeline import analyse
from innocore.ingest.readers import DocumentError


class Command(BaseCommand):
    help = "Read press releases (PDF, DOCX, HTML, text): print the facts found, store them for review, or commit them."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="extract only; write nothing")
        parser.add_argument("--json", action="store_true", help="one JSON object per file")
        parser.add_argument("--with-text", action="store_true", help="include the cleaned text in the JSON")
        parser.add_argument("--commit", action="store_true", help="apply the accepted facts without the web screen")
        parser.add_argument("--programme", default="", help="slug of the programme new events and agreements go to")
        parser.add_argument(
            "--accept",
            choices=[p for p in ACCEPT_POLICIES if p in ("all", "confident", "none")],
            default="confident",
            help="all: every fact; confident: facts matching existing records and clearly new ones; none: review only",
        )

    def handle(self, *args, files, dry_run, json: bool, with_text, commit, programme, accept, **options):
        if dry_run and commit:
            raise CommandError("--dry-run and --commit exclude each other")
        target = None
        if commit and programme:
            target = Programme.objects.filter(slug=programme).first()
            if target is None:
                raise CommandError(f"no programme with the slug {programme!r}")
        failures = 0
        for path in files:
            try:
                data = path.read_bytes()
            except OSError as exc:
                self.stderr.write(f"{path}: {exc.strerror}")
                failures += 1
                continue
            try:
                if dry_run:
                    self._dry_run(path, data, json, with_text)
                else:
                    self._store(path, data, json, commit, target, accept)
            except (DocumentError, ValidationError) as exc:
                message = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                self.stderr.write(f"{path}: {message}")
                failures += 1
        if failures:
            raise CommandError(f"{failures} file(s) could not be read or committed")

    def _dry_run(self, path: Path, data: bytes, as_json: bool, with_text: bool) -> None:
        result = analyse(data, path.name, limit=settings.INGEST_MAX_BYTES)
        if not with_text:
            result.pop("text")
        if as_json:
            self.stdout.write(_json.dumps(result, ensure_ascii=False))
        else:
            self.stdout.write(
                f"{path}: {result['title']} ({result['language']}, {result['published']}): "
                f"{len(result['organizations'])} organisations, {len(result['people'])} people, "
                f"{len(result['events'])} events, {len(result['agreements'])} agreements"
            )

    def _store(self, path: Path, data: bytes, as_json: bool, commit: bool, programme, accept: str) -> None:
        document, created = document_ingest(data=data, filename=path.name, limit=settings.INGEST_MAX_BYTES)
        summary = {
            "file": str(path),
            "document": document.slug,
            "new_document": created,
            "proposals": document.proposals.count(),
            "review": document.get_absolute_url(),
        }
        if commit and not document.committed:
            summary["decisions"] = document_accept(document=document, policy=accept)
            summary.update(document_commit(document=document, programme=programme))
        elif commit:
            summary.update({"created": {}, "updated": {}, "note": "committed before; nothing to do"})
        if as_json:
            self.stdout.write(_json.dumps(summary, ensure_ascii=False))
        elif commit:
            self.stdout.write(
                f"{path}: committed as {document.slug}: created {summary['created'] or 'nothing'}, "
                f"updated {summary['updated'] or 'nothing'}"
            )
        else:
            state = "stored for review" if created else "already ingested, nothing new"
            self.stdout.write(f"{path}: {state} ({summary['proposals']} proposals) at {summary['review']}")


_json = json

"""Background jobs of the documents app: reading many files at once."""

import shutil
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from innobridge.documents.errors import describe as describe_error
from innobridge.documents.services import document_ingest, incoming_dir
from innobridge.jobs.registry import job_kind
from innocore.ingest.readers import DocumentError


@job_kind("documents.ingest_batch", _("Read uploaded documents"))
def ingest_batch(arguments: dict, progress) -> dict:
    """Ingest each stored upload on its own: one bad file is reported and does not stop the rest."""
    folder = incoming_dir(arguments["folder"])
    names = arguments["files"]
    created, existing, failed, links = 0, 0, [], []
    try:
        for n, name in enumerate(names):
            progress(n, len(names), name)
            path = folder / Path(name).name
            try:
                document, new = document_ingest(
                    data=path.read_bytes(), filename=name, limit=settings.INGEST_MAX_BYTES, user=None
                )
            except DocumentError as exc:
                failed.append(f"{name}: {describe_error(exc)}")
                continue
            except OSError as exc:
                failed.append(f"{name}: {exc}")
                continue
            created += new
            existing += not new
            links.append({"url": document.get_absolute_url(), "label": f"{name} → {document.title}"})
        progress(len(names), len(names), "")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {
        str(_("new documents")): created,
        str(_("already ingested")): existing,
        str(_("could not be read")): "; ".join(failed) or 0,
        "links": links,
    }

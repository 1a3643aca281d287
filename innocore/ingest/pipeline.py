"""From bytes to the dry-run JSON: read, clean, extract."""

from __future__ import annotations

import hashlib

from innocore.ingest.clean import clean
from innocore.ingest.extract import extract
from innocore.ingest.readers import DEFAULT_LIMIT, read_document


def analyse(data: bytes, filename: str = "", *, limit: int = DEFAULT_LIMIT, known: dict | None = None) -> dict:
    """The extraction result for one file; raises DocumentError with a readable message.

    ``known`` (optional) is what the platform already knows from review: ``{"organizations": [{"name",
    "aliases", "kind"}], "people": [{"name", "title", "organization"}], "places": [{"name", "kind"}],
    "rejected": ["string", ...]}``. Known names found in the text are proposed with their exact
    boundaries; rejected strings are never proposed."""
    raw = read_document(data, filename, limit=limit)
    doc = clean(raw.text, structured=raw.format in ("docx", "html"))
    result = extract(doc, known)
    result.update(
        {
            "file": filename,
            "format": raw.format,
            "encoding": raw.encoding or None,
            "sha256": hashlib.sha256(data).hexdigest(),
            "sections": [{"kind": p.kind, "evidence": [p.start, p.end]} for p in doc.paragraphs],
            "text": doc.text,
        }
    )
    return result

"""From bytes to the dry-run JSON: read, clean, extract."""

from __future__ import annotations

import hashlib

from innocore.ingest.clean import clean
from innocore.ingest.extract import extract
from innocore.ingest.readers import DEFAULT_LIMIT, read_document


def analyse(data: bytes, filename: str = "", *, limit: int = DEFAULT_LIMIT, known: dict | None = None) -> dict:
    """The extraction result for one file; raises DocumentError with a readable message."""
    raw = read_document(data, filename, limit=limit)
    doc = clean(raw.text, structured=raw.format in ("docx", "html"))
    result = extract(doc)
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

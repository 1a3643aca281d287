"""What the documents app shows on other apps' record pages (see innobridge.lib.pages)."""

from __future__ import annotations

from innobridge.documents.selectors import evidence_for
from innobridge.lib.pages import provides


@provides(
    "directory.organisation",
    "directory.person",
    "programmes.delegation",
    "programmes.event",
    "programmes.agreement",
)
def evidence(request, record) -> dict:
    """The passages of source documents that state facts about the record."""
    return {"evidence": evidence_for(record)}

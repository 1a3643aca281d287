"""Why an uploaded document cannot be read, in the reader's language.

``innocore.ingest.readers`` raises ``DocumentError(code, **args)`` and never words anything for
users (its ``str()`` is English, for the command line); this module words the code with gettext.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from innocore.ingest.readers import DocumentError

WORDING: dict[str, Callable[[dict[str, Any]], str]] = {
    "empty": lambda a: _("The file is empty."),
    "too_large": lambda a: (
        _("The file is %(size)s MB; the limit is %(limit)s MB.")
        % {"size": f"{a['size_mb']:.1f}", "limit": f"{a['limit_mb']:.0f}"}
    ),
    "unsupported": lambda a: _(
        "Unsupported file type: upload a PDF with a text layer, a Word .docx, an HTML page or a plain-text file."
    ),
    "encoding_unknown": lambda a: _(
        "The text encoding could not be recognised (tried UTF-8, UTF-16, Big5 and GB18030). "
        "Save the file as UTF-8 and upload it again."
    ),
    "not_text": lambda a: _(
        "The file does not look like text in a known encoding (UTF-8, UTF-16, Big5, GB18030), "
        "or it is a binary file of an unsupported type."
    ),
    "docx_damaged": lambda a: _("The Word file is damaged or not a .docx document."),
    "docx_bomb": lambda a: (
        _(
            "The Word file would unpack to more than %(unpacked)s MB (or one part to more than %(part)s MB, "
            "or a part is compressed more than %(ratio)s times): it is refused as a possible decompression "
            "bomb. Save it again, without embedded media, and upload it again."
        )
        % {"unpacked": a["unpacked_mb"], "part": a["part_mb"], "ratio": a["ratio"]}
    ),
    "pdf_bomb": lambda a: (
        _(
            "The PDF would unpack to more than %(unpacked)s MB: it is refused as a possible decompression "
            "bomb. Print it to a new PDF and upload that."
        )
        % {"unpacked": a["unpacked_mb"]}
    ),
    "pdf_encrypted": lambda a: _("The PDF is encrypted (password-protected). Remove the password and upload it again."),
    "pdf_damaged": lambda a: _("The PDF is damaged or incomplete and cannot be read."),
    "pdf_no_text": lambda a: _("This PDF has no text layer: scanned documents need OCR first."),
}


def describe(exc: DocumentError) -> str:
    """What went wrong with the file and what to do, in the active language."""
    wording = WORDING.get(exc.code)
    return wording(exc.args_) if wording else str(exc)

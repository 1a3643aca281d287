"""Control characters at the boundary: refused in addresses and query strings, and in API input.

PostgreSQL cannot store U+0000 in a text column (the query fails with a server error), and no
name, slug or search term legitimately contains a control character. So they are refused where
input enters: a request whose path or query string holds one is answered 404 (path) or 400
(query) before any view runs; API input schemas refuse them in text fields; form fields
(Django's ``CharField``) already refuse U+0000 and :func:`strip_controls` removes the rest.
"""

from __future__ import annotations

import re

# C0 controls except tab, line feed and carriage return, DEL, and the C1 controls.
_TEXT_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# In an address or a query parameter no control character at all is legitimate.
_ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def has_text_controls(text: str) -> bool:
    """Whether free text (which may hold tabs and line breaks) holds another control character."""
    return bool(_TEXT_CONTROLS.search(text))


def has_controls(text: str) -> bool:
    """Whether a one-line value (slug, search term, filter) holds any control character."""
    return bool(_ANY_CONTROL.search(text))


def strip_controls(text: str) -> str:
    """Free text without the control characters that are not tabs or line breaks."""
    return _TEXT_CONTROLS.sub("", text)


def escape_controls(text: str) -> str:
    """A loggable form of a value: control characters written as escapes (``\\x00``)."""
    return _ANY_CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)

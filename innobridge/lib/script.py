"""Content in the reader's script: Traditional (Hong Kong) on zh-hant pages, Simplified on zh-hans.

Records are stored as people typed them, in either script or both. A zh-hans reader should not
have to read an offer typed in Traditional characters, nor a zh-hant reader a delegation purpose
typed in Simplified; OpenCC converts the page's text as it leaves the server (hk2s, s2hk), so
every field of every page is covered without each template remembering a filter.

What is never converted: what people edit (``<input>`` values and ``<textarea>`` contents, so a
form always holds the record as typed) and regions marked ``<!--as-written-->…<!--/as-written-->``
(the language names in the switcher). ``?script=original`` shows a page as written; the header
links there and back. English pages and every non-HTML answer (the API, exports) are left alone.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language

from innocore.text import to_simplified, to_traditional

ORIGINAL = "original"
PARAMETER = "script"
_PROTECTED = re.compile(r"<!--as-written-->.*?<!--/as-written-->|<textarea\b.*?</textarea>|<input\b[^>]*>", re.S | re.I)
_CONVERTERS = {"zh-hant": to_traditional, "zh-hans": to_simplified}


def reader_converter(language: str | None):
    """The conversion to the script of ``language``, or None where there is nothing to convert."""
    return _CONVERTERS.get((language or "").lower())


def convert_html(html: str, language: str | None) -> str:
    """``html`` with its text in the script of ``language``; editable values and marked regions as written."""
    convert = reader_converter(language)
    if convert is None:
        return html
    out, last = [], 0
    for m in _PROTECTED.finditer(html):
        out.append(convert(html[last : m.start()]))
        out.append(m.group())
        last = m.end()
    out.append(convert(html[last:]))
    return "".join(out)


def shows_as_written(request: HttpRequest) -> bool:
    return request.GET.get(PARAMETER) == ORIGINAL


def toggle_url(request: HttpRequest) -> str:
    """The current page with the opposite choice: as written, or in the reader's script."""
    params = request.GET.copy()
    if shows_as_written(request):
        params.pop(PARAMETER, None)
    else:
        params[PARAMETER] = ORIGINAL
    query = urlencode(list(params.lists()), doseq=True)
    return f"{request.path}?{query}" if query else request.path


class ReaderScriptMiddleware:
    """Convert the text of HTML pages to the reader's Chinese script (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        language = get_language()
        if (
            reader_converter(language) is None
            or shows_as_written(request)
            or response.streaming
            or not response.get("Content-Type", "").startswith("text/html")
            or response.has_header("Content-Disposition")
        ):
            return response
        charset = response.charset or "utf-8"
        response.content = convert_html(response.content.decode(charset), language).encode(charset)
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        return response

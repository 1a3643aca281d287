"""Warm a server process before it takes requests (gunicorn's ``post_worker_init``).

Whatever a process builds on first use would otherwise be paid by the first visitors after every
deploy or worker restart, and with several workers starting at once under traffic it piles up
into seconds-long stalls (the load test's reading model measured 3-5 s at p95 in its first
seconds). So this builds it all up front: the URL configuration and API, the matching indexes and the query encoder, the
Chinese segmenter and romaniser (about 1.3 s), the script converters, the list-search copies
with their bigram indexes and arrays, and every template, compiled.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.urls import get_resolver
from django.utils import translation

from innobridge.directory.models import Organisation
from innobridge.directory.selectors import SORT_FIELDS
from innobridge.lib import keysearch
from innobridge.matching import index
from innobridge.matching.selectors import SEARCH_FIELDS
from innocore.match.tokens import tokenize
from innocore.romanise import romanise
from innocore.text import to_simplified, to_traditional

log = logging.getLogger(__name__)
SAMPLE = "智能製造 smart manufacturing 山东 氢能"  # Traditional, Simplified and English: every path


def _urls() -> None:
    """Import the URL configuration (the API's schemas: about 0.5 s) and fill the reverse lookup
    of each language."""
    resolver = get_resolver()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            _ = resolver.reverse_dict


def _matching() -> None:
    index.offer_matcher()
    index.need_matcher()
    index.organisation_matcher()
    index.query_vector(SAMPLE)


def _text() -> None:
    tokenize(SAMPLE)
    romanise(SAMPLE)
    romanise("周乃翔", person=True)
    to_simplified(SAMPLE)
    to_traditional(SAMPLE)


def _search_copies() -> None:
    keysearch.warm("offers", index.offers_queryset, SEARCH_FIELDS["offers"])
    keysearch.warm("needs", index.needs_queryset, SEARCH_FIELDS["needs"])
    keysearch.warm("organisations", Organisation.objects.all, SORT_FIELDS, ranked=True)


def _templates() -> int:
    """Compile every template of the project (the cached loader keeps them)."""
    engine = engines["django"]
    count = 0
    for folder in [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]:
        for path in sorted(folder.rglob("*.html")):
            try:
                engine.get_template(path.relative_to(folder).as_posix())
            except (TemplateDoesNotExist, TemplateSyntaxError):  # compiled (and reported) when used
                continue
            count += 1
    return count


STEPS: dict[str, Callable[[], object]] = {
    "URLs and API": _urls,
    "matching indexes and encoder": _matching,
    "segmenter, romaniser and converters": _text,
    "list-search copies": _search_copies,
    "templates": _templates,
}


def warm_worker() -> dict[str, float | None]:
    """Run every warm-up step; returns the seconds each took (None for one that failed).

    A step that fails is logged and skipped, never raised: gunicorn stops the whole server when
    ``post_worker_init`` raises, and a worker that is not warm still serves (its first requests
    pay). The database connection opened here is closed: requests run in other threads.
    """
    took: dict[str, float | None] = {}
    try:
        for name, step in STEPS.items():
            started = time.perf_counter()
            try:
                step()
            except Exception:
                log.exception("warm-up step %r failed; the worker serves without it", name)
                took[name] = None
            else:
                took[name] = round(time.perf_counter() - started, 3)
    finally:
        for connection in connections.all(initialized_only=True):
            if not connection.in_atomic_block:  # a caller's transaction (tests) is left alone
                connection.close()
    return took

"""Record pages that show what apps above the record's own app know about it.

An organisation's page lists its offers (matching), its delegations (programmes) and the
documents that mention it (documents): apps above the directory in the layer order, which the
directory must not import. So a page names itself (``"directory.organisation"``), and each app
that has something to show registers a provider for that name in its ``pages`` module, found at
start-up by :func:`discover`. A provider takes the request and the record and returns template
context; the page's view merges what every provider returns into its own context. Markup works the
same way: a page's template has named slots, and higher apps register the templates that fill them
(``provides_fragment``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils.module_loading import autodiscover_modules

Provider = Callable[[HttpRequest, Any], dict[str, Any]]
_providers: dict[str, list[Provider]] = defaultdict(list)
_fragments: dict[str, list[str]] = defaultdict(list)


def provides(*pages: str) -> Callable[[Provider], Provider]:
    """Register the decorated function as a provider of context for each named page."""

    def register(provider: Provider) -> Provider:
        for page in pages:
            if provider not in _providers[page]:
                _providers[page].append(provider)
        return provider

    return register


def page_context(page: str, request: HttpRequest, record: Any) -> dict[str, Any]:
    """Everything the registered providers add to ``page`` for ``record``, as the reader may see it."""
    context: dict[str, Any] = {}
    for provider in _providers.get(page, ()):
        context.update(provider(request, record))
    return context


def provides_fragment(slot: str, template: str) -> None:
    """Register ``template`` to be included in the named slot of a lower app's page (for example
    ``"matching.suggestion"``: under each suggestion), which includes every template registered there
    with ``{% load innobridge %}{% fragments "matching.suggestion" as extra %}``. So a page can show an action
    of a higher app (request a meeting, the agreement's pipeline) without naming its templates."""
    if template not in _fragments[slot]:
        _fragments[slot].append(template)


def fragments(slot: str) -> list[str]:
    """The templates registered for ``slot``, in registration order."""
    return list(_fragments.get(slot, ()))


def discover() -> None:
    """Import every installed app's ``pages`` module, which registers its providers."""
    autodiscover_modules("pages")

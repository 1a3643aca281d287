"""Template helpers every page loads: language switcher links, record names, edit versions, and the
slots higher apps fill. They live in accounts, the lowest installed app, so that any app's template may
load them without depending on an app above it."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language

from innobridge.accounts.permissions import display_name
from innobridge.lib.concurrency import FORM_FIELD
from innobridge.lib.limits import PAGE_TEXT
from innobridge.lib.pages import fragments as registered_fragments

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """The current page in each language, so switching keeps the reader where they are."""
    request = context.get("request")
    path = request.get_full_path() if request else "/"
    current = get_language()
    return [
        {"code": code, "name": name, "url": translate_url(path, code), "active": code == current}
        for code, name in settings.LANGUAGES
    ]


@register.simple_tag(takes_context=True)
def page_url(context, page_number: int) -> str:
    qs = context.get("querystring", "")
    return f"?{qs}&page={page_number}" if qs else f"?page={page_number}"


@register.filter
def shortened(text: str | None) -> str:
    """A stored text cut to PAGE_TEXT characters, saying so: older records may hold more than forms allow."""
    from django.utils.translation import gettext as _

    text = text or ""
    if len(text) <= PAGE_TEXT:
        return text
    note = _("[shortened: the first %(shown)s of %(total)s characters]") % {"shown": PAGE_TEXT, "total": len(text)}
    return f"{text[:PAGE_TEXT]} … {note}"


@register.filter
def shown_name(user, viewer) -> str:
    """A user's name as ``viewer`` may see it (user names for staff only): see accounts.permissions."""

    return display_name(user, viewer=viewer)


@register.simple_tag(takes_context=True)
def edit_version(context, record):
    """The hidden field with the version an edit form was opened at (see lib.concurrency).

    A form shown again after an error keeps the version first seen, not the stored one, so a
    change saved meanwhile by someone else is still noticed.
    """
    from django.utils.html import format_html

    if record is None or getattr(record, "pk", None) is None:
        return ""
    request = context.get("request")
    posted = request.POST.get(FORM_FIELD) if request is not None and request.method == "POST" else None
    return format_html('<input type="hidden" name="{}" value="{}">', FORM_FIELD, posted or record.version)


@register.simple_tag
def fragments(slot: str) -> list[str]:
    """``{% fragments "slot" as templates %}``: the templates higher apps registered for a slot of a
    lower app's page (``innobridge.lib.pages.provides_fragment``), to ``{% include %}`` in turn."""
    return registered_fragments(slot)


def _english_reader() -> bool:
    return (get_language() or "").lower().startswith("en")


@register.filter
def reader_title(record) -> str:
    """An offer's or need's title for the reader: its English title on English pages when it has one."""
    english = getattr(record, "title_en", "")
    return english if english and _english_reader() else record.title


# The record kinds that carry English for readers of Chinese records (innobridge.matching.english.KINDS),
# by model name: the tag below links staff to their editor without importing the app that defines it.
ENGLISH_KINDS = {
    "technologyoffer": "offer",
    "technologyneed": "need",
    "delegation": "delegation",
    "event": "event",
    "agreement": "agreement",
}


@register.inclusion_tag("includes/english_summary.html", takes_context=True)
def english_summary(context, record, original_title: str = ""):
    """The record's English summary, on English pages only, marked as a summary of the original;
    with ``original_title``, the title as written too (when the page heads with the English one).
    Staff get a link to add or correct the English."""
    english = _english_reader()
    kind = ENGLISH_KINDS.get(getattr(getattr(record, "_meta", None), "model_name", ""), "")
    return {
        "summary": getattr(record, "summary_en", "") if english else "",
        "original_title": original_title if english else "",
        "edit": {"kind": kind, "slug": record.slug}
        if english and kind and context.get("user_is_staff") and getattr(record, "language", "") != "en"
        else None,
    }


@register.filter
def english_title(record) -> str:
    """The English title of an offer or need on English pages (beside a title shown as written), else ""."""
    return getattr(record, "title_en", "") if _english_reader() else ""

"""Suggestions explained in plain words, in the reader's language: what each part of a score means,
sector names instead of their codes, amounts with grouped digits.

It lives in the directory (it needs only sectors) so that the organisation page's partner
suggestions and the matching pages above it can both load it."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from innobridge.directory.models import Sector

register = template.Library()


def _labels() -> dict[str, str]:
    return {
        "lexical": _("Words in common"),
        "semantic": _("Similar meaning"),
        "sectors": _("Same sector"),
        "place": pgettext("score part", "Same place"),
        "maturity": _("Ready to use (maturity)"),
        "learned": _("Learned from what people did"),
    }


def _hints() -> dict[str, str]:
    return {
        "lexical": _("Both texts use these words (in any script), rarer words counting more."),
        "semantic": _("The texts say similar things, even in different languages or words."),
        "sectors": _("Both are filed under the same sector."),
        "place": _("The offer targets the place of the need, or a region around it."),
        "maturity": _("The technology is far enough developed (TRL) to be deployed."),
        "learned": _("Organisations in this programme responded to similar suggestions."),
    }


@register.filter
def contribution_label(name: str) -> str:
    """The plain name of a part of a match score (``Match.contributions`` keys)."""
    return _labels().get(name, name)


@register.filter
def contribution_hint(name: str) -> str:
    """One sentence on what that part of the score means."""
    return _hints().get(name, "")


@register.simple_tag(takes_context=True)
def sector_names(context, slugs: Iterable[str]) -> str:
    """Sector names (in the reader's language) for sector codes, looked up once per page."""
    request = context.get("request")
    cache = getattr(request, "_sector_names", None) if request is not None else None
    if cache is None:
        cache = {s.slug: str(s) for s in Sector.objects.all()}
        if request is not None:
            request._sector_names = cache
    return ", ".join(cache.get(slug, slug) for slug in slugs)


@register.simple_tag
def amount_range(currency: str, low: Decimal | int | None, high: Decimal | int | None) -> str:
    """``CNY 1,500,000 – 6,000,000`` with the reader's digit grouping; ``up to …`` / ``from …`` when one
    side is open, ``—`` when both are."""

    def amount(value: Decimal | int) -> str:
        return f"{currency} {floatformat(value, '0g')}".strip()

    if low is None:
        return "—" if high is None else _("up to %(amount)s") % {"amount": amount(high)}
    if high is None:
        return _("from %(amount)s") % {"amount": amount(low)}
    if low == high:
        return amount(low)
    return f"{amount(low)} – {floatformat(high, '0g')}"

"""One search box for everything a reader may see: organisations, people, offers, needs, events,
agreements and (for staff) documents, in any script, grouped by kind.

Each kind is read through the selector its own list page uses, so the visibility rules are the
same here as there: a confidential offer, a partners-only event or a staff-only document never
appears for someone who could not open it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from innobridge.directory import selectors as directory
from innobridge.directory.filters import search_terms
from innobridge.directory.models import Organisation
from innobridge.documents.models import SourceDocument
from innobridge.matching import selectors as matching
from innobridge.programmes import selectors as programmes

PER_KIND = 8
MAX_QUERY = 200


@dataclass
class Group:
    kind: str
    label: str
    total: int
    items: list = field(default_factory=list)
    more: str = ""


def search_everything(*, user, q: str) -> list[Group]:
    """Groups of matching records, each at most ``PER_KIND`` long with its total and a link to the full list."""
    q = q.strip()[:MAX_QUERY]
    terms = search_terms(q)
    if not terms:
        return []

    def holding(queryset):  # every term somewhere in the key, as the list pages match ("cold chain" finds "cold-chain")
        for term in terms:
            queryset = queryset.filter(search_key__contains=term)
        return queryset

    groups = [
        _group(
            "organisations", _("Organisations"), holding(Organisation.objects.all()), "directory:organisation_list", q
        ),
        _group("people", _("People"), directory.person_list(q=q), "directory:person_list", q),
        _group("offers", _("Technology offers"), matching.offer_list(user=user, q=q), "matching:offer_list", q),
        _group("needs", _("Needs"), matching.need_list(user=user, q=q), "matching:need_list", q),
        _group("events", _("Events"), holding(programmes.event_list(user=user)), "", q),
        _group("agreements", _("Agreements"), holding(programmes.agreement_list(user=user)), "", q),
    ]
    if user.is_authenticated and user.is_staff:
        documents = SourceDocument.objects.filter(Q(title__icontains=q) | Q(filename__icontains=q)).order_by("-created")
        groups.append(_group("documents", _("Documents"), documents, "", q))
    return [g for g in groups if g.total]


def _group(kind: str, label, queryset, list_url: str, q: str) -> Group:
    total = queryset.count()
    more = f"{reverse(list_url)}?q={q}" if list_url and total > PER_KIND else ""
    return Group(kind, str(label), total, list(queryset[:PER_KIND]), more)

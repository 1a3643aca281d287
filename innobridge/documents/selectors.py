"""Provenance reads: which document spans support a record."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from innobridge.directory.models import Organisation
from innobridge.documents.models import Evidence, Proposal, SourceDocument
from innobridge.programmes.models import Agreement, Event, Programme


def evidence_for(record: Model) -> list[Evidence]:
    ct = ContentType.objects.get_for_model(type(record))
    return list(
        Evidence.objects.filter(content_type=ct, object_id=record.pk)
        .select_related("document")
        .order_by("document__published", "start")
    )


MATCH_LABELS = {
    "exact": _("same name"),
    "alias": _("known short form"),
    "variant": _("same name, other script"),
    "fuzzy": _("similar name"),
    "existing": _("already on record"),
    "new": _("new"),
}


def review_groups(document: SourceDocument) -> list[dict]:
    """The proposals of a document grouped by kind, each with what an update would change."""
    groups: dict[str, dict] = {}
    for p in document.proposals.all():
        group = groups.setdefault(p.kind, {"kind": p.kind, "label": p.get_kind_display(), "items": []})
        group["items"].append(
            {
                "proposal": p,
                "match_label": MATCH_LABELS.get(p.match, p.match),
                "changes": proposal_changes(p) if p.target_slug else [],
            }
        )
    order = list(Proposal.Kind.values)
    return sorted(groups.values(), key=lambda g: order.index(g["kind"]))


def proposal_changes(p: Proposal) -> list[str]:
    """In words, what merging this proposal into its target would change (empty: only a new source)."""

    data = p.data or {}
    model = next((c.get("model") for c in p.candidates if c.get("slug") == p.target_slug), None)
    changes: list[str] = []
    if p.kind in (Proposal.Kind.ORGANISATION, Proposal.Kind.MEMBER):
        org = Organisation.objects.filter(slug=p.target_slug).first()
        if org is not None:
            known = set(org.aliases.values_list("text", flat=True))
            new = [a for a in data.get("aliases", []) if a not in known]
            if new:
                changes.append(_("add short forms: %(names)s") % {"names": ", ".join(new)})
    elif p.kind == Proposal.Kind.EVENT and model in (None, "event"):
        event = Event.objects.filter(slug=p.target_slug).select_related("place").first()
        day = data.get("date")
        if event is not None and day and len(day) == 10 and event.date_approximate:
            changes.append(
                _("date: about %(old)s → %(new)s") % {"old": formats.date_format(event.date, "Y-m"), "new": day}
            )
        if event is not None and data.get("places"):
            old = event.place.name_for(None) if event.place else "—"
            changes.append(_("place, if more precise: %(old)s → %(new)s") % {"old": old, "new": data["places"][0]})
    elif p.kind == Proposal.Kind.AGREEMENT:
        agreement = Agreement.objects.filter(slug=p.target_slug).first()
        day = data.get("date")
        if (
            agreement is not None
            and day
            and len(day) == 10
            and (agreement.signed_on_approximate or not agreement.signed_on)
        ):
            changes.append(_("signed on: %(new)s") % {"new": day})
        if agreement is not None and data.get("witnesses"):
            changes.append(_("witnesses: %(names)s") % {"names": ", ".join(data["witnesses"])})
    return changes


def likely_programme(document: SourceDocument) -> Programme | None:
    """The programme to preselect on the review screen: the one the matched events and agreements
    belong to, else the only programme there is, else none (the reviewer chooses)."""

    for p in document.proposals.exclude(target_slug=""):
        if p.kind == Proposal.Kind.EVENT:
            event = Event.objects.filter(slug=p.target_slug).select_related("programme").first()
            if event is not None:
                return event.programme
        if p.kind == Proposal.Kind.AGREEMENT:
            agreement = Agreement.objects.filter(slug=p.target_slug).select_related("programme").first()
            if agreement is not None:
                return agreement.programme
    programmes = list(Programme.objects.all()[:2])
    return programmes[0] if len(programmes) == 1 else None


def review_examples(*, since: datetime | None = None) -> Iterator[dict]:
    """Every reviewed proposal as a labelled example for the extractor: the span, what was read,
    what the reviewer kept (corrected data, or the record merged into) and the decision."""
    rows = (
        Proposal.objects.exclude(decision=Proposal.Decision.PENDING)
        .select_related("document")
        .order_by("document_id", "kind", "position")
    )
    if since is not None:
        rows = rows.filter(document__created__gte=since)
    for p in rows.iterator(chunk_size=500):
        yield {
            "document": p.document.slug,
            "language": p.document.language,
            "kind": p.kind,
            "span": [p.start, p.end],
            "quote": p.quote,
            "extracted": p.extracted or p.data,
            "final": p.data,
            "corrected": bool(p.extracted) and p.extracted != p.data,
            "decision": p.decision,
            "match": p.match,
            "target": p.target_slug,
        }

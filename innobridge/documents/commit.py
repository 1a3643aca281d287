"""Committing a reviewed document: the accepted proposals become records, in one transaction.

Each record created or updated keeps its evidence (the document and the span it came from). Storing
a document and reviewing its proposals is ``innobridge.documents.services``.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TypedDict, cast

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from innobridge.directory import services as directory
from innobridge.directory.models import Organisation, Person, Place
from innobridge.documents import titles
from innobridge.documents.models import Evidence, Proposal, SourceDocument
from innobridge.documents.services import EVENT_KINDS, KIND_OF_RECORD, PLACE_KINDS, _org_for, _person_for, _place_named
from innobridge.lib.services import NameFields, atomic
from innobridge.programmes import services as programmes
from innobridge.programmes.models import Agreement, Delegation, Event, EventParticipant, Programme
from innobridge.programmes.resolution import more_precise
from innocore.text import detect_script


def _script_of(value: str) -> str:
    """The field suffix for the script ``value`` is written in: zh_hant, zh_hans or en."""
    script = detect_script(value)
    return "zh_hant" if script == "zh-Hant" else "zh_hans" if script in ("zh-Hans", "zh") else "en"


def _name_fields(name: str) -> NameFields:
    """{name_zh_hant: name} / {name_zh_hans: ...} / {name_en: ...} by the script the name is in."""
    script = _script_of(name)
    if script == "zh_hant":
        return {"name_zh_hant": name}
    if script == "zh_hans":
        return {"name_zh_hans": name}
    return {"name_en": name}


def _evidence(document: SourceDocument, record: Model, proposal: Proposal, field: str = "") -> Evidence:
    return Evidence(
        document=document,
        content_type=ContentType.objects.get_for_model(type(record)),
        object_id=record.pk,
        field=field,
        start=proposal.start,
        end=proposal.end,
    )


@atomic
def document_commit(*, document: SourceDocument, programme: Programme | None = None) -> dict:
    """Apply every accepted or merged proposal of ``document``: all of them, or nothing on any error.

    A proposal merged into an existing record *updates* it (a more precise date or place, new
    participants, aliases or witnesses) and adds this document to its provenance; nothing is
    created twice. New events and agreements need the programme they belong to. Returns
    ``{"created": {kind: n}, "updated": {kind: n}}``.
    """
    document = SourceDocument.objects.select_for_update().get(pk=document.pk)
    if document.committed:
        raise ValidationError(_("This document has already been committed."))
    proposals = list(document.proposals.exclude(decision__in=[Proposal.Decision.PENDING, Proposal.Decision.REJECTED]))
    counts = Counts()
    evidence: list[Evidence] = []
    orgs_by_name: dict[str, Organisation] = {}
    for p in [p for p in proposals if p.kind in ("organisation", "member")]:
        org = _apply_organisation(p, counts)
        orgs_by_name[p.data["name"]] = org
        for alias in p.data.get("aliases", []):
            orgs_by_name[alias] = org
        evidence.append(_evidence(document, org, p, "delegation member" if p.kind == "member" else ""))
    for p in [p for p in proposals if p.kind == "organisation" and p.data.get("parent")]:
        parent = orgs_by_name.get(p.data["parent"]) or _org_for(p.data["parent"], {})
        child = orgs_by_name[p.data["name"]]
        if parent and parent != child and child.parent_id != parent.pk:
            child.parent = parent
            child.save(update_fields=["parent", "last_updated"])
    for p in [p for p in proposals if p.kind == "place"]:
        kind = p.data["kind"] if p.data.get("kind") in PLACE_KINDS else cast(str, Place.Kind.SITE)
        place = _apply_place(p, counts, kind=kind)
        evidence.append(_evidence(document, place, p))
    for p in [p for p in proposals if p.kind in ("person", "contact")]:
        person = _apply_person(p, counts)
        org_name = p.data.get("organization")
        employer = (orgs_by_name.get(org_name) or _org_for(org_name, {})) if org_name else None
        if p.kind == "contact":
            fields = [f for f in ("email", "phone") if p.data.get(f) and not getattr(person, f)]
            for f in fields:
                setattr(person, f, p.data[f][:80])
            if fields:
                person.save(update_fields=[*fields, "last_updated"])
        if employer and p.data.get("title"):
            directory.position_save(person=person, organisation=employer, **_title_fields(p.data["title"]))
        evidence.append(_evidence(document, person, p))
    activities = [p for p in proposals if p.kind in ("event", "agreement")]
    undated = [p for p in activities if p.kind == "event" and not p.target_slug and not p.data.get("date")]
    if undated:
        raise ValidationError(
            _("Give a date to each new event before committing; the text states none for: %(names)s.")
            % {"names": "; ".join(p.label for p in undated)}
        )
    if any(not p.target_slug for p in activities) and programme is None:
        raise ValidationError(_("Choose the programme that the accepted events and agreements belong to."))
    signing_events: list[Event] = []
    for p in [p for p in activities if p.kind == "event"]:
        record = _apply_event(p, document, programme, orgs_by_name, counts)
        evidence.append(_evidence(document, record, p))
        if isinstance(record, Event) and record.kind == "signing":
            signing_events.append(record)
    for p in [p for p in activities if p.kind == "agreement"]:
        agreement = _apply_agreement(p, document, programme, orgs_by_name, signing_events, counts)
        evidence.append(_evidence(document, agreement, p))
    Evidence.objects.bulk_create(evidence)
    document.committed = timezone.now()
    document.save(update_fields=["committed", "last_updated"])
    return counts.as_dict()


class Counts:
    """Records created and updated by a commit, per kind of record."""

    def __init__(self) -> None:
        self.created: dict[str, int] = {}
        self.updated: dict[str, int] = {}

    def add(self, which: str, record: Model) -> None:
        bucket = self.created if which == "created" else self.updated
        kind = type(record)._meta.model_name
        bucket[kind] = bucket.get(kind, 0) + 1

    def as_dict(self) -> dict:
        return {"created": dict(self.created), "updated": dict(self.updated)}


class TitleFields(TypedDict, total=False):
    title_zh_hant: str
    title_zh_hans: str
    title_en: str


def _title_fields(title: str) -> TitleFields:
    """{title_zh_hant: title} / {title_zh_hans: ...} / {title_en: ...} by the script the title is in."""
    script = _script_of(title)
    if script == "zh_hant":
        return {"title_zh_hant": title}
    if script == "zh_hans":
        return {"title_zh_hans": title}
    return {"title_en": title}


def _apply_organisation(p: Proposal, counts: Counts) -> Organisation:
    if p.target_slug:
        org = Organisation.objects.get(slug=p.target_slug)
        known = {x.text for x in org.aliases.all()}
        new_aliases = [a for a in p.data.get("aliases", []) if a not in known]
        if new_aliases:
            directory.organisation_set_aliases(organisation=org, aliases=sorted(known) + new_aliases)
            counts.add("updated", org)
        return org
    kind = p.data["kind"] if p.data.get("kind") in Organisation.Kind.values else cast(str, Organisation.Kind.ENTERPRISE)
    org = directory.organisation_save(kind=kind, aliases=p.data.get("aliases", []), **_name_fields(p.data["name"]))
    counts.add("created", org)
    return org


def _apply_person(p: Proposal, counts: Counts) -> Person:
    if p.target_slug:
        return Person.objects.get(slug=p.target_slug)
    person = directory.person_save(**_name_fields(p.data["name"]))
    counts.add("created", person)
    return person


def _apply_place(p: Proposal, counts: Counts, *, kind: str) -> Place:
    if p.target_slug:
        return Place.objects.get(slug=p.target_slug)
    place = directory.place_save(**_name_fields(p.data["name"]), kind=kind)
    counts.add("created", place)
    return place


def _day(value: str | None) -> tuple[datetime.date | None, bool]:
    """(date, approximate) from 'YYYY-MM-DD' or 'YYYY-MM'; (None, True) when the text gives no date."""
    from datetime import date

    if value and len(value) == 10:
        return date.fromisoformat(value), False
    if value and len(value) == 7:
        return date.fromisoformat(value + "-01"), True
    return None, True


def _target(p: Proposal) -> Event | Agreement | Delegation:
    """The record a proposal was merged into: the model comes from the chosen candidate."""
    model = next((c.get("model") for c in p.candidates if c.get("slug") == p.target_slug), None)
    model = model or ("agreement" if p.kind == "agreement" else "event")
    return KIND_OF_RECORD[model].objects.get(slug=p.target_slug)


def _apply_event(
    p: Proposal,
    document: SourceDocument,
    programme: Programme | None,
    orgs_by_name: Mapping[str, Organisation],
    counts: Counts,
) -> Event | Agreement | Delegation:

    day, approximate = _day(p.data.get("date"))
    places = [pl for pl in (_place_named(n) for n in p.data.get("places", [])) if pl]
    place = places[0] if places else None
    orgs = []
    for name in p.data.get("participants", []) + p.data.get("parties", []):
        org = _org_for(name, orgs_by_name)
        if org and org not in orgs:
            orgs.append(org)
    if p.target_slug:
        record = _target(p)
        if isinstance(record, Event):
            place = next((pl for pl in places if more_precise(pl, record.place)), None)
        if isinstance(record, Event) and _update_event(record, day, approximate, place, orgs):
            counts.add("updated", record)
        return record
    # document_commit refused the commit earlier without a programme or with an undated new event.
    assert programme is not None and day is not None
    kind = EVENT_KINDS.get(p.data.get("kind"), "meeting")
    event = programmes.event_save(
        programme=programme,
        kind=kind,
        date=day,
        date_approximate=approximate,
        place=place,
        description=document.text[p.start : p.end].strip(),
        participants=[(o, None, "participant") for o in orgs],
        **titles.name_field(
            document.language,
            titles.event_title(
                p.data.get("kind") or kind, _short_names(orgs, document.language), place, document.language
            ),
        ),
    )
    counts.add("created", event)
    return event


def _update_event(
    event: Event, day: datetime.date | None, approximate: bool, place: Place | None, orgs: list[Organisation]
) -> bool:
    """What a new report adds to a recorded event: a day for an approximate date, a place inside
    the recorded one, organisations not yet listed. Returns whether anything changed."""
    changed = []
    if day is not None and event.date_approximate and (not approximate or event.date.month != day.month):
        event.date, event.date_approximate = day, approximate
        changed += ["date", "date_approximate"]
    if more_precise(place, event.place):
        event.place = place
        changed.append("place")
    if changed:
        event.save(update_fields=[*changed, "last_updated"])
    present = set(event.participants.values_list("organisation_id", flat=True))
    new = [o for o in orgs if o.pk not in present]
    if new:
        EventParticipant.objects.bulk_create(EventParticipant(event=event, organisation=o) for o in new)
    return bool(changed or new)


def _short_names(orgs: list[Organisation], language: str) -> list[str]:
    return [titles.short_name(o.name_for(language)) for o in orgs]


def _apply_agreement(
    p: Proposal,
    document: SourceDocument,
    programme: Programme | None,
    orgs_by_name: Mapping[str, Organisation],
    signing_events: list[Event],
    counts: Counts,
) -> Agreement:

    parties: list[tuple[Organisation, str, Person | None]] = []
    for name in p.data.get("parties", []):
        org = _org_for(name, orgs_by_name)
        if org and org.pk not in {o.pk for o, _r, _s in parties}:
            parties.append((org, "party", None))
    witnesses = [w for w in (_person_for(n) for n in p.data.get("witnesses", [])) if w]
    day, approximate = _day(p.data.get("date"))
    party_ids = {o.pk for o, _r, _s in parties}
    if p.target_slug:
        agreement = Agreement.objects.get(slug=p.target_slug)
        changed = []
        if day is not None and (agreement.signed_on is None or agreement.signed_on_approximate) and not approximate:
            agreement.signed_on, agreement.signed_on_approximate = day, False
            changed += ["signed_on", "signed_on_approximate"]
        if changed:
            agreement.save(update_fields=[*changed, "last_updated"])
        new_witnesses = [w for w in witnesses if not agreement.witnesses.filter(pk=w.pk).exists()]
        if new_witnesses:
            agreement.witnesses.add(*new_witnesses)
        if changed or new_witnesses:
            counts.add("updated", agreement)
        return agreement
    if len(parties) < 2:
        raise ValidationError(_("Accept or merge at least two parties of an agreement before committing it."))
    signing = next(
        (e for e in signing_events if party_ids <= set(e.participants.values_list("organisation_id", flat=True))),
        signing_events[0] if len(signing_events) == 1 else None,
    )
    kind = p.data.get("kind") if p.data.get("kind") in ("mou", "cooperation", "framework", "licence") else "other"
    assert programme is not None  # document_commit refused the commit earlier without one
    agreement = programmes.agreement_save(
        programme=programme,
        kind=kind,
        signed_on=day,
        signed_on_approximate=approximate,
        signing_event=signing,
        signed_at=signing.place if signing else None,
        parties=parties,
        witnesses=witnesses,
        scope=document.text[p.start : p.end],
        **titles.name_field(
            document.language,
            titles.agreement_title(
                kind, _short_names([o for o, _r, _s in parties], document.language), document.language
            ),
        ),
    )
    counts.add("created", agreement)
    return agreement

"""Writes for programmes, delegations, events and agreements.

Each service replaces a record's links (stops, leaders, members, participants,
parties) as a whole inside one transaction, so a failed save leaves nothing half done.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Unpack

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from innobridge.audit import bulk as audited
from innobridge.directory.models import Organisation, Person, Place, Sector
from innobridge.lib.services import NameFields, atomic, save_named
from innobridge.programmes.models import (
    Agreement,
    AgreementParty,
    Delegation,
    DelegationLeader,
    DelegationMember,
    DelegationStop,
    Event,
    EventParticipant,
    Programme,
)


# The model fields each save service sets as given (keyword arguments; any subset).
class ProgrammeFields(NameFields, total=False):
    operator: Organisation
    region: Place
    started: date | None
    description: str


class DelegationFields(NameFields, total=False):
    summary_en: str
    programme: Programme
    visiting: Organisation
    hosting: Organisation
    destination: Place
    start: date
    end: date
    dates_approximate: bool
    purpose: str
    visibility: str


class EventFields(NameFields, total=False):
    summary_en: str
    kind: str
    programme: Programme
    delegation: Delegation | None
    date: datetime.date  # spelled out: a bare `date` here would name this field
    date_approximate: bool
    place: Place | None
    description: str
    visibility: str


class AgreementFields(NameFields, total=False):
    summary_en: str
    kind: str
    status: str
    programme: Programme
    delegation: Delegation | None
    signing_event: Event | None
    signed_on: date | None
    signed_on_approximate: bool
    signed_at: Place | None
    scope: str
    visibility: str
    value_amount: Decimal | None
    value_currency: str


def _assign(obj: Programme | Delegation | Event | Agreement, fields: Mapping[str, Any]) -> None:
    for key, value in fields.items():
        setattr(obj, key, value)


@atomic
def programme_save(
    *,
    programme: Programme | None = None,
    partners: Iterable[Organisation] | None = None,
    sectors: Iterable[Sector] | None = None,
    **fields: Unpack[ProgrammeFields],
) -> Programme:
    programme = programme or Programme()
    _assign(programme, fields)
    save_named(programme)
    if partners is not None:
        programme.partners.set(partners)
    if sectors is not None:
        programme.sectors.set(sectors)
    return programme


@atomic
def delegation_save(
    *,
    delegation: Delegation | None = None,
    stops: Sequence[tuple[Place, date | None, date | None]] | None = None,
    leaders: Sequence[Person] | None = None,
    members: Sequence[tuple[Organisation, str]] | None = None,
    **fields: Unpack[DelegationFields],
) -> Delegation:
    """Create or update a delegation; ``stops`` are cities in travel order with arrival and departure."""
    delegation = delegation or Delegation()
    _assign(delegation, fields)
    if delegation.start and delegation.end and delegation.end < delegation.start:
        raise ValidationError({"end": _("The delegation cannot end before it starts.")})
    save_named(delegation)
    if stops is not None:
        for _place, arrive, depart in stops:
            outside = [d for d in (arrive, depart) if d and not (delegation.start <= d <= delegation.end)]
            if outside:
                raise ValidationError({"stops": _("Every stop must fall within the delegation's dates.")})
        delegation.stops.all().delete()
        DelegationStop.objects.bulk_create(
            DelegationStop(delegation=delegation, place=place, order=i, arrive=arrive, depart=depart)
            for i, (place, arrive, depart) in enumerate(stops, start=1)
        )
    if leaders is not None:
        delegation.leaders.all().delete()
        DelegationLeader.objects.bulk_create(
            DelegationLeader(delegation=delegation, person=p, order=i) for i, p in enumerate(leaders, start=1)
        )
    if members is not None:
        DelegationMember.objects.filter(delegation=delegation).delete()
        DelegationMember.objects.bulk_create(
            DelegationMember(delegation=delegation, organisation=org, role=role, order=i)
            for i, (org, role) in enumerate(members, start=1)
        )
    return delegation


@atomic
def event_save(
    *,
    event: Event | None = None,
    participants: Sequence[tuple[Organisation, Person | None, str]] | None = None,
    **fields: Unpack[EventFields],
) -> Event:
    event = event or Event()
    _assign(event, fields)
    save_named(event)
    if participants is not None:
        event.participants.all().delete()
        EventParticipant.objects.bulk_create(
            EventParticipant(event=event, organisation=org, person=person, role=role)
            for org, person, role in participants
        )
    return event


@atomic
def agreement_save(
    *,
    agreement: Agreement | None = None,
    parties: Sequence[tuple[Organisation, str, Person | None]] | None = None,
    witnesses: Iterable[Person] | None = None,
    sectors: Iterable[Sector] | None = None,
    **fields: Unpack[AgreementFields],
) -> Agreement:
    """Create or update an agreement. An agreement binds at least two distinct parties."""
    agreement = agreement or Agreement()
    _assign(agreement, fields)
    if parties is not None and len({org.pk for org, _role, _p in parties}) < 2:
        raise ValidationError({"parties": _("An agreement needs at least two different parties.")})
    save_named(agreement)
    if parties is not None:
        agreement.parties.all().delete()
        audited.bulk_create(
            AgreementParty,
            (
                AgreementParty(agreement=agreement, organisation=org, role=role, signatory=signatory)
                for org, role, signatory in parties
            ),
        )
    if witnesses is not None:
        agreement.witnesses.set(witnesses)
    if sectors is not None:
        agreement.sectors.set(sectors)
    return agreement

"""Reads for programmes, filtered by what the user may see."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Prefetch, Q, QuerySet

from innobridge.accounts.permissions import is_staff, member_organisation_id, visible_levels
from innobridge.directory.models import Organisation, Person, Place
from innobridge.programmes.models import (
    Agreement,
    AgreementParty,
    Delegation,
    DelegationMember,
    Event,
    EventParticipant,
    Programme,
)


def _visible(user: User | AnonymousUser, owner_lookups: list[str]) -> Q:
    """Records at a level the user may read, plus any record their organisation takes part in."""
    condition = Q(visibility__in=visible_levels(user))
    org_id = member_organisation_id(user)
    if org_id is not None:
        for lookup in owner_lookups:
            condition |= Q(**{lookup: org_id})
    return condition


def delegations_visible(user: User | AnonymousUser) -> QuerySet[Delegation]:
    return Delegation.objects.filter(
        _visible(user, ["visiting_id", "hosting_id", "delegationmember__organisation_id"])
    ).distinct()


def events_visible(user: User | AnonymousUser) -> QuerySet[Event]:
    return Event.objects.filter(_visible(user, ["participants__organisation_id"])).distinct()


def agreements_visible(user: User | AnonymousUser) -> QuerySet[Agreement]:
    """As the other records, except that a draft (not yet signed) is for staff and its parties only."""
    condition = Q(visibility__in=visible_levels(user))
    if not is_staff(user):
        condition &= ~Q(status=Agreement.Status.DRAFT)
    org_id = member_organisation_id(user)
    if org_id is not None:
        condition |= Q(parties__organisation_id=org_id)
    return Agreement.objects.filter(condition).distinct()


def programme_list() -> QuerySet[Programme]:
    return Programme.objects.select_related("operator", "region")


def programme_detail(*, slug: str) -> Programme:
    return Programme.objects.select_related("operator", "region").prefetch_related("partners", "sectors").get(slug=slug)


def delegation_list(*, user: User | AnonymousUser) -> QuerySet[Delegation]:
    return (
        delegations_visible(user).select_related("programme", "visiting", "hosting", "destination").order_by("-start")
    )


def delegation_detail(*, user: User | AnonymousUser, slug: str) -> Delegation:
    return (
        delegations_visible(user)
        .select_related("programme", "visiting", "hosting", "destination")
        .prefetch_related(
            Prefetch("stops__place"),
            Prefetch("leaders__person__positions__organisation"),
            Prefetch("delegationmember_set", queryset=DelegationMember.objects.select_related("organisation")),
        )
        .get(slug=slug)
    )


def events_for_delegation(*, user: User | AnonymousUser, delegation: Delegation) -> QuerySet[Event]:
    return (
        events_visible(user)
        .filter(delegation=delegation)
        .select_related("place")
        .prefetch_related(
            Prefetch("participants", queryset=EventParticipant.objects.select_related("organisation", "person"))
        )
        .order_by("date", "pk")
    )


def event_list(*, user: User | AnonymousUser) -> QuerySet[Event]:
    return events_visible(user).select_related("place", "delegation").order_by("-date", "slug")


def event_detail(*, user: User | AnonymousUser, slug: str) -> Event:
    return (
        events_visible(user)
        .select_related("place", "delegation", "programme")
        .prefetch_related(
            Prefetch("participants", queryset=EventParticipant.objects.select_related("organisation", "person")),
            "agreements",
        )
        .get(slug=slug)
    )


def upcoming_events(*, user: User | AnonymousUser, today: date, limit: int = 5) -> QuerySet[Event]:
    return events_visible(user).filter(date__gte=today).select_related("place").order_by("date")[:limit]


def agreement_list(*, user: User | AnonymousUser) -> QuerySet[Agreement]:
    return (
        agreements_visible(user)
        .select_related("signed_at", "programme")
        .prefetch_related(Prefetch("parties", queryset=AgreementParty.objects.select_related("organisation")))
        .order_by("-signed_on", "slug")
    )


def agreement_detail(*, user: User | AnonymousUser, slug: str) -> Agreement:
    return (
        agreements_visible(user)
        .select_related("signed_at", "programme", "delegation", "signing_event")
        .prefetch_related(
            Prefetch("parties", queryset=AgreementParty.objects.select_related("organisation", "signatory")),
            "witnesses",
            "sectors",
        )
        .get(slug=slug)
    )


def delegations_for_organisation(*, user: User | AnonymousUser, organisation: Organisation) -> QuerySet[Delegation]:
    return (
        delegations_visible(user)
        .filter(Q(visiting=organisation) | Q(hosting=organisation) | Q(delegationmember__organisation=organisation))
        .select_related("destination")
        .order_by("-start")
    )


def delegations_led(*, user: User | AnonymousUser, person: Person) -> QuerySet[Delegation]:
    return delegations_visible(user).filter(leaders__person=person).order_by("-start")


def events_for_organisation(*, user: User | AnonymousUser, organisation: Organisation) -> QuerySet[Event]:
    return (
        events_visible(user).filter(participants__organisation=organisation).select_related("place").order_by("-date")
    )


def events_for_person(*, user: User | AnonymousUser, person: Person) -> QuerySet[Event]:
    return events_visible(user).filter(participants__person=person).select_related("place").order_by("-date")


def events_at_place(*, user: User | AnonymousUser, place: Place) -> QuerySet[Event]:
    return events_visible(user).filter(place=place).order_by("-date")


def agreements_for_organisation(*, user: User | AnonymousUser, organisation: Organisation) -> QuerySet[Agreement]:
    return agreements_visible(user).filter(parties__organisation=organisation).order_by("-signed_on")

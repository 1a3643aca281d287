"""Programme pages: programmes, delegations with their itinerary, events and agreements."""

from __future__ import annotations

from collections import OrderedDict

from django.shortcuts import render

from innobridge.directory.selectors import place_parents
from innobridge.lib.pages import page_context
from innobridge.lib.views import get_or_404, paginate
from innobridge.programmes import selectors
from innobridge.programmes.models import DelegationMember


def programme_list(request):
    return render(request, "programmes/programme_list.html", {"programmes": selectors.programme_list()})


def programme_detail(request, slug: str):
    programme = get_or_404(selectors.programme_detail, slug=slug)
    user = request.user
    return render(
        request,
        "programmes/programme_detail.html",
        {
            "programme": programme,
            "delegations": selectors.delegation_list(user=user).filter(programme=programme),
            "agreements": selectors.agreement_list(user=user).filter(programme=programme)[:20],
            "events": selectors.event_list(user=user).filter(programme=programme)[:20],
        },
    )


def delegation_list(request):
    return render(
        request,
        "programmes/delegation_list.html",
        {"page": paginate(request, selectors.delegation_list(user=request.user))},
    )


def itinerary(delegation, events, parents: dict[int, int | None]) -> list[dict]:
    """Group the delegation's events under its stops (city, days), in travel order.

    An event belongs to the stop whose city contains its place; events that match no
    stop are listed at the end so nothing silently disappears.
    """
    stops = list(delegation.stops.all())
    groups: OrderedDict[int, dict] = OrderedDict((stop.pk, {"stop": stop, "days": OrderedDict()}) for stop in stops)
    unplaced: list = []
    for event in events:
        stop = _stop_for(stops, event, parents)
        if stop is None:
            unplaced.append(event)
        else:
            groups[stop.pk]["days"].setdefault(event.date, []).append(event)
    result = [{"stop": g["stop"], "days": list(g["days"].items())} for g in groups.values()]
    if unplaced:
        result.append({"stop": None, "days": [(None, unplaced)]})
    return result


def _stop_for(stops, event, parents: dict[int, int | None]):
    if event.place_id is None:
        return None
    lineage, node = set(), event.place_id
    while node is not None and node not in lineage:
        lineage.add(node)
        node = parents.get(node)
    matches = [s for s in stops if s.place_id in lineage]
    if not matches:
        return None
    dated = [s for s in matches if s.arrive and s.depart and s.arrive <= event.date <= s.depart]
    return (dated or matches)[0]


def delegation_detail(request, slug: str):
    user = request.user
    delegation = get_or_404(selectors.delegation_detail, user=user, slug=slug)
    events = list(selectors.events_for_delegation(user=user, delegation=delegation))
    return render(
        request,
        "programmes/delegation_detail.html",
        {
            "delegation": delegation,
            "itinerary": itinerary(delegation, events, place_parents()),
            "meetings": [e for e in events if e.kind == "meeting"],
            "site_visits": [e for e in events if e.kind == "site_visit"],
            "signings": [e for e in events if e.kind == "signing"],
            "agreements": selectors.agreement_list(user=user).filter(delegation=delegation),
            "members": [m for m in delegation.delegationmember_set.all() if m.role == DelegationMember.Role.MEMBER],
            "accompanying": [
                m for m in delegation.delegationmember_set.all() if m.role != DelegationMember.Role.MEMBER
            ],
            **page_context("programmes.delegation", request, delegation),  # evidence
        },
    )


def event_list(request):
    return render(
        request, "programmes/event_list.html", {"page": paginate(request, selectors.event_list(user=request.user))}
    )


def event_detail(request, slug: str):
    event = get_or_404(selectors.event_detail, user=request.user, slug=slug)
    return render(
        request,
        "programmes/event_detail.html",
        {
            "event": event,
            "agreements": selectors.agreements_visible(request.user).filter(signing_event=event),
            **page_context("programmes.event", request, event),  # evidence
        },
    )


def agreement_list(request):
    return render(
        request,
        "programmes/agreement_list.html",
        {"page": paginate(request, selectors.agreement_list(user=request.user))},
    )


def agreement_detail(request, slug: str):
    agreement = get_or_404(selectors.agreement_detail, user=request.user, slug=slug)
    return render(
        request,
        "programmes/agreement_detail.html",
        # evidence (documents); status history, milestones and their forms, linked records (pipeline)
        {"agreement": agreement, **page_context("programmes.agreement", request, agreement)},
    )

"""What the programmes app shows on the directory's pages (see innobridge.lib.pages)."""

from __future__ import annotations

from innobridge.lib.pages import provides
from innobridge.programmes import selectors


@provides("directory.organisation")
def organisation_activities(request, org) -> dict:
    user = request.user
    return {
        "delegations": selectors.delegations_for_organisation(user=user, organisation=org),
        "events": selectors.events_for_organisation(user=user, organisation=org),
        "agreements": selectors.agreements_for_organisation(user=user, organisation=org),
    }


@provides("directory.person")
def person_activities(request, person) -> dict:
    return {
        "delegations_led": selectors.delegations_led(user=request.user, person=person),
        "events": selectors.events_for_person(user=request.user, person=person),
    }


@provides("directory.place")
def place_events(request, place) -> dict:
    return {"events": selectors.events_at_place(user=request.user, place=place)}

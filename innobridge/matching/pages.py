"""What the matching app shows on other apps' record pages (see innobridge.lib.pages)."""

from __future__ import annotations

from innobridge.accounts.permissions import can_edit_organisation, sees_teasers
from innobridge.lib.pages import provides
from innobridge.matching import selectors


@provides("directory.organisation")
def organisation_offers_and_needs(request, org) -> dict:
    user = request.user
    # Anonymous visitors see offers and needs only as teasers, which must not be tied to their owner.
    if sees_teasers(user):
        return {"offers": [], "needs": [], "partners": []}
    can_edit = can_edit_organisation(user, org)
    return {
        "offers": [o for o in selectors.offers_visible(user).filter(owner=org) if not o.anonymous or can_edit],
        "needs": selectors.needs_visible(user).filter(owner=org),
        "partners": selectors.partners_for_organisation(organisation=org) if can_edit else [],
    }

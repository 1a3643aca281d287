"""Who may see, edit and answer offers, needs and contact requests."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from django.db.models import Q
from django.utils import timezone

from innobridge.accounts.permissions import is_staff, member_organisation_id, sees_teasers, visible_levels


def visible_q(user, *, expiring: bool = False) -> Q:
    """Published (unexpired) records at a level the user may read, plus all their own organisation's."""
    if is_staff(user):
        return Q()
    condition = Q(status="published", visibility__in=visible_levels(user))
    if expiring:
        condition &= Q(expires_on__isnull=True) | Q(expires_on__gte=timezone.localdate())
    org_id = member_organisation_id(user)
    if org_id is not None:
        condition |= Q(owner_id=org_id)
    return condition


def live_visible(user) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """:func:`visible_q` for records already known to be live (published and unexpired), as a
    test on arrays of their (visibility, owner id): for lists ranked from the in-memory search
    copy, one comparison per visibility level for all the matches.

    It decides what a list counts and in which order; the rows shown are still read through
    ``visible_q``, so a record that changed meanwhile is left out rather than shown.
    """
    if is_staff(user):
        return lambda visibility, owner_id: np.ones(len(visibility), dtype=bool)
    levels = [str(level) for level in visible_levels(user)]
    org_id = member_organisation_id(user)

    def mask(visibility: np.ndarray, owner_id: np.ndarray) -> np.ndarray:
        shown = np.zeros(len(visibility), dtype=bool)
        for level in levels:
            shown |= visibility == level
        if org_id is not None:
            shown |= owner_id == org_id
        return shown

    return mask


def can_see_suggestions(user) -> bool:
    """Suggestions quote the free text of both records (matched terms), which teasers leave out.

    One rule for the pages and the API: anonymous readers get no suggestions.
    """
    return not sees_teasers(user)


def can_edit(user, record) -> bool:
    return is_staff(user) or (record.owner_id is not None and member_organisation_id(user) == record.owner_id)


def can_create(user) -> bool:
    return is_staff(user) or member_organisation_id(user) is not None


def can_see_owner(user, offer) -> bool:
    """An anonymous offer names its owner only to the owner, staff, and accepted requesters."""
    if not getattr(offer, "anonymous", False) or can_edit(user, offer):
        return True
    org_id = member_organisation_id(user)
    return org_id is not None and offer.contact_requests.filter(requester_id=org_id, status="accepted").exists()


def can_answer(user, request) -> bool:
    return is_staff(user) or member_organisation_id(user) == request.recipient_id


def can_see_request(user, request) -> bool:
    return is_staff(user) or member_organisation_id(user) in (request.recipient_id, request.requester_id)

"""Who may see sessions, requests and agendas, and who answers a request. Views, API and services ask here."""

from __future__ import annotations

from django.db.models import Q

from innobridge.accounts.permissions import is_staff, member_organisation_id
from innobridge.lib.models import Visibility

TAKES_REQUESTS = ("open", "scheduled")


def sessions_q(user) -> Q:
    """Staff see every session; members those their organisation takes part in; everyone public published ones."""
    if is_staff(user):
        return Q()
    condition = Q(visibility=Visibility.PUBLIC, status="published")
    org_id = member_organisation_id(user)
    if org_id is not None:
        condition |= Q(participants__organisation_id=org_id)
        # Sessions that take registrations are open to every partner organisation to find and join.
        condition |= Q(registration__in=["approval", "open"], visibility__in=[Visibility.PUBLIC, Visibility.PARTNERS])
    return condition


def takes_part(user, session) -> bool:
    org_id = member_organisation_id(user)
    return org_id is not None and session.participants.filter(organisation_id=org_id).exists()


def can_see_details(user, session) -> bool:
    """Requests and agendas: staff, and members of a participating organisation (their own only)."""
    return is_staff(user) or takes_part(user, session)


def can_see_travel(user, delegation) -> bool:
    """Travel legs (flights, trains, times) of a delegation: its own organisations and staff only.

    Who travels when is a security matter for a leadership delegation, whatever the visibility of
    the delegation itself: the visiting organisation and the member organisations see it, nobody else.
    """
    if is_staff(user):
        return True
    org_id = member_organisation_id(user)
    if org_id is None:
        return False
    return delegation.visiting_id == org_id or delegation.delegationmember_set.filter(organisation_id=org_id).exists()


def can_manage(user) -> bool:
    return is_staff(user)


def can_request(user, session) -> bool:
    """Staff at any time; participants while the session takes requests (open, or scheduled: late requests)."""
    if is_staff(user):
        return True
    return session.status in TAKES_REQUESTS and takes_part(user, session)


def can_answer(user, request) -> bool:
    return is_staff(user) or member_organisation_id(user) == request.requested_id


def can_cancel(user, request) -> bool:
    return is_staff(user) or member_organisation_id(user) in (request.requester_id, request.requested_id)


def can_see_request(user, request) -> bool:
    return can_cancel(user, request)


def can_see_agenda(user, session, organisation) -> bool:
    return is_staff(user) or (
        member_organisation_id(user) == organisation.pk
        and session.participants.filter(organisation_id=organisation.pk).exists()
    )


def can_state_preference(user, session, organisation) -> bool:
    """Staff for anyone; a member for its own organisation when it takes part in the session."""
    return is_staff(user) or (
        member_organisation_id(user) == organisation.pk
        and session.participants.filter(organisation_id=organisation.pk).exists()
    )


def may_assign_representatives(user, request, organisation) -> bool:
    """Members choose who goes for their own organisation; staff for either side."""
    return organisation.pk in (request.requester_id, request.requested_id) and (
        is_staff(user) or member_organisation_id(user) == organisation.pk
    )

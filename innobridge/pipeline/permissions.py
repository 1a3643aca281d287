"""Who may see the analytics and change an agreement's pipeline."""

from __future__ import annotations

from innobridge.accounts.permissions import is_staff, member_organisation_id


def can_see_analytics(user) -> bool:
    """Analytics and reports count confidential agreements too, so they are for staff only."""
    return is_staff(user)


def can_manage_pipeline(user, agreement) -> bool:
    """Staff, and members of an organisation that is a party to the agreement."""
    if is_staff(user):
        return True
    org_id = member_organisation_id(user)
    return org_id is not None and agreement.parties.filter(organisation_id=org_id).exists()

"""Who may read and change what. Views and the API ask here; nothing else decides."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.models import AnonymousUser, User
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from innobridge.lib.models import Visibility


def is_staff(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def member_organisation_id(user: User | AnonymousUser) -> int | None:
    if not user.is_authenticated:
        return None
    membership = getattr(user, "membership", None)
    return membership.organisation_id if membership else None


def can_edit_organisation(user: User | AnonymousUser, organisation) -> bool:
    return is_staff(user) or (
        organisation is not None and organisation.pk is not None and member_organisation_id(user) == organisation.pk
    )


def can_edit_person(user: User | AnonymousUser, person) -> bool:
    """Members edit people who currently hold a position at their organisation."""
    if is_staff(user):
        return True
    org_id = member_organisation_id(user)
    return org_id is not None and person.positions.filter(organisation_id=org_id, end__isnull=True).exists()


def can_see_contact_details(user: User | AnonymousUser) -> bool:
    return is_staff(user)


def can_see_person_contact(user: User | AnonymousUser, person) -> bool:
    """Staff, and members of an organisation where the person currently holds a position (API).

    Uses ``person.positions.all()``, so a prefetch keeps lists at a constant number of queries.
    """
    if is_staff(user):
        return True
    org_id = member_organisation_id(user)
    return org_id is not None and any(p.organisation_id == org_id and p.end is None for p in person.positions.all())


def sees_teasers(user: User | AnonymousUser) -> bool:
    """Anonymous callers see public offers and needs as teasers: no owner, contact or free text."""
    return not user.is_authenticated


def visible_levels(user: User | AnonymousUser) -> list[str]:
    """Visibility levels readable by everyone in the user's position (owners add their own)."""
    if is_staff(user):
        return [v.value for v in Visibility]
    if user.is_authenticated:
        return [Visibility.PUBLIC, Visibility.PARTNERS]
    return [Visibility.PUBLIC]


def display_name(user: User | None, *, viewer: User | AnonymousUser) -> str:
    """How a user is named to ``viewer``: user names (sign-in identifiers) are for staff eyes only.

    Others see the full name, or the role when there is none ("InnoBridge staff", "member of …").
    """
    from django.utils.translation import gettext as _

    if user is None:
        return "—"
    full = user.get_full_name().strip()
    if is_staff(viewer):
        return f"{full} ({user.get_username()})" if full else user.get_username()
    if full:
        return full
    if user.is_staff:
        return _("InnoBridge staff")
    membership = getattr(user, "membership", None)
    if membership is not None:
        return _("member of %(organisation)s") % {"organisation": membership.organisation.name}
    return _("a user of InnoBridge")


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def staff_required(view):
    """Anonymous visitors are sent to the site's sign-in page; signed-in non-staff get the 403 page.

    Unlike ``staff_member_required``, which sends everyone to the admin's sign-in, a partner who
    follows a staff link learns that the page is not for them instead of being asked to sign in again.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper

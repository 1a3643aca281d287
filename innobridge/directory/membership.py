"""Who acts for an organisation: membership requests (a claim of an organisation in the directory, or a new
one proposed), staff decisions on them, invitations by staff or an organisation's administrators, and the
members list. Writes are service functions (``*_create``, ``*_decide``, ``*_accept``); reads are the
selectors at the end.

Rules kept by the database as well as here: a user belongs to one organisation (``Membership.user`` is
one-to-one), has at most one request waiting (a conditional unique constraint), and a request or an
invitation is decided or used once (row locks around the decision).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from innobridge.accounts import notices
from innobridge.accounts.models import Notice
from innobridge.accounts.permissions import is_staff
from innobridge.directory.models import Invitation, Membership, MembershipRequest, Organisation
from innobridge.directory.services import organisation_save
from innocore.text import detect_script

INVITATION_DAYS = 14


def _reference(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(6)}"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# ---- requests -------------------------------------------------------------------------------------


def membership_request_create(
    *,
    user: User,
    organisation: Organisation | None = None,
    proposed_name: str = "",
    proposed_kind: str = "",
    proposed_website: str = "",
    role_in_organisation: str = "",
    message: str = "",
) -> MembershipRequest:
    """Ask to join ``organisation``, or propose a new one by name. Staff are notified."""
    if getattr(user, "membership", None) is not None:
        raise ValidationError(_("You already belong to %(organisation)s.") % {"organisation": user.membership})
    proposed_name = " ".join(proposed_name.split())[:200]
    if organisation is None and not proposed_name:
        raise ValidationError(_("Choose an organisation in the directory or give the name of a new one."))
    if organisation is not None:
        proposed_name = proposed_kind = proposed_website = ""
    elif proposed_kind and proposed_kind not in Organisation.Kind.values:
        raise ValidationError(_("Choose a kind of organisation from the list."))
    try:
        with transaction.atomic():
            request = MembershipRequest.objects.create(
                reference=_reference("join"),
                user=user,
                organisation=organisation,
                proposed_name=proposed_name,
                proposed_kind=proposed_kind,
                proposed_website=proposed_website[:200],
                role_in_organisation=" ".join(role_in_organisation.split())[:200],
                message=message.strip()[:2000],
            )
    except IntegrityError:
        raise ValidationError(
            _("You already have a request waiting for staff. Withdraw it first to ask for another organisation.")
        ) from None
    name, who = request.organisation_name, user.get_full_name() or user.email or user.get_username()
    notices.notify_all(
        users=User.objects.filter(is_staff=True, is_active=True),
        kind=Notice.Kind.MEMBERSHIP,
        words=lambda: (
            _("%(user)s asks to join %(organisation)s") % {"user": who, "organisation": name},
            _("Approve or refuse the request on the membership requests page."),
        ),
        url_name="directory:membership_requests",
    )
    return request


def membership_request_withdraw(*, request: MembershipRequest, user: User) -> None:
    if request.user_id != user.pk:
        raise PermissionDenied
    with transaction.atomic():
        locked = MembershipRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status != MembershipRequest.Status.PENDING:
            raise ValidationError(_("This request has already been decided."))
        locked.delete()


def membership_request_decide(
    *, request: MembershipRequest, staff: User, approve: bool, note: str = "", organisation: Organisation | None = None
) -> MembershipRequest:
    """Approve or refuse a waiting request. Approving a proposal creates the organisation (or attaches the
    user to ``organisation`` when staff found it already in the directory). The first member of an
    organisation becomes its administrator. The user is notified either way."""
    if not is_staff(staff):
        raise PermissionDenied
    with transaction.atomic():
        locked = MembershipRequest.objects.select_for_update().select_related("user").get(pk=request.pk)
        if locked.status != MembershipRequest.Status.PENDING:
            raise ValidationError(_("This request has already been decided."))
        user = locked.user
        if approve:
            if getattr(user, "membership", None) is not None:
                raise ValidationError(_("This user already belongs to an organisation."))
            org = organisation or locked.organisation
            if org is None:
                script, name = detect_script(locked.proposed_name), locked.proposed_name
                org = organisation_save(
                    name_en=name if script not in ("zh-Hant", "zh-Hans", "zh") else "",
                    name_zh_hant=name if script == "zh-Hant" else "",
                    name_zh_hans=name if script in ("zh-Hans", "zh") else "",
                    kind=locked.proposed_kind or Organisation.Kind.ENTERPRISE,
                    website=locked.proposed_website,
                )
            role = Membership.Role.MEMBER if org.memberships.exists() else Membership.Role.ADMIN
            Membership.objects.create(user=user, organisation=org, role=role)
            locked.organisation = org
        locked.status = MembershipRequest.Status.APPROVED if approve else MembershipRequest.Status.REFUSED
        locked.decided_by, locked.decided, locked.note = staff, timezone.now(), note.strip()[:2000]
        locked.save()
    name = locked.organisation_name
    if approve:
        words = lambda: (  # noqa: E731
            _("You now act for %(organisation)s on InnoBridge") % {"organisation": name},
            note or _("Your request was approved."),
        )
        notices.notify(
            user=user,
            kind=Notice.Kind.MEMBERSHIP,
            words=words,
            url_name="directory:organisation_detail",
            url_kwargs={"slug": locked.organisation.slug},
        )
    else:
        words = lambda: (  # noqa: E731
            _("Your request to join %(organisation)s was refused") % {"organisation": name},
            note or _("Staff could not confirm that you act for this organisation."),
        )
        notices.notify(user=user, kind=Notice.Kind.MEMBERSHIP, words=words, url_name="directory:join")
    return locked


# ---- invitations ----------------------------------------------------------------------------------


def can_manage_members(user: User | AnonymousUser, organisation: Organisation) -> bool:
    """Staff, and the organisation's own administrators."""
    if is_staff(user):
        return True
    membership = getattr(user, "membership", None) if user.is_authenticated else None
    return bool(
        membership and membership.organisation_id == organisation.pk and membership.role == Membership.Role.ADMIN
    )


def invitation_create(
    *, organisation: Organisation, email: str, role: str, invited_by: User, accept_url
) -> tuple[Invitation, str]:
    """Invite ``email`` to join ``organisation``; returns the invitation and the link's secret (sent by
    e-mail, never stored). ``accept_url(secret)`` makes the absolute link."""
    if not can_manage_members(invited_by, organisation):
        raise PermissionDenied
    email = email.strip().casefold()
    if role not in Membership.Role.values:
        raise ValidationError(_("Choose a role from the list."))
    if Membership.objects.filter(organisation=organisation, user__username=email).exists():
        raise ValidationError(_("%(email)s already belongs to this organisation.") % {"email": email})
    secret = secrets.token_urlsafe(24)
    invitation = Invitation.objects.create(
        reference=_reference("invite"),
        organisation=organisation,
        email=email,
        role=role,
        secret_hash=_hash(secret),
        invited_by=invited_by,
        expires=timezone.now() + timedelta(days=INVITATION_DAYS),
    )
    inviter = invited_by.get_full_name() or invited_by.get_username()
    send_mail(
        _("Invitation to join %(organisation)s on InnoBridge") % {"organisation": organisation},
        _(
            "%(inviter)s invites you to act for %(organisation)s on InnoBridge, the platform for cross-border "
            "innovation and technology cooperation.\n\nOpen this link within %(days)d days to accept (it "
            "works once):\n%(url)s"
        )
        % {"inviter": inviter, "organisation": organisation, "days": INVITATION_DAYS, "url": accept_url(secret)},
        settings.DEFAULT_FROM_EMAIL,
        [email],
    )
    return invitation, secret


def invitation_by_secret(secret: str) -> Invitation | None:
    """The invitation the link names, if it is still usable."""
    if not secret or len(secret) > 100:
        return None
    invitation = (
        Invitation.objects.select_related("organisation")
        .filter(secret_hash=_hash(secret), accepted__isnull=True)
        .first()
    )
    if invitation is None or invitation.expires <= timezone.now():
        return None
    return invitation


def invitation_accept(*, secret: str, user: User) -> Membership:
    """``user`` joins the organisation the invitation names (once; an expired or used link is refused)."""
    invitation = invitation_by_secret(secret)
    if invitation is None:
        raise ValidationError(_("This invitation has expired or has already been used."))
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.accepted is not None:
            raise ValidationError(_("This invitation has expired or has already been used."))
        if getattr(user, "membership", None) is not None:
            raise ValidationError(_("You already belong to %(organisation)s.") % {"organisation": user.membership})
        try:
            with transaction.atomic():
                membership = Membership.objects.create(user=user, organisation=locked.organisation, role=locked.role)
        except IntegrityError:
            raise ValidationError(_("You already belong to an organisation.")) from None
        locked.accepted, locked.accepted_by = timezone.now(), user
        locked.save(update_fields=["accepted", "accepted_by"])
        MembershipRequest.objects.filter(user=user, status=MembershipRequest.Status.PENDING).delete()
    if locked.invited_by_id and locked.invited_by_id != user.pk:
        who, org = user.get_full_name() or user.get_username(), locked.organisation
        notices.notify(
            user=locked.invited_by,
            kind=Notice.Kind.MEMBERSHIP,
            words=lambda: (_("%(user)s joined %(organisation)s") % {"user": who, "organisation": org}, ""),
            url_name="directory:organisation_members",
            url_kwargs={"slug": org.slug},
        )
    return membership


def signup_by_invitation(*, secret: str, full_name: str, password: str) -> User:
    """Create an account for the invited address (confirmed by the link itself) and accept the invitation,
    all or nothing."""
    invitation = invitation_by_secret(secret)
    if invitation is None:
        raise ValidationError(_("This invitation has expired or has already been used."))
    first, _sep, last = " ".join(full_name.split()).partition(" ")
    with transaction.atomic():
        if User.objects.filter(username=invitation.email).exists():
            raise ValidationError(_("This address already has an account: log in to accept the invitation."))
        user = User(username=invitation.email, email=invitation.email, first_name=first[:150], last_name=last[:150])
        user.set_password(password)
        user.save()
        invitation_accept(secret=secret, user=user)
    return user


def membership_set_role(*, membership: Membership, role: str, by: User) -> Membership:
    if not can_manage_members(by, membership.organisation):
        raise PermissionDenied
    if role not in Membership.Role.values:
        raise ValidationError(_("Choose a role from the list."))
    with transaction.atomic():
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        if role != Membership.Role.ADMIN and locked.role == Membership.Role.ADMIN:
            admins = Membership.objects.select_for_update().filter(
                organisation_id=locked.organisation_id, role=Membership.Role.ADMIN
            )
            if admins.count() <= 1:
                raise ValidationError(_("An organisation keeps at least one administrator."))
        locked.role = role
        locked.save(update_fields=["role"])
    return locked


# ---- selectors ------------------------------------------------------------------------------------


def requests_pending() -> QuerySet[MembershipRequest]:
    return (
        MembershipRequest.objects.filter(status=MembershipRequest.Status.PENDING)
        .select_related("user", "organisation")
        .order_by("created", "pk")
    )


def requests_of(*, user: User) -> QuerySet[MembershipRequest]:
    return MembershipRequest.objects.filter(user=user).select_related("organisation", "decided_by")


def members_of(*, organisation: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("role", "user__last_name", "pk")
    )  # admins first


def invitations_open(*, organisation: Organisation) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        organisation=organisation, accepted__isnull=True, expires__gt=timezone.now()
    ).select_related("invited_by")


def notify_organisation(
    *,
    organisation: Organisation,
    kind: str,
    words: notices.Words,
    url_name: str = "",
    url_kwargs: dict | None = None,
    exclude: User | None = None,
    key: str = "",
) -> None:
    """Notify every active member of ``organisation`` (but ``exclude``, who did it) once the current
    transaction commits, so a rolled-back change notifies nobody. ``key``: see ``notices.notify``."""
    users = [
        m.user
        for m in Membership.objects.filter(organisation=organisation, user__is_active=True).select_related("user")
        if exclude is None or m.user_id != exclude.pk
    ]
    if users:
        transaction.on_commit(
            lambda: notices.notify_all(
                users=users, kind=kind, words=words, url_name=url_name, url_kwargs=url_kwargs, key=key
            )
        )

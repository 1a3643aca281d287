"""Who takes part in a session and on what terms: registrations, staff decisions, groups, quotas and
the rule on who may meet whom.

An organisation registers for a session that takes registrations; staff approve or refuse (or, for an
open session, the registration is approved at once), and an approved organisation becomes a
participant in its group: *visitor* (the session's delegation) or *local*. Participants' requests are
then held to the session's rules: a quota of requests per group, and, where set, visitors meet locals
only. Staff requests are not held to them: staff arrange what the rules do not foresee.
"""

from __future__ import annotations

from functools import partial

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from innobridge.accounts import notices
from innobridge.accounts.models import Notice
from innobridge.accounts.permissions import is_staff, member_organisation_id
from innobridge.directory.membership import notify_organisation
from innobridge.directory.models import Organisation, Place
from innobridge.meetings.models import (
    Group,
    MatchmakingSession,
    MeetingRequest,
    SessionParticipant,
    SessionRegistration,
)

ACTIVE = (MeetingRequest.Status.PENDING, MeetingRequest.Status.ACCEPTED)
Registration = MatchmakingSession.Registration
RegStatus = SessionRegistration.Status


def group_of(session: MatchmakingSession, organisation: Organisation) -> str:
    """The participant's group if set; else *visitor* for the session's delegation, *local* for the rest
    (no group when the session has no delegation)."""
    participant = session.participants.filter(organisation=organisation).only("group").first()
    if participant is not None and participant.group:
        return participant.group
    delegation = session.delegation
    if delegation is None:
        return _group_by_place(session, organisation)
    if (
        delegation.visiting_id == organisation.pk
        or delegation.delegationmember_set.filter(organisation=organisation).exists()
    ):
        return str(Group.VISITOR)
    return str(Group.LOCAL)


def _province(place: Place | None) -> Place | None:
    """The province (or special administrative region) a place lies in, or the place itself."""
    if place is None:
        return None
    for p in [place, *place.ancestors()]:
        if p.kind == Place.Kind.PROVINCE:
            return p
    return place


def _group_by_place(session: MatchmakingSession, organisation: Organisation) -> str:
    """Without a delegation: *local* for an organisation based in the session's province, *visitor* for one
    based elsewhere, no group for one whose base is not on record."""
    home = _province(session.place)
    provinces = {_province(p) for p in organisation.places.all()}
    if not provinces:
        return str(Group.UNSET)
    return str(Group.LOCAL) if home in provinces else str(Group.VISITOR)


def takes_registrations(session: MatchmakingSession) -> bool:
    return (
        session.registration != Registration.CLOSED
        and session.status != MatchmakingSession.Status.PUBLISHED
        and session.date >= timezone.localdate()
    )


def _registered_words(session: MatchmakingSession, organisation: str) -> tuple[str, str]:
    return (
        _("%(organisation)s registers for %(session)s") % {"organisation": organisation, "session": str(session)},
        _("Approve or refuse the registration on the session's page."),
    )


def _decision_words(session: MatchmakingSession, approved: bool, note: str) -> tuple[str, str]:
    if approved:
        subject = _("You take part in %(session)s") % {"session": str(session)}
        body = _("Your registration is approved: mark whom you want to meet, and request meetings.")
    else:
        subject = _("Your registration for %(session)s was not approved") % {"session": str(session)}
        body = _("Programme staff could not approve your registration.")
    return subject, f"{body}\n\n{note}".strip() if note else body


@transaction.atomic
def session_register(
    *, session: MatchmakingSession, organisation: Organisation, user: User | None, note: str = ""
) -> SessionRegistration:
    """``organisation`` asks to take part in ``session``; its members (or staff on its behalf) register
    (``user`` None: the system, loading data).

    A session that needs no approval admits the organisation at once. One registration waits or
    stands per organisation and session (a conditional unique constraint, under a lock of the session).
    """
    if user is not None and not is_staff(user) and member_organisation_id(user) != organisation.pk:
        raise PermissionDenied(_("Only members of the organisation, or staff, register it."))
    session = MatchmakingSession.objects.select_for_update().get(pk=session.pk)
    if not takes_registrations(session):
        raise ValidationError(_("This session does not take registrations; programme staff add its participants."))
    if session.participants.filter(organisation=organisation).exists():
        raise ValidationError(
            _("%(organisation)s already takes part in this session.") % {"organisation": organisation}
        )
    registration = SessionRegistration(
        session=session,
        organisation=organisation,
        group=group_of(session, organisation),
        note=" ".join((note or "").split())[:500],
        registered_by=user,
    )
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError:
        raise ValidationError(
            _("%(organisation)s has already registered for this session.") % {"organisation": organisation}
        ) from None
    if session.registration == Registration.OPEN:
        return _decide(registration, approve=True, by=None, note="")
    name = organisation.name
    staff = list(User.objects.filter(is_staff=True, is_active=True).exclude(pk=user.pk if user else None))
    transaction.on_commit(
        lambda: notices.notify_all(
            users=staff,
            kind=str(Notice.Kind.REGISTRATION),
            words=partial(_registered_words, session, name),
            url_name="meetings:session_detail",
            url_kwargs={"slug": session.slug},
        )
    )
    return registration


def _decide(registration: SessionRegistration, *, approve: bool, by: User | None, note: str) -> SessionRegistration:
    registration.status = RegStatus.APPROVED if approve else RegStatus.REFUSED
    registration.decided_by, registration.decided_at = by, timezone.now()
    registration.decision_note = " ".join((note or "").split())[:500]
    registration.save()
    session = registration.session
    if approve:
        participant, _created = SessionParticipant.objects.get_or_create(
            session=session, organisation=registration.organisation, defaults={"group": registration.group}
        )
        if registration.group and not participant.group:
            participant.group = registration.group
            participant.save(update_fields=["group"])
    notify_organisation(
        organisation=registration.organisation,
        kind=str(Notice.Kind.REGISTRATION),
        words=partial(_decision_words, session, approve, registration.decision_note),
        url_name="meetings:session_detail",
        url_kwargs={"slug": session.slug},
        exclude=by,
    )
    return registration


def _locked(registration: SessionRegistration) -> SessionRegistration:
    """The registration's row, locked (its session read along, not locked)."""
    rows = SessionRegistration.objects.select_for_update(of=("self",)).select_related("session")
    return rows.get(pk=registration.pk)


@transaction.atomic
def registration_decide(
    *, registration: SessionRegistration, approve: bool, user: User | None, note: str = ""
) -> SessionRegistration:
    """Staff approve (the organisation becomes a participant) or refuse a waiting registration
    (``user`` None: the system, loading data)."""
    if user is not None and not is_staff(user):
        raise PermissionDenied(_("Only programme staff decide on registrations."))
    locked = _locked(registration)
    if locked.status != RegStatus.PENDING:
        raise ValidationError(_("This registration has already been decided."))
    return _decide(locked, approve=approve, by=user, note=note)


@transaction.atomic
def registration_withdraw(*, registration: SessionRegistration, user: User) -> SessionRegistration:
    """The organisation (or staff) withdraws a waiting registration, or leaves a session it was admitted to
    while it has no open or accepted request there."""
    if not is_staff(user) and member_organisation_id(user) != registration.organisation_id:
        raise PermissionDenied(_("Only members of the organisation, or staff, withdraw its registration."))
    # Lock the session first, as request_create does: no request slips in while the organisation leaves.
    MatchmakingSession.objects.select_for_update().filter(pk=registration.session_id).first()
    locked = _locked(registration)
    if locked.status not in (RegStatus.PENDING, RegStatus.APPROVED):
        raise ValidationError(_("Only a waiting or approved registration can be withdrawn."))
    session = locked.session
    if locked.status == RegStatus.APPROVED:
        org = locked.organisation_id
        if session.requests.filter(status__in=ACTIVE).filter(Q(requester_id=org) | Q(requested_id=org)).exists():
            raise ValidationError(_("Cancel your open and accepted requests in this session before leaving it."))
        SessionParticipant.objects.filter(session=session, organisation_id=org).delete()
    locked.status = RegStatus.WITHDRAWN
    locked.save()
    return locked


def check_request_rules(*, session: MatchmakingSession, requester: Organisation, requested: Organisation) -> None:
    """A participant's request within the session's rules: both sides admitted when the session takes
    registrations, visitors with locals where the session says so, and the requester's group quota.

    Called with the session row locked, so two parallel requests cannot both take the last one.
    """
    if session.registration != Registration.CLOSED:
        admitted = set(
            session.participants.filter(organisation__in=[requester, requested]).values_list(
                "organisation_id", flat=True
            )
        )
        for org in (requester, requested):
            if org.pk not in admitted:
                raise ValidationError(_("%(organisation)s does not take part in this session.") % {"organisation": org})
    mine = group_of(session, requester)
    if session.who_meets == MatchmakingSession.WhoMeets.ACROSS:
        theirs = group_of(session, requested)
        unknown = [org for org, group in ((requester, mine), (requested, theirs)) if not group]
        if unknown:
            raise ValidationError(
                _("Programme staff have not yet set whether %(organisation)s is a visitor or a local.")
                % {"organisation": unknown[0]}
            )
        if mine == theirs:
            raise ValidationError(
                _("In this session visitors meet locals only: %(a)s and %(b)s are on the same side.")
                % {"a": requester, "b": requested}
            )
    quotas = {Group.VISITOR: session.visitor_quota, Group.LOCAL: session.local_quota}
    # An organisation whose group is not known yet is held to the stricter quota.
    known = [q for q in quotas.values() if q is not None]
    quota = quotas.get(mine) if mine else (min(known) if known else None)
    if quota is not None:
        sent = session.requests.filter(requester=requester, status__in=ACTIVE).count()
        if sent >= quota:
            raise ValidationError(
                _("%(organisation)s has %(n)d open or accepted requests: the most its group may send in this session.")
                % {"organisation": requester, "n": sent}
            )


def participant_set_group(*, session: MatchmakingSession, organisation: Organisation, group: str) -> None:
    if group not in Group.values:
        raise ValidationError(_("Unknown group “%(value)s”.") % {"value": group})
    SessionParticipant.objects.filter(session=session, organisation=organisation).update(group=group)

"""Writes for the agreement pipeline: status transitions, value and links, milestones, reminders.

A status moves one step forward along the pipeline (draft → signed → in execution → pilot →
deployed → scaled) or ends early as lapsed or terminated; every change is recorded with who,
when, from, to and a note. Anything refused leaves the database as it was.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, TypedDict, Unpack, cast

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from innobridge.accounts import notices
from innobridge.accounts.models import Notice
from innobridge.audit import bulk as audited
from innobridge.directory.models import Person
from innobridge.documents.models import SourceDocument
from innobridge.lib.services import atomic
from innobridge.matching.models import TechnologyNeed, TechnologyOffer
from innobridge.pipeline.models import Milestone, Notification, StatusChange
from innobridge.programmes.models import Agreement, Currency

logger = logging.getLogger(__name__)
# Any: TextChoices members are str, but mypy, without Django's types, takes them for (value, label) tuples.
S: Any = Agreement.Status
PIPELINE = [S.DRAFT, S.SIGNED, S.IN_EXECUTION, S.PILOT, S.DEPLOYED, S.SCALED]
ENDINGS = [S.LAPSED, S.TERMINATED]
OPEN = [S.DRAFT, S.SIGNED, S.IN_EXECUTION, S.PILOT, S.DEPLOYED]
TRANSITIONS: dict[str, list[str]] = {
    **{a: [b, *ENDINGS] for a, b in zip(PIPELINE, PIPELINE[1:], strict=False)},
    S.SCALED: [],
    S.LAPSED: [],
    S.TERMINATED: [],
}


def allowed_transitions(status: str) -> list[str]:
    return list(TRANSITIONS.get(status, []))


@atomic
def agreement_change_status(
    *, agreement: Agreement, to_status: str, user: User | None = None, on: date | None = None, note: str = ""
) -> StatusChange:
    """Move an agreement to ``to_status`` if the pipeline allows it from where it is now."""
    today = timezone.localdate()
    on = on or today
    current = Agreement.objects.select_for_update().values_list("status", flat=True).get(pk=agreement.pk)
    if to_status not in S.values:
        raise ValidationError({"to_status": _("Unknown status “%(status)s”.") % {"status": to_status}})
    if to_status not in TRANSITIONS[current]:
        raise ValidationError(
            {
                "to_status": _("An agreement that is “%(current)s” cannot become “%(target)s”.")
                % {"current": S(current).label, "target": S(to_status).label}
            }
        )
    if on > today:
        raise ValidationError({"on": _("A status change cannot take effect in the future.")})
    last = StatusChange.objects.filter(agreement=agreement).order_by("-on").values_list("on", flat=True).first()
    if last and on < last:
        raise ValidationError(
            {"on": _("The change cannot take effect before the previous one (%(day)s).") % {"day": last.isoformat()}}
        )
    change = StatusChange(agreement=agreement, from_status=current, to_status=to_status, on=on, note=note.strip())
    change.changed_by = user if getattr(user, "is_authenticated", False) else None
    change.full_clean()
    change.save()
    updates: dict = {"status": to_status, "last_updated": timezone.now()}
    if to_status == S.SIGNED and not agreement.signed_on:
        updates["signed_on"] = on
        agreement.signed_on = on
    audited.update(Agreement.objects.filter(pk=agreement.pk), **updates)
    agreement.status = to_status
    return change


@atomic
def agreement_set_pipeline(
    *,
    agreement: Agreement,
    value_amount: Decimal | None = None,
    value_currency: str = "",
    offers: Iterable[TechnologyOffer] | None = None,
    needs: Iterable[TechnologyNeed] | None = None,
) -> Agreement:
    """Set the agreement's value (amount and currency go together) and the offers and needs it came from."""
    if value_amount is not None and value_amount < 0:
        raise ValidationError({"value_amount": _("The amount cannot be negative.")})
    if value_amount is not None and value_currency not in Currency.values:
        raise ValidationError({"value_currency": _("Give the currency of the amount.")})
    audited.update(
        Agreement.objects.filter(pk=agreement.pk),
        value_amount=value_amount,
        value_currency=value_currency if value_amount is not None else "",
    )
    agreement.value_amount, agreement.value_currency = value_amount, value_currency if value_amount is not None else ""
    if offers is not None:
        agreement.offers.set(offers)
    if needs is not None:
        agreement.needs.set(needs)
    return agreement


class MilestoneFields(TypedDict, total=False):
    """The model fields milestone_save sets as given (keyword arguments; any subset)."""

    title_zh_hant: str
    title_zh_hans: str
    title_en: str
    due: date
    status: str
    done_on: date | None
    owner: User | None
    owner_person: Person | None
    note: str


@atomic
def milestone_save(
    *,
    milestone: Milestone | None = None,
    agreement: Agreement | None = None,
    evidence: Iterable[SourceDocument] | None = None,
    **fields: Unpack[MilestoneFields],
) -> Milestone:
    """Create or update a milestone; ``done`` needs a date, and a title is needed in some language."""
    milestone = milestone or Milestone(agreement=agreement)
    for key, value in fields.items():
        setattr(milestone, key, value)
    if milestone.status == Milestone.Status.DONE and not milestone.done_on:
        milestone.done_on = timezone.localdate()
    if milestone.status != Milestone.Status.DONE:
        milestone.done_on = None
    if not (milestone.title_zh_hant or milestone.title_zh_hans or milestone.title_en):
        raise ValidationError({"title_en": _("Give a title in at least one language.")})
    if milestone.done_on and milestone.done_on > timezone.localdate():
        raise ValidationError({"done_on": _("A milestone cannot be done in the future.")})
    milestone.full_clean()
    milestone.save()
    if evidence is not None:
        milestone.evidence.set(evidence)
    return milestone


def milestone_complete(*, milestone: Milestone, on: date | None = None) -> Milestone:
    return milestone_save(
        milestone=milestone, status=cast(str, Milestone.Status.DONE), done_on=on or timezone.localdate()
    )


@dataclass
class Reminder:
    milestone: Milestone
    kind: str
    recipient: str
    user_id: int | None
    email: str
    notified: bool = False


@dataclass
class RemindResult:
    today: date
    days: int
    overdue: list[Reminder] = field(default_factory=list)
    upcoming: list[Reminder] = field(default_factory=list)
    notifications: int = 0
    emails: int = 0
    email_failures: int = 0
    dry_run: bool = False


def _recipient(m: Milestone) -> tuple[int | None, str, str]:
    if m.owner_id:
        return m.owner_id, m.owner.email, m.owner.get_username()
    if m.owner_person_id:
        return None, m.owner_person.email, str(m.owner_person)
    return None, "", ""


def remind(*, today: date | None = None, days: int = 7, dry_run: bool = False) -> RemindResult:
    """Notify the owners of open milestones that are overdue or due within ``days``.

    In the app (a Notification) and by e-mail, grouped into one message per address; a milestone
    already notified today is listed but not notified again.
    """
    if days < 0:
        raise ValueError("the window must be zero or more days")
    today = today or timezone.localdate()
    result = RemindResult(today=today, days=days, dry_run=dry_run)
    due = (
        Milestone.objects.filter(status=Milestone.Status.OPEN, due__lte=today + timedelta(days=days))
        .select_related("agreement", "owner", "owner_person")
        .order_by("due", "pk")
    )
    already = set(Notification.objects.filter(day=today, milestone__in=due).values_list("milestone_id", flat=True))
    outbox: dict[str, list[Reminder]] = {}
    for m in due:
        user_id, email, name = _recipient(m)
        reminder = Reminder(m, "overdue" if m.due < today else "upcoming", name, user_id, email)
        (result.overdue if reminder.kind == "overdue" else result.upcoming).append(reminder)
        if dry_run or m.pk in already or not (user_id or email):
            continue
        if _notify(m, reminder, today):
            reminder.notified = True
            result.notifications += 1
            if email:
                outbox.setdefault(email, []).append(reminder)
    for email, items in outbox.items():
        try:
            sent = _send(email, items, today)
        except Exception:  # a mail server down must not stop the in-app notices; emailed stays False
            logger.exception("reminder to %s not sent", email)
            sent = False
        if sent:
            Notification.objects.filter(milestone__in=[r.milestone for r in items], day=today).update(emailed=True)
            result.emails += 1
        else:
            result.email_failures += 1
    return result


def _text(reminder: Reminder, today: date) -> str:
    m = reminder.milestone
    if reminder.kind == "overdue":
        return _("“%(title)s” (%(agreement)s) was due on %(due)s, %(n)d day(s) ago.") % {
            "title": m.title,
            "agreement": m.agreement.name,
            "due": m.due.isoformat(),
            "n": (today - m.due).days,
        }
    return _("“%(title)s” (%(agreement)s) is due on %(due)s.") % {
        "title": m.title,
        "agreement": m.agreement.name,
        "due": m.due.isoformat(),
    }


def _notify(m: Milestone, reminder: Reminder, today: date) -> bool:
    subject = (_("Overdue: %(title)s") if reminder.kind == "overdue" else _("Due soon: %(title)s")) % {"title": m.title}
    with override(settings.LANGUAGE_CODE):
        url = reverse("programmes:agreement_detail", kwargs={"slug": m.agreement.slug})
    try:
        with transaction.atomic():
            Notification.objects.create(
                user_id=reminder.user_id,
                email=reminder.email,
                milestone=m,
                kind=reminder.kind,
                day=today,
                subject=subject[:300],
                body=_text(reminder, today),
                url=url,
            )
            if reminder.user_id:
                # What the owner reads under Notifications; the e-mail goes out grouped below.
                Notice.objects.create(
                    user_id=reminder.user_id,
                    kind=Notice.Kind.MILESTONE,
                    subject=subject[:300],
                    body=_text(reminder, today),
                    url=url,
                )
    except IntegrityError:  # another run notified it a moment ago
        return False
    return True


def _send(email: str, items: list[Reminder], today: date) -> bool:
    lines = [_text(r, today) for r in items]
    subject = _("InnoBridge: %(n)d milestone(s) need attention") % {"n": len(items)}
    body = "\n\n".join([_("Milestones you own on InnoBridge:"), *lines])
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email], fail_silently=False) > 0


def notifications_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notices read (all, or those of ``ids``), and their milestone reminders with them."""
    if ids is None:
        Notification.objects.filter(user=user, read__isnull=True).update(read=timezone.now())
    return notices.notices_mark_read(user=user, ids=ids)

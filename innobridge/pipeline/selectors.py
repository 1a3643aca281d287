"""Reads for an agreement's pipeline and a user's notices."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import QuerySet

from innobridge.pipeline.models import Milestone, Notification, StatusChange
from innobridge.programmes.models import Agreement


def status_history(*, agreement: Agreement) -> QuerySet[StatusChange]:
    return StatusChange.objects.filter(agreement=agreement).select_related("changed_by").order_by("on", "pk")


def milestones_for(*, agreement: Agreement) -> QuerySet[Milestone]:
    return (
        Milestone.objects.filter(agreement=agreement)
        .select_related("owner", "owner_person")
        .prefetch_related("evidence")
        .order_by("due", "pk")
    )


def milestone_detail(*, agreement: Agreement, reference: str) -> Milestone:
    return Milestone.objects.select_related("agreement").get(agreement=agreement, reference=reference)


def notifications_for(*, user: User) -> QuerySet[Notification]:
    """The milestone reminders sent to ``user`` (the log; what the user reads is their notices)."""
    return Notification.objects.filter(user=user).select_related("milestone__agreement").order_by("-created", "-pk")

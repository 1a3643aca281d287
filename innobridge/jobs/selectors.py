from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from innobridge.accounts.permissions import is_staff
from innobridge.jobs.models import Job


def jobs_visible(user: User | AnonymousUser) -> QuerySet[Job]:
    """Staff see every job; other users the jobs they started."""
    qs = Job.objects.select_related("created_by")
    if is_staff(user):
        return qs
    if not user.is_authenticated:
        return qs.none()
    return qs.filter(created_by=user)

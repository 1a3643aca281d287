"""Background jobs of the meetings app: the scheduler can run for up to two minutes."""

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from innobridge.jobs.registry import job_kind
from innobridge.meetings import scheduling
from innobridge.meetings.models import MatchmakingSession


@job_kind("meetings.schedule", _("Schedule a matchmaking session"))
def schedule(arguments: dict, progress) -> dict:

    session = MatchmakingSession.objects.get(slug=arguments["session"])
    user = get_user_model().objects.filter(pk=arguments.get("user")).first()
    progress(0, 1, str(session))
    run_service = scheduling.session_reschedule if arguments.get("reschedule") else scheduling.session_schedule
    run = run_service(session=session, user=user, time_limit=arguments["time_limit"])
    progress(1, 1, "")
    return {
        str(_("scheduled")): f"{run.scheduled} / {run.requests}",
        str(_("status")): run.get_status_display(),
        str(_("breaks")): run.breaks,
        "links": [{"url": reverse("meetings:schedule", kwargs={"slug": session.slug}), "label": str(session)}],
    }

"""``innobridge schedule_session SLUG``: schedule (or repair) a matchmaking session from the command line."""

import json

from django.core.management.base import BaseCommand, CommandError

from innobridge.meetings import scheduling
from innobridge.meetings.diagnostics import describe
from innobridge.meetings.models import MatchmakingSession


class Command(BaseCommand):
    help = "Schedule the accepted requests of a matchmaking session and print the run as JSON."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the session's slug")
        parser.add_argument("--time-limit", type=float, default=scheduling.DEFAULT_TIME_LIMIT, help="seconds")
        parser.add_argument(
            "--reschedule", action="store_true", help="repair the stored schedule, moving as few meetings as possible"
        )

    def handle(self, *args, slug, time_limit, reschedule, **options):
        if time_limit <= 0:
            raise CommandError("--time-limit must be positive")
        session = MatchmakingSession.objects.filter(slug=slug).first()
        if session is None:
            raise CommandError(f"no matchmaking session {slug!r}")
        action = scheduling.session_reschedule if reschedule else scheduling.session_schedule
        run = action(session=session, time_limit=time_limit)
        report = {
            "session": session.slug,
            "kind": run.kind,
            "status": run.status,
            "requests": run.requests,
            "scheduled": run.scheduled,
            "breaks": run.breaks,
            "bound": run.bound,
            "gap": run.gap,
            "moved": run.moved,
            "seconds": run.seconds,
            "greedy_scheduled": run.greedy_scheduled,
            "greedy_breaks": run.greedy_breaks,
            "explanation": describe(run.explanation),  # worded in the command's language
            "diagnostics": run.explanation,  # the codes behind it
        }
        self.stdout.write(json.dumps(report, ensure_ascii=False))

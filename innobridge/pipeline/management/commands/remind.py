import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from innobridge.meetings.services import meeting_reminders
from innobridge.pipeline.services import remind


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--today must be a date like 2026-01-31, not {value!r}") from exc


class Command(BaseCommand):
    help = (
        "List overdue milestones and those due within --days, and notify their owners in the app and by "
        "e-mail, at most once a day per milestone; remind participants of tomorrow's published sessions and "
        "ask for the outcomes of past meetings, once each (run daily from cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7, help="window for upcoming milestones (default 7)")
        parser.add_argument("--today", type=_day, default=None, help="pretend today is this date (YYYY-MM-DD)")
        parser.add_argument("--dry-run", action="store_true", help="list only; notify nobody, write nothing")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, days: int, today: date | None, dry_run: bool, json: bool, **options):
        if days < 0:
            raise CommandError("--days must be zero or more")
        result = remind(today=today, days=days, dry_run=dry_run)
        meetings = None if dry_run else meeting_reminders(today=result.today)
        if json:
            self.stdout.write(_json(result, meetings))
            return
        for label, items in (("overdue", result.overdue), ("upcoming", result.upcoming)):
            self.stdout.write(f"{label}: {len(items)}")
            for r in items:
                m = r.milestone
                who = r.recipient or "(no owner)"
                if not (r.user_id or r.email):
                    who += " (nobody to notify: no user, no e-mail address)"
                mark = " [notified]" if r.notified else ""
                self.stdout.write(f"  {m.due.isoformat()}  {m.agreement.slug}  {m.title}  → {who}{mark}")
        verb = "would notify" if dry_run else "notified"
        self.stdout.write(
            f"{verb}: {result.notifications} notification(s), {result.emails} e-mail(s)"
            + (f", {result.email_failures} e-mail(s) failed" if result.email_failures else "")
        )
        if meetings is not None:
            self.stdout.write(
                f"sessions tomorrow: {meetings.sessions_tomorrow}; organisations asked for outcomes: "
                f"{meetings.outcomes_due}"
            )


def _json(result, meetings=None) -> str:
    def item(r):
        m = r.milestone
        return {
            "milestone": m.reference,
            "title": m.title,
            "agreement": m.agreement.slug,
            "due": m.due.isoformat(),
            "days_late": max((result.today - m.due).days, 0),
            "owner": r.recipient or None,
            "email": r.email or None,
            "notified": r.notified,
        }

    return json.dumps(
        {
            "today": result.today.isoformat(),
            "days": result.days,
            "dry_run": result.dry_run,
            "overdue": [item(r) for r in result.overdue],
            "upcoming": [item(r) for r in result.upcoming],
            "notifications": result.notifications,
            "emails": result.emails,
            "email_failures": result.email_failures,
            "sessions_tomorrow": meetings.sessions_tomorrow if meetings else 0,
            "outcomes_asked": meetings.outcomes_due if meetings else 0,
        },
        ensure_ascii=False,
    )

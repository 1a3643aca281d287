"""``innobridge schedule --dzn FILE``: solve a B2B meeting-scheduling instance (MiniZinc data format)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from innocore.schedule.check import check
from innocore.schedule.instance import InstanceError, read_dzn
from innocore.schedule.solver import solve


class Command(BaseCommand):
    help = "Schedule every requested meeting with as few breaks as possible; report status, bound and time."

    def add_arguments(self, parser):
        parser.add_argument("--dzn", type=Path, required=True, help="instance in the benchmark's MiniZinc format")
        parser.add_argument("--time-limit", type=float, default=60.0, help="seconds (default 60)")
        parser.add_argument(
            "--fairness",
            type=int,
            default=2,
            help="maximum difference of breaks between two participants (default 2; -1 for none)",
        )
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--out", type=Path, help='write {"slots": [...]} (1-based, null if unscheduled)')
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, dzn, time_limit, fairness, workers, out, **options):
        if time_limit <= 0:
            raise CommandError("--time-limit must be positive")
        try:
            inst = read_dzn(dzn)
        except InstanceError as exc:
            raise CommandError(str(exc)) from exc
        fair = None if fairness < 0 else fairness
        result = solve(inst, time_limit=time_limit, fairness=fair, workers=workers, require_all=True)
        verdict = check(inst, result.slots, fairness=fair, require_all=True) if result.scheduled else None
        report = {
            "instance": inst.name,
            "meetings": len(inst.meetings),
            "scheduled": result.scheduled,
            "breaks": result.breaks,
            "status": result.status,
            "bound": result.bound,
            "gap": result.gap,
            "lower_bound": result.lower_bound,
            "phase": result.phase,
            "seconds": round(result.seconds, 2),
            "valid": verdict.valid if verdict else None,
            "explanation": [str(d) for d in result.explanation],
            "steps": result.steps,
        }
        if verdict and not verdict.valid:
            report["problems"] = [str(d) for d in verdict.problems[:20]]
        if out:
            out.write_text(json.dumps({"slots": result.slots}), encoding="utf-8")
        self.stdout.write(json.dumps(report, ensure_ascii=False))

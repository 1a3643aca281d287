"""``innobridge match-report``: offline quality figures from the feedback people gave on suggestions."""

import json
from collections import Counter

from django.core.management.base import BaseCommand

from innobridge.matching import learning
from innobridge.matching.models import ContactRequest, MatchFeedback
from innobridge.programmes.models import Programme


def report() -> dict:
    rows = list(MatchFeedback.objects.values("verdict", "reason", "rank", "side", "score"))
    judged = len(rows)
    relevant = sum(1 for r in rows if r["verdict"] == MatchFeedback.Verdict.RELEVANT)

    def precision(rows_at):
        return round(sum(1 for r in rows_at if r["verdict"] == "relevant") / len(rows_at), 3) if rows_at else None

    by_side = {side: precision([r for r in rows if r["side"] == side]) for side in MatchFeedback.Side.values}
    requests = Counter(ContactRequest.objects.values_list("status", flat=True))
    return {
        "judged_pairs": judged,
        "relevant": relevant,
        "not_relevant": judged - relevant,
        "precision": precision(rows),
        "precision@1": precision([r for r in rows if r["rank"] == 1]),
        "precision@3": precision([r for r in rows if r["rank"] and r["rank"] <= 3]),
        "precision@10": precision([r for r in rows if r["rank"] and r["rank"] <= 10]),
        "precision_by_side": by_side,
        "mean_score_relevant": _mean([r["score"] for r in rows if r["verdict"] == "relevant"]),
        "mean_score_not_relevant": _mean([r["score"] for r in rows if r["verdict"] == "not_relevant"]),
        "rejection_reasons": dict(Counter(r["reason"] for r in rows if r["verdict"] == "not_relevant")),
        "contact_requests": dict(requests),
        "contact_acceptance": round(
            requests.get("accepted", 0) / max(1, requests.get("accepted", 0) + requests.get("declined", 0)), 3
        ),
        # Per programme: the learned re-ranker in use, the judgements it learned from, its measured effect.
        "learned_rankers": [learning.report(p) for p in Programme.objects.order_by("pk")],
    }


def _mean(values):
    values = [v for v in values if v is not None]
    return round(sum(values) / len(values), 1) if values else None


class Command(BaseCommand):
    help = "Print matching quality figures from stored feedback and contact requests, as JSON."

    def handle(self, *args, **options):
        self.stdout.write(json.dumps(report(), ensure_ascii=False, indent=2))

"""Meetings as judgements for the learned re-ranker (registered with matching.learning)."""

from __future__ import annotations

from innobridge.matching.learning import judgement_source
from innobridge.meetings.models import MeetingRequest
from innocore.match.rerank import Judgement


@judgement_source
def meetings_held(needs: set[int]) -> list[Judgement]:
    """A meeting held on a request naming both an offer and one of ``needs`` judges that pair."""
    held = MeetingRequest.objects.filter(
        need_id__in=needs, offer__isnull=False, status="accepted", meeting__isnull=False
    ).select_related("need", "offer")
    return [Judgement(m.need.slug, m.offer.slug, "meeting_held", f"org:{m.requester_id}", m.last_updated) for m in held]

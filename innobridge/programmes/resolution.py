"""Is this reported activity already on record? One record per real-world event, visit or agreement.

The same signing is republished by another outlet, revised by its issuer, or reported from the
other side of the border in the other script with a more precise date and place. Before a
document's events and agreements become new records they are matched here against what the
programme already holds, on kind, a date window, the organisations taking part and the place.

A candidate is only proposed when the evidence agrees: the kind fits, the dates can be the same
day (an approximate date is a window, not a day), the places do not contradict each other (one may
be inside the other), and the organisations overlap enough to tell this activity from the many
others the same park operator takes part in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from innobridge.directory.models import Organisation, Place
from innobridge.programmes.models import Agreement, Delegation, Event

# How far an approximate or missing date may lie from a recorded one.
EXACT_SLACK = timedelta(days=2)
MONTH_SLACK = timedelta(days=10)
APPROXIMATE_SLACK = timedelta(days=45)
UNDATED_LOOKBACK = timedelta(days=180)


@dataclass(frozen=True)
class When:
    """A reported date: a day, a month, or unknown (then the document's date bounds it)."""

    day: date | None = None
    month: bool = False
    published: date | None = None

    @classmethod
    def parse(cls, value: str | None, published: date | None) -> When:
        if value and len(value) == 10:
            return cls(date.fromisoformat(value), False, published)
        if value and len(value) == 7:
            return cls(date.fromisoformat(value + "-01"), True, published)
        return cls(None, False, published)

    def window(self) -> tuple[date, date] | None:
        if self.day and not self.month:
            return self.day - EXACT_SLACK, self.day + EXACT_SLACK
        if self.day and self.month:
            end = (self.day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
            return self.day - MONTH_SLACK, end + MONTH_SLACK
        if self.published:
            return self.published - UNDATED_LOOKBACK, self.published + EXACT_SLACK
        return None

    def fits(self, recorded: date | None, approximate: bool) -> bool:
        window = self.window()
        if window is None or recorded is None:
            return True
        low, high = window
        if approximate:
            low, high = low - APPROXIMATE_SLACK, high + APPROXIMATE_SLACK
        return low <= recorded <= high


def _lineage(place: Place | None) -> set[int]:
    return set() if place is None else {place.pk, *(p.pk for p in place.ancestors())}


def places_agree(a: Place | None, b: Place | None) -> bool:
    """True when either is unknown, or one place is the other or lies inside it."""
    if a is None or b is None:
        return True
    return a.pk in _lineage(b) or b.pk in _lineage(a)


def more_precise(new: Place | None, old: Place | None) -> bool:
    """``new`` lies strictly inside ``old`` (or ``old`` is unknown)."""
    return new is not None and (old is None or (new.pk != old.pk and old.pk in _lineage(new)))


@dataclass
class Match:
    model: str  # "event", "agreement" or "delegation"
    record: object
    score: float
    reasons: list[str] = field(default_factory=list)

    def candidate(self) -> dict:
        return {
            "slug": self.record.slug,
            "name": str(self.record),
            "score": round(self.score, 3),
            "model": self.model,
            "reasons": self.reasons,
        }


def _org_ids(orgs: Iterable[Organisation]) -> set[int]:
    return {o.pk for o in orgs if o is not None}


def _overlap_ok(shared: set[int], wanted: set[int], same_place: bool, exact_day: bool) -> bool:
    """Enough shared organisations to tell this activity from others of the same organisations.

    Two shared organisations are enough; one is enough when it is everything the report names,
    or when the place or the exact day also agrees.
    """
    if len(shared) >= 2:
        return True
    return len(shared) == 1 and (wanted == shared or same_place or exact_day)


def match_event(
    *, kind: str, when: When, orgs: Iterable[Organisation], places: Iterable[Place | None], programme=None
) -> list[Match]:
    """Recorded events that are very likely the reported one, best first.

    A report names several places ("香港客人…在济南会见"); it contradicts a recorded event's place
    only when none of them agrees with it.
    """
    places = [p for p in places if p is not None]
    wanted = _org_ids(orgs)
    if not wanted:
        return []
    rows = Event.objects.filter(kind=kind, participants__organisation__in=wanted).distinct()
    if programme is not None:
        rows = rows.filter(programme=programme)
    found = []
    for event in rows.select_related("place").prefetch_related("participants")[:200]:
        if not when.fits(event.date, event.date_approximate):
            continue
        if places and not any(places_agree(p, event.place) for p in places):
            continue
        shared = wanted & {p.organisation_id for p in event.participants.all()}
        same_place = any(p.pk == event.place_id for p in places)
        exact_day = when.day is not None and not when.month and not event.date_approximate and event.date == when.day
        if not _overlap_ok(shared, wanted, same_place, exact_day):
            continue
        reasons = ["kind", "date", f"{len(shared)} organisations"] + (["place"] if same_place else [])
        found.append(Match("event", event, len(shared) / len(wanted) + 0.5 * same_place + 0.5 * exact_day, reasons))
    found.sort(key=lambda m: -m.score)
    return found


def match_agreement(*, when: When, parties: Iterable[Organisation], kind: str = "", programme=None) -> list[Match]:
    """Recorded agreements between the same parties at a compatible date, best first.

    Outlets name the same instrument differently (合作協議, MoU, framework), so the kind only
    breaks ties; the parties decide.
    """
    wanted = _org_ids(parties)
    if len(wanted) < 2:
        return []
    rows = Agreement.objects.filter(parties__organisation__in=wanted).distinct()
    if programme is not None:
        rows = rows.filter(programme=programme)
    found = []
    for agreement in rows.prefetch_related("parties")[:200]:
        if not when.fits(agreement.signed_on, agreement.signed_on_approximate):
            continue
        recorded = {p.organisation_id for p in agreement.parties.all()}
        shared = wanted & recorded
        if len(shared) < 2 or len(shared) < min(len(wanted), len(recorded)) / 2:
            continue
        score = len(shared) / len(wanted | recorded) + 0.25 * (kind == agreement.kind)
        found.append(
            Match("agreement", agreement, score, ["parties", "date"] + (["kind"] if kind == agreement.kind else []))
        )
    found.sort(key=lambda m: -m.score)
    return found


def match_delegation(
    *, when: When, orgs: Iterable[Organisation], places: Iterable[Place | None], programme=None
) -> list[Match]:
    """A recorded delegation trip that a reported visit describes: same visiting side, dates, destination."""
    wanted = _org_ids(orgs)
    if not wanted:
        return []
    rows = Delegation.objects.filter(visiting__in=wanted)
    if programme is not None:
        rows = rows.filter(programme=programme)
    places = [p for p in places if p is not None]
    found = []
    for delegation in rows.select_related("destination")[:100]:
        window = when.window()
        if window is not None and when.day is not None:
            low, high = window
            slack = APPROXIMATE_SLACK if delegation.dates_approximate else EXACT_SLACK
            if delegation.end < low - slack or delegation.start > high + slack:
                continue
        elif when.published is not None and not (
            delegation.start - EXACT_SLACK <= when.published <= delegation.end + UNDATED_LOOKBACK
        ):
            continue
        if places and not any(places_agree(p, delegation.destination) for p in places):
            continue
        found.append(Match("delegation", delegation, 1.0, ["visiting organisation", "dates", "destination"]))
    return found

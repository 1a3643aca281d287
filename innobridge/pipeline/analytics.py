"""Aggregate reads for the analytics pages and the programme report.

Everything is counted in the database (values/annotate/Count, conditional aggregates); Python
only reshapes the grouped rows, whose number is bounded by quarters, sectors, places or pairs of
organisations, never by the number of agreements or milestones.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import TruncQuarter
from django.utils import timezone
from django.utils.translation import gettext as _

from innobridge.directory.models import Organisation, Place, Sector
from innobridge.matching.models import ContactRequest, MatchFeedback, TechnologyOffer
from innobridge.pipeline.models import Milestone, StatusChange
from innobridge.programmes.models import Agreement, AgreementParty, Delegation, Event, Programme
from innocore.charts import conversions

S = Agreement.Status
PILOT_OR_LATER = [S.PILOT, S.DEPLOYED, S.SCALED]
DEPLOYED_OR_LATER = [S.DEPLOYED, S.SCALED]


def quarter_label(day: date | None) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}" if day else ""


def quarter_range(labels: set[str]) -> list[str]:
    """Every quarter from the first to the last label, so gaps show as zeros rather than vanish."""
    if not labels:
        return []
    first, last = min(labels), max(labels)
    year, q = int(first[:4]), int(first[-1])
    out = []
    while True:
        label = f"{year}-Q{q}"
        out.append(label)
        if label >= last:
            return out
        year, q = (year + 1, 1) if q == 4 else (year, q + 1)


def _by_quarter(qs: QuerySet, date_field: str, count: str = "pk") -> dict[str, int]:
    rows = (
        qs.exclude(**{f"{date_field}__isnull": True})
        .annotate(q=TruncQuarter(date_field))
        .values("q")
        .annotate(n=Count(count, distinct=True))
        .order_by()
    )
    out: dict[str, int] = defaultdict(int)
    for row in rows:
        out[quarter_label(row["q"])] += row["n"]
    return out


# ---- filters -------------------------------------------------------------------------------------


@dataclass
class Filters:
    programme: Programme | None = None
    sector: Sector | None = None
    kind: str = ""
    edges: str = "both"

    @classmethod
    def from_query(cls, params) -> Filters:
        programme = Programme.objects.filter(slug=params.get("programme", "")).first()
        sector = Sector.objects.filter(slug=params.get("sector", "")).first()
        kind = params.get("kind", "")
        edges = params.get("edges", "both")
        return cls(
            programme=programme,
            sector=sector,
            kind=kind if kind in Agreement.Kind.values else "",
            edges=edges if edges in ("both", "agreements", "meetings") else "both",
        )

    def agreements(self) -> QuerySet[Agreement]:
        """Agreements that were signed (anything but a draft) and pass the filters."""
        qs = Agreement.objects.exclude(status=S.DRAFT)
        if self.programme:
            qs = qs.filter(programme=self.programme)
        if self.kind:
            qs = qs.filter(kind=self.kind)
        if self.sector:
            qs = qs.filter(pk__in=Agreement.sectors.through.objects.filter(sector=self.sector).values("agreement_id"))
        return qs


# ---- meetings (another app; read only through here) ----------------------------------------------


def meetings_queryset():
    """Meetings held, or None when the meetings app provides no Meeting model (yet)."""
    try:
        from innobridge.meetings.models import Meeting
    except ImportError:
        return None
    return Meeting.objects.all()


def _meetings_for(filters: Filters | None):
    """Meetings, narrowed to a programme through the session's programme, delegation or event."""
    qs = meetings_queryset()
    if qs is None:
        return None
    if filters and filters.programme is not None:
        session = qs.model._meta.get_field("request").related_model._meta.get_field("session").related_model
        names = {f.name for f in session._meta.get_fields()}
        condition = Q(pk__in=[])
        for link in ("programme", "delegation__programme", "event__programme"):
            if link.split("__")[0] in names:
                condition |= Q(**{f"request__session__{link}": filters.programme})
        qs = qs.filter(condition)
    return qs


# ---- funnel --------------------------------------------------------------------------------------


@dataclass
class Stage:
    key: str
    label: str
    total: int
    rate: float | None = None
    by_quarter: dict[str, int] = field(default_factory=dict)


def pipeline_counts(qs: QuerySet[Agreement]) -> dict[str, int]:
    """Agreements that reached signing, a pilot and a deployment, whatever happened afterwards."""
    reached_pilot = Q(status__in=PILOT_OR_LATER) | Q(status_changes__to_status=S.PILOT)
    reached_deployment = Q(status__in=DEPLOYED_OR_LATER) | Q(status_changes__to_status=S.DEPLOYED)
    return qs.aggregate(
        agreements=Count("pk", distinct=True, filter=~Q(status=S.DRAFT)),
        pilots=Count("pk", distinct=True, filter=reached_pilot),
        deployments=Count("pk", distinct=True, filter=reached_deployment),
    )


def _reached_by_quarter(qs: QuerySet[Agreement], status: str) -> dict[str, int]:
    changes = StatusChange.objects.filter(to_status=status, agreement__in=qs.values("pk"))
    return _by_quarter(changes, "on", count="agreement_id")


def funnel(filters: Filters | None = None) -> tuple[list[Stage], list[str]]:
    """Suggestions reviewed → contact requests → meetings → agreements → pilots → deployments.

    Each stage is counted on its own (volumes, not a cohort followed through); a programme
    filter applies to the stages that belong to a programme (meetings when sessions have one,
    agreements and what follows).
    """
    filters = filters or Filters()
    agreements = filters.agreements()
    counts = pipeline_counts(agreements)
    meetings = _meetings_for(filters)
    stages = [
        Stage("suggestions", _("Suggestions reviewed"), MatchFeedback.objects.count()),
        Stage("contacts", _("Contact requests"), ContactRequest.objects.count()),
        Stage("meetings", _("Meetings"), meetings.count() if meetings is not None else 0),
        Stage("agreements", _("Agreements signed"), counts["agreements"]),
        Stage("pilots", _("Pilots"), counts["pilots"]),
        Stage("deployments", _("Deployments"), counts["deployments"]),
    ]
    if filters.programme is not None:
        stages[0].total = stages[1].total = 0
    quarterly = {
        "suggestions": _by_quarter(MatchFeedback.objects.all(), "created") if filters.programme is None else {},
        "contacts": _by_quarter(ContactRequest.objects.all(), "created") if filters.programme is None else {},
        "meetings": _by_quarter(meetings, "request__session__date") if meetings is not None else {},
        "agreements": _by_quarter(agreements, "signed_on"),
        "pilots": _reached_by_quarter(agreements, S.PILOT),
        "deployments": _reached_by_quarter(agreements, S.DEPLOYED),
    }
    for stage, rate in zip(stages, conversions([s.total for s in stages]), strict=True):
        stage.rate = rate
        stage.by_quarter = quarterly[stage.key]
    quarters = quarter_range({q for s in stages for q in s.by_quarter})
    return stages, quarters


# ---- breakdowns ----------------------------------------------------------------------------------


@dataclass
class Row:
    label: str
    count: int
    pilots: int = 0
    deployments: int = 0
    slug: str = ""


def _conditional_counts() -> dict:
    return {
        "n": Count("pk", distinct=True),
        "pilots": Count("pk", distinct=True, filter=Q(status__in=PILOT_OR_LATER)),
        "deployments": Count("pk", distinct=True, filter=Q(status__in=DEPLOYED_OR_LATER)),
    }


def by_kind(qs: QuerySet[Agreement]) -> list[Row]:
    rows = qs.values("kind").annotate(**_conditional_counts()).order_by("-n", "kind")
    labels = dict(Agreement.Kind.choices)
    return [Row(str(labels.get(r["kind"], r["kind"])), r["n"], r["pilots"], r["deployments"], r["kind"]) for r in rows]


def by_sector(qs: QuerySet[Agreement]) -> list[Row]:
    through = Agreement.sectors.through.objects.filter(agreement_id__in=qs.values("pk"))
    rows = through.values("sector_id").annotate(
        n=Count("agreement_id", distinct=True),
        pilots=Count("agreement_id", distinct=True, filter=Q(agreement__status__in=PILOT_OR_LATER)),
        deployments=Count("agreement_id", distinct=True, filter=Q(agreement__status__in=DEPLOYED_OR_LATER)),
    )
    sectors = {s.pk: s for s in Sector.objects.all()}
    out = [
        Row(sectors[r["sector_id"]].name, r["n"], r["pilots"], r["deployments"], sectors[r["sector_id"]].slug)
        for r in rows
    ]
    none = qs.exclude(pk__in=through.values("agreement_id")).aggregate(**_conditional_counts())
    if none["n"]:
        out.append(Row(_("no sector recorded"), none["n"], none["pilots"], none["deployments"]))
    return sorted(out, key=lambda r: (-r.count, r.label))


def place_rollup(kinds: tuple[str, ...] = ("city", "province", "country")) -> dict[int, Place]:
    """Each place id → its nearest ancestor-or-self of a kind in ``kinds`` (a city, else province...)."""
    places = {p.pk: p for p in Place.objects.all()}
    out: dict[int, Place] = {}
    for pk, place in places.items():
        node, seen = place, set()
        while node is not None and node.kind not in kinds and node.pk not in seen:
            seen.add(node.pk)
            node = places.get(node.parent_id)
        out[pk] = node or place
    return out


def province_of(places: dict[int, Place]) -> dict[int, Place]:
    out: dict[int, Place] = {}
    for pk, place in places.items():
        node, seen = place, set()
        while node is not None and node.kind != Place.Kind.PROVINCE and node.pk not in seen:
            seen.add(node.pk)
            node = places.get(node.parent_id)
        if node is not None:
            out[pk] = node
    return out


def by_place(qs: QuerySet[Agreement]) -> list[Row]:
    """Where agreements were signed, rolled up to the city (or the province when no city is given)."""
    rows = qs.values("signed_at_id").annotate(**_conditional_counts()).order_by()
    rollup = place_rollup()
    merged: dict[int | None, Row] = {}
    for r in rows:
        place = rollup.get(r["signed_at_id"]) if r["signed_at_id"] else None
        key = place.pk if place else None
        row = merged.setdefault(
            key, Row(place.name if place else _("place not recorded"), 0, slug=place.slug if place else "")
        )
        row.count += r["n"]
        row.pilots += r["pilots"]
        row.deployments += r["deployments"]
    return sorted(merged.values(), key=lambda r: (-r.count, r.label))


def by_quarter(qs: QuerySet[Agreement]) -> list[Row]:
    rows = (
        qs.exclude(signed_on__isnull=True)
        .annotate(q=TruncQuarter("signed_on"))
        .values("q")
        .annotate(**_conditional_counts())
        .order_by("q")
    )
    found: dict[str, Row] = {}
    for r in rows:
        label = quarter_label(r["q"])
        row = found.setdefault(label, Row(label, 0, slug=label))
        row.count += r["n"]
        row.pilots += r["pilots"]
        row.deployments += r["deployments"]
    return [found.get(q, Row(q, 0, slug=q)) for q in quarter_range(set(found))]


def by_status(qs: QuerySet[Agreement]) -> list[Row]:
    counts = dict(qs.values_list("status").annotate(n=Count("pk")).order_by())
    return [Row(str(label), counts.get(value, 0), slug=value) for value, label in S.choices if value != S.DRAFT]


# ---- network -------------------------------------------------------------------------------------


@dataclass
class Network:
    nodes: list[Organisation]
    groups: dict[int, str]
    edges: list[tuple[int, int, int, str]]  # organisation ids, weight, kind
    total_nodes: int
    total_edges: int
    meetings_available: bool


def network(filters: Filters, *, max_nodes: int = 80) -> Network:
    """Organisations as nodes; an edge for each pair that signed agreements together (weight: how
    many) and for each pair that met (weight: meetings held). The drawing keeps the best-connected
    ``max_nodes``; the tables keep everything."""
    pair_counts: dict[tuple[int, int, str], int] = {}
    if filters.edges in ("both", "agreements"):
        parties = AgreementParty.objects.filter(
            agreement_id__in=filters.agreements().values("pk"),
            agreement__parties__organisation_id__gt=F("organisation_id"),
        )
        rows = (
            parties.values(a=F("organisation_id"), b=F("agreement__parties__organisation_id"))
            .annotate(n=Count("agreement_id", distinct=True))
            .order_by()
        )
        for r in rows:
            pair_counts[(r["a"], r["b"], "agreement")] = r["n"]
    meetings = _meetings_for(filters)
    if meetings is not None and filters.edges in ("both", "meetings"):
        rows = (
            meetings.values(a=F("request__requester_id"), b=F("request__requested_id"))
            .annotate(n=Count("pk"))
            .order_by()
        )
        for r in rows:
            if r["a"] == r["b"]:
                continue
            key = (min(r["a"], r["b"]), max(r["a"], r["b"]), "meeting")
            pair_counts[key] = pair_counts.get(key, 0) + r["n"]
    degree: dict[int, int] = defaultdict(int)
    for (a, b, _k), n in pair_counts.items():
        degree[a] += n
        degree[b] += n
    keep_ids = sorted(degree, key=lambda pk: (-degree[pk], pk))[:max_nodes]
    orgs = {o.pk: o for o in Organisation.objects.filter(pk__in=list(degree)).prefetch_related("places")}
    places = {p.pk: p for p in Place.objects.all()}
    provinces = province_of(places)
    groups: dict[int, str] = {}
    for pk, org in orgs.items():
        province = next((provinces[p.pk] for p in org.places.all() if p.pk in provinces), None)
        groups[pk] = province.name if province else _("elsewhere")
    edges = sorted(
        ((a, b, n, kind) for (a, b, kind), n in pair_counts.items()),
        key=lambda e: (-e[2], e[0], e[1], e[3]),
    )
    return Network(
        nodes=[orgs[pk] for pk in sorted(keep_ids, key=lambda pk: (groups.get(pk, ""), pk)) if pk in orgs],
        groups=groups,
        edges=edges,
        total_nodes=len(degree),
        total_edges=len(edges),
        meetings_available=meetings is not None,
    )


# ---- programme report ----------------------------------------------------------------------------


def programme_figures(programme: Programme) -> dict:
    agreements = Agreement.objects.filter(programme=programme)
    milestones = Milestone.objects.filter(agreement__programme=programme)
    today = timezone.localdate()
    return {
        "delegations": Delegation.objects.filter(programme=programme).count(),
        "events": Event.objects.filter(programme=programme).count(),
        "signings": Event.objects.filter(programme=programme, kind=Event.Kind.SIGNING).count(),
        **pipeline_counts(agreements),
        "values": list(
            agreements.exclude(value_amount__isnull=True)
            .values("value_currency")
            .annotate(total=Sum("value_amount"), n=Count("pk"))
            .order_by("value_currency")
        ),
        **milestones.aggregate(
            milestones=Count("pk"),
            milestones_done=Count("pk", filter=Q(status=Milestone.Status.DONE)),
            milestones_overdue=Count("pk", filter=Q(status=Milestone.Status.OPEN, due__lt=today)),
        ),
    }


@dataclass
class Outcome:
    offer: TechnologyOffer
    agreement: Agreement
    partners: list[Organisation]


def outcomes(programme: Programme, *, direction: str, statuses: list[str], limit: int = 100) -> tuple[list, int]:
    """Offers of a direction linked to the programme's agreements in ``statuses``: the technology,
    its owner, the agreement and the other parties (adopters, partners). Returns (rows, total)."""
    through = Agreement.offers.through.objects.filter(
        agreement__programme=programme, agreement__status__in=statuses, technologyoffer__direction=direction
    )
    total = through.count()
    links = list(
        through.select_related("technologyoffer__owner", "agreement__signed_at").order_by(
            "-agreement__signed_on", "pk"
        )[:limit]
    )
    parties: dict[int, list[Organisation]] = defaultdict(list)
    for p in AgreementParty.objects.filter(agreement_id__in={link.agreement_id for link in links}).select_related(
        "organisation"
    ):
        parties[p.agreement_id].append(p.organisation)
    rows = [
        Outcome(
            link.technologyoffer,
            link.agreement,
            [o for o in parties[link.agreement_id] if o.pk != link.technologyoffer.owner_id],
        )
        for link in links
    ]
    return rows, total


def outcome_owner_count(programme: Programme, *, direction: str, statuses: list[str]) -> int:
    return (
        TechnologyOffer.objects.filter(
            direction=direction, agreements__programme=programme, agreements__status__in=statuses
        )
        .values("owner_id")
        .distinct()
        .count()
    )


def programme_agreements(programme: Programme, *, limit: int = 100) -> tuple[list[Agreement], int]:
    """The programme's agreements, furthest along first, with milestone progress; (rows, total)."""
    order = {status: i for i, status in enumerate([S.SCALED, S.DEPLOYED, S.PILOT, S.IN_EXECUTION, S.SIGNED])}
    qs = Agreement.objects.filter(programme=programme)
    total = qs.count()
    today = timezone.localdate()
    rank = Case(
        *[When(status=s, then=Value(i)) for s, i in order.items()], default=Value(9), output_field=IntegerField()
    )
    rows = list(
        qs.annotate(
            rank=rank,
            milestones_total=Count("milestones", distinct=True),
            milestones_done=Count("milestones", distinct=True, filter=Q(milestones__status=Milestone.Status.DONE)),
            milestones_overdue=Count(
                "milestones",
                distinct=True,
                filter=Q(milestones__status=Milestone.Status.OPEN, milestones__due__lt=today),
            ),
        )
        .select_related("signed_at")
        .order_by("rank", "-signed_on", "slug")[:limit]
    )
    return rows, total

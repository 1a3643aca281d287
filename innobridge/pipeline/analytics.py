"""Aggregate reads for the analytics pages and the programme report.

Everything is counted in the database (values/annotate/Count, conditional aggregates); Python
only reshapes the grouped rows, whose number is bounded by quarters, sectors, places or pairs of
organisations, never by the number of agreements or milestones.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Case, Count, Exists, F, IntegerField, Min, OuterRef, Q, QuerySet, Sum, Value, When
from django.db.models.functions import TruncQuarter
from django.utils import timezone
from django.utils.translation import gettext as _

from innobridge.directory.models import Organisation, Place, Sector
from innobridge.matching.models import ContactRequest, MatchFeedback, TechnologyOffer
from innobridge.meetings.models import Meeting
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
    """Meetings held."""
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


def _reached(status: str) -> Q:
    """Agreements now at ``status`` or beyond, or that passed through it (a pilot that later lapsed)."""
    later = PILOT_OR_LATER if status == S.PILOT else DEPLOYED_OR_LATER
    return Q(status__in=later) | Q(pk__in=StatusChange.objects.filter(to_status=status).values("agreement_id"))


def _between_owners(requester: str, recipient: str) -> Q:
    """Either direction between the owner of the pair's need and the owner of its offer."""
    need_owner, offer_owner = OuterRef("need__owner_id"), OuterRef("offer__owner_id")
    return Q(**{requester: need_owner, recipient: offer_owner}) | Q(**{requester: offer_owner, recipient: need_owner})


FUNNEL_STEPS = ["suggestions", "contacts", "meetings", "followups", "agreements", "pilots", "deployments"]


def _cohort_pairs(filters: Filters) -> QuerySet[MatchFeedback]:
    """One row per reviewed need–offer pair (its first verdict), annotated with the later steps it reached.

    Each ``has_*`` flag says only whether that step exists for the pair; the funnel combines them so an
    item counts at a step only when it also passed every step before.
    """
    firsts = MatchFeedback.objects.values("need_id", "offer_id").annotate(first=Min("pk")).values("first")
    contacts = ContactRequest.objects.filter(
        Q(offer_id=OuterRef("offer_id")) | Q(need_id=OuterRef("need_id")),
        _between_owners("requester_id", "recipient_id"),
    )
    pairs = MatchFeedback.objects.filter(pk__in=firsts).annotate(has_contacts=Exists(contacts))
    met = _meetings_for(filters).filter(_between_owners("request__requester_id", "request__requested_id"))
    from_offer = Agreement.offers.through.objects.filter(technologyoffer_id=OuterRef(OuterRef("offer_id")))
    from_need = Agreement.needs.through.objects.filter(technologyneed_id=OuterRef(OuterRef("need_id")))
    agreements = (
        filters.agreements()
        .filter(Q(pk__in=from_offer.values("agreement_id")) | Q(pk__in=from_need.values("agreement_id")))
        .filter(parties__organisation_id=OuterRef("need__owner_id"))
        .filter(parties__organisation_id=OuterRef("offer__owner_id"))
    )
    return pairs.annotate(
        has_meetings=Exists(met),
        has_followups=Exists(met.filter(outcome__in=[Meeting.Outcome.FOLLOW_UP, Meeting.Outcome.AGREEMENT])),
        has_agreements=Exists(agreements),
        has_pilots=Exists(agreements.filter(_reached(S.PILOT))),
        has_deployments=Exists(agreements.filter(_reached(S.DEPLOYED))),
    )


def _cohort_counts() -> dict:
    """Cumulative conditions: the count at each step only includes pairs that passed every earlier step."""
    out, passed = {"suggestions": Count("pk")}, Q()
    for key in FUNNEL_STEPS[1:]:
        passed &= Q(**{f"has_{key}": True})
        out[key] = Count("pk", filter=passed)
    return out


def funnel(filters: Filters | None = None) -> tuple[list[Stage], list[str]]:
    """Suggestion → contact request → meeting → follow-up → agreement → pilot → deployment, per cohort.

    The items followed are the need–offer pairs someone reviewed. A pair reaches a step when the step
    exists between the same two organisations and it reached every step before:

    - contact request: about the pair's offer or need, sent by one owner to the other;
    - meeting: a scheduled B2B meeting between the two owners (either side asking);
    - follow-up: such a meeting whose recorded outcome is "follow-up agreed";
    - agreement: a signed agreement naming the offer or the need as its origin, both owners parties;
    - pilot, deployment: that agreement reached the status, even if it lapsed later.

    So no step counts more items than the step before, and every conversion is at most 100 %. Per
    quarter, the cohort is the quarter of the pair's first review. A programme, sector or kind filter
    narrows the meetings (to the programme's sessions) and agreements a pair may reach; the cohort of
    reviewed pairs stays the same.
    """
    filters = filters or Filters()
    pairs = _cohort_pairs(filters)
    totals = pairs.aggregate(**_cohort_counts())
    quarterly: dict[str, dict[str, int]] = defaultdict(dict)
    for row in pairs.annotate(q=TruncQuarter("created")).values("q").annotate(**_cohort_counts()).order_by():
        for key in FUNNEL_STEPS:
            quarterly[key][quarter_label(row["q"])] = quarterly[key].get(quarter_label(row["q"]), 0) + row[key]
    labels = {
        "suggestions": _("Suggestions reviewed"),
        "contacts": _("Contact requests"),
        "meetings": _("Meetings"),
        "followups": _("Follow-ups agreed"),
        "agreements": _("Agreements signed"),
        "pilots": _("Pilots"),
        "deployments": _("Deployments"),
    }
    stages = [Stage(key, labels[key], totals[key], by_quarter=dict(quarterly[key])) for key in FUNNEL_STEPS]
    for stage, rate in zip(stages, conversions([s.total for s in stages]), strict=True):
        stage.rate = rate
    return stages, quarter_range({q for s in stages for q in s.by_quarter})


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
    """One row per status: an agreement *now* at pilot, deployed or scaled counts in the columns "now at
    pilot or beyond" and "now deployed or scaled" of its own row, like on every other breakdown."""
    counts = dict(qs.values_list("status").annotate(n=Count("pk")).order_by())
    rows = []
    for value, label in S.choices:
        if value == S.DRAFT:
            continue
        n = counts.get(value, 0)
        rows.append(
            Row(
                str(label),
                n,
                pilots=n if value in PILOT_OR_LATER else 0,
                deployments=n if value in DEPLOYED_OR_LATER else 0,
                slug=value,
            )
        )
    return rows


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

"""The analytics reports: the funnel, agreements and network pages, and a programme's report.

Each builder takes filters (or a programme) and returns the page's tables, figures and charts; the
pages, their CSV and XLSX exports and the background workbook job all read them from here.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from innobridge.directory.models import Organisation
from innobridge.pipeline import analytics
from innobridge.pipeline.exports import Table
from innobridge.programmes.models import Agreement, Event, Programme
from innocore.charts import bar_chart, column_chart, funnel_chart, network_chart
from innocore.charts.funnel import conversions, percent


def _rows_table(name: str, title: str, first: str, rows: list[analytics.Row]) -> Table:
    return Table(
        name,
        title,
        [first, _("Agreements"), _("Now at pilot or beyond"), _("Now deployed or scaled")],
        [[r.label, r.count, r.pilots, r.deployments] for r in rows],
    )


def funnel_page(filters: analytics.Filters, draw: bool = True) -> dict:
    stages, quarters = analytics.funnel(filters)
    tables = [
        Table(
            "funnel",
            _("Funnel"),
            [_("Stage"), _("Count"), _("Conversion from the stage before")],
            [[s.label, s.total, percent(s.rate)] for s in stages],
        ),
        Table(
            "funnel-quarters",
            _("Funnel by quarter"),
            [_("Quarter"), *[s.label for s in stages]],
            [[q, *[s.by_quarter.get(q, 0) for s in stages]] for q in quarters],
        ),
        Table(
            "funnel-conversion-quarters",
            _("Conversion by quarter"),
            [_("Quarter"), *[f"{a.label} → {b.label}" for a, b in zip(stages, stages[1:], strict=False)]],
            [[q, *[percent(r) for r in conversions([s.by_quarter.get(q, 0) for s in stages])[1:]]] for q in quarters],
        ),
    ]
    out = {"tables": tables, "stages": stages, "meetings_available": analytics.meetings_queryset() is not None}
    if draw:
        no_data = _("No data yet")
        out["funnel_svg"] = mark_safe(
            funnel_chart([(s.label, s.total) for s in stages], title=_("Funnel"), empty_message=no_data)
        )
        out["quarters_svg"] = mark_safe(
            column_chart(
                quarters,
                [(s.label, [s.by_quarter.get(q, 0) for q in quarters]) for s in stages],
                title=_("Funnel by quarter"),
                empty_message=no_data,
            )
        )
    return out


def agreements_page(filters: analytics.Filters, draw: bool = True) -> dict:
    qs = filters.agreements()
    sections = [
        ("by-sector", _("Agreements by sector"), _("Sector"), analytics.by_sector(qs)),
        ("by-place", _("Agreements by place of signing (city)"), _("Place"), analytics.by_place(qs)),
        ("by-kind", _("Agreements by kind"), _("Kind"), analytics.by_kind(qs)),
        ("by-quarter", _("Agreements by quarter of signing"), _("Quarter"), analytics.by_quarter(qs)),
        ("by-status", _("Agreements by current status"), _("Status"), analytics.by_status(qs)),
    ]
    out: dict = {"tables": [_rows_table(name, title, first, rows) for name, title, first, rows in sections]}
    if draw:
        no_data = _("No data yet")
        charts = []
        for (name, title, _first, rows), table in zip(sections, out["tables"], strict=True):
            if name == "by-quarter":
                svg = column_chart(
                    [r.label for r in rows],
                    [
                        (_("Agreements"), [r.count for r in rows]),
                        (_("Now at pilot or beyond"), [r.pilots for r in rows]),
                        (_("Now deployed or scaled"), [r.deployments for r in rows]),
                    ],
                    title=title,
                    empty_message=no_data,
                )
            else:
                svg = bar_chart([(r.label, r.count) for r in rows], title=title, empty_message=no_data)
            charts.append({"table": table, "svg": mark_safe(svg)})
        out["charts"] = charts
    return out


def network_page(filters: analytics.Filters, draw: bool = True, max_nodes: int = 80, max_edges: int = 400) -> dict:
    net = analytics.network(filters, max_nodes=max_nodes)
    orgs = {o.pk: o for o in net.nodes}
    named = orgs | {
        o.pk: o for o in Organisation.objects.filter(pk__in={x for e in net.edges for x in e[:2]} - set(orgs))
    }
    kind_labels = {"agreement": _("agreements"), "meeting": _("meetings")}
    degree: dict[int, int] = {}
    for a, b, n, _k in net.edges:
        degree[a] = degree.get(a, 0) + n
        degree[b] = degree.get(b, 0) + n
    tables = [
        Table(
            "edges",
            _("Cooperation network: links"),
            [_("Organisation"), _("Organisation"), _("Link"), _("Count")],
            [[named[a].name, named[b].name, kind_labels[k], n] for a, b, n, k in net.edges],
        ),
        Table(
            "nodes",
            _("Cooperation network: organisations"),
            [_("Organisation"), _("Province or region"), _("Links (weighted)")],
            [
                [named[pk].name, net.groups.get(pk, ""), d]
                for pk, d in sorted(degree.items(), key=lambda item: (-item[1], named[item[0]].name))
            ],
        ),
    ]
    out = {"tables": tables, "network": net, "meetings_available": net.meetings_available, "max_edges": max_edges}
    if draw:
        index = {o.pk: i for i, o in enumerate(net.nodes)}
        # The heaviest links only: thousands of faint lines hide the structure (the table has them all).
        edges = [(index[a], index[b], n, k) for a, b, n, k in net.edges if a in index and b in index][:max_edges]
        out["network_svg"] = mark_safe(
            network_chart(
                [(o.name, net.groups.get(o.pk, "")) for o in net.nodes],
                edges,
                title=_("Cooperation network"),
                edge_labels=kind_labels,
                empty_message=_("No data yet"),
            )
        )
    return out


PAGES = {"funnel": funnel_page, "agreements": agreements_page, "network": network_page}


def programme_report(programme: Programme) -> dict:
    """The printable one-page report of a programme: figures, charts, agreements and outcomes."""
    S = Agreement.Status
    filters = analytics.Filters(programme=programme)
    agreements = filters.agreements()
    counts = analytics.pipeline_counts(Agreement.objects.filter(programme=programme))
    stages = [
        (_("Agreements signed"), counts["agreements"]),
        (_("Pilots"), counts["pilots"]),
        (_("Deployments"), counts["deployments"]),
    ]
    quarters = analytics.by_quarter(agreements)
    sectors = analytics.by_sector(agreements)
    statuses = analytics.by_status(agreements)
    brought_in, brought_in_total = analytics.outcomes(
        programme, direction="bring_in", statuses=analytics.DEPLOYED_OR_LATER
    )
    went_out, went_out_total = analytics.outcomes(programme, direction="go_out", statuses=analytics.DEPLOYED_OR_LATER)
    going_out, going_out_total = analytics.outcomes(
        programme, direction="go_out", statuses=[S.SIGNED, S.IN_EXECUTION, S.PILOT]
    )
    rows, rows_total = analytics.programme_agreements(programme)
    net = network_page(filters, max_nodes=40)
    no_data = _("No data yet")
    context = {
        "programme": programme,
        "figures": analytics.programme_figures(programme),
        "delegations": programme.delegations.select_related("visiting", "hosting", "destination").order_by("start"),
        "signings": Event.objects.filter(programme=programme, kind=Event.Kind.SIGNING)
        .select_related("place")
        .prefetch_related("agreements")
        .order_by("date"),
        "stages": [
            (label, n, rate)
            for (label, n), rate in zip(stages, analytics.conversions([n for _l, n in stages]), strict=True)
        ],
        "statuses": statuses,
        "sectors": sectors,
        "quarters": quarters,
        "agreements": rows,
        "agreements_total": rows_total,
        "brought_in": brought_in,
        "brought_in_total": brought_in_total,
        "brought_in_owners": analytics.outcome_owner_count(
            programme, direction="bring_in", statuses=analytics.DEPLOYED_OR_LATER
        ),
        "went_out": went_out,
        "went_out_total": went_out_total,
        "went_out_owners": analytics.outcome_owner_count(
            programme, direction="go_out", statuses=analytics.DEPLOYED_OR_LATER
        ),
        "going_out": going_out,
        "going_out_total": going_out_total,
        "funnel_svg": mark_safe(funnel_chart(stages, title=_("Pipeline"), empty_message=no_data)),
        "status_svg": mark_safe(
            bar_chart(
                [(r.label, r.count) for r in statuses], title=_("Agreements by current status"), empty_message=no_data
            )
        ),
        "quarters_svg": mark_safe(
            column_chart(
                [r.label for r in quarters],
                [
                    (_("Agreements"), [r.count for r in quarters]),
                    (_("Now at pilot or beyond"), [r.pilots for r in quarters]),
                    (_("Now deployed or scaled"), [r.deployments for r in quarters]),
                ],
                title=_("Agreements by quarter of signing"),
                empty_message=no_data,
            )
        ),
        "sectors_svg": mark_safe(
            bar_chart([(r.label, r.count) for r in sectors], title=_("Agreements by sector"), empty_message=no_data)
        ),
        "network_svg": net["network_svg"],
        "network": net["network"],
        "generated": timezone.localtime(),
    }
    return context

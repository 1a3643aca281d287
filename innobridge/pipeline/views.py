"""Agreement pipeline (status, value, milestones), notices, analytics pages and the programme report."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from innobridge.accounts.permissions import sees_teasers
from innobridge.directory.models import Organisation, Sector
from innobridge.lib.concurrency import EditConflict, conflict_response, editing
from innobridge.lib.views import get_or_404, paginate, staff_required
from innobridge.pipeline import analytics, selectors, services
from innobridge.pipeline.exports import Table, to_csv, to_xlsx
from innobridge.pipeline.forms import AgreementValueForm, MilestoneForm, StatusChangeForm
from innobridge.pipeline.permissions import can_manage_pipeline, can_see_analytics
from innobridge.programmes import selectors as programme_selectors
from innobridge.programmes.models import Agreement, Event, Programme
from innocore.charts import bar_chart, column_chart, funnel_chart, network_chart
from innocore.charts.funnel import conversions, percent

# ---- access --------------------------------------------------------------------------------------


# Analytics and reports count confidential agreements too: staff only (see can_see_analytics).
staff_only = staff_required


def _agreement_for_manager(request, slug: str) -> Agreement:
    agreement = get_or_404(programme_selectors.agreement_detail, user=request.user, slug=slug)
    if not can_manage_pipeline(request.user, agreement):
        raise PermissionDenied
    return agreement


def pipeline_context(request, agreement: Agreement) -> dict:
    """What the agreement page shows of the pipeline, and the forms for those who may change it."""
    manage = can_manage_pipeline(request.user, agreement)
    today = timezone.localdate()
    return {
        "history": selectors.status_history(agreement=agreement),
        "milestones": selectors.milestones_for(agreement=agreement),
        "can_manage": manage,
        "is_staff_user": can_see_analytics(request.user),
        "status_form": StatusChangeForm(agreement=agreement) if manage else None,
        "today": today,
        **_linked_records(request.user, agreement),
    }


def _linked_records(user, agreement: Agreement) -> dict:
    """The offers and needs an agreement came from, as far as the reader may see them.

    A confidential offer can back a public agreement, so links go through the same visibility rules
    as the offer and need pages; anonymous readers, who only get teasers, see none (a link would tie
    a teaser to the agreement's parties).
    """
    from innobridge.matching.selectors import needs_visible, offers_visible

    if sees_teasers(user):
        return {"linked_offers": [], "linked_needs": []}
    offers = offers_visible(user).filter(agreements=agreement).order_by("title")
    needs = needs_visible(user).filter(agreements=agreement).order_by("title")
    return {"linked_offers": offers, "linked_needs": needs}


# ---- agreement pipeline --------------------------------------------------------------------------


@login_required
@require_POST
def agreement_status(request, slug: str):
    agreement = _agreement_for_manager(request, slug)
    form = StatusChangeForm(request.POST, agreement=agreement)
    if not form.is_valid():
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        messages.error(request, _("The status was not changed: %(errors)s") % {"errors": errors})
        return redirect(agreement.get_absolute_url())
    try:
        services.agreement_change_status(
            agreement=agreement,
            to_status=form.cleaned_data["to_status"],
            on=form.cleaned_data["on"],
            note=form.cleaned_data["note"],
            user=request.user,
        )
    except ValidationError as exc:
        messages.error(request, _("The status was not changed: %(errors)s") % {"errors": "; ".join(exc.messages)})
    else:
        messages.success(request, _("Status changed to “%(status)s”.") % {"status": agreement.get_status_display()})
    return redirect(agreement.get_absolute_url())


@login_required
def agreement_value(request, slug: str):
    agreement = get_or_404(programme_selectors.agreement_detail, user=request.user, slug=slug)
    if not can_see_analytics(request.user):
        raise PermissionDenied
    initial = {
        "value_amount": agreement.value_amount,
        "value_currency": agreement.value_currency,
        "offers": agreement.offers.all(),
        "needs": agreement.needs.all(),
    }
    form = AgreementValueForm(request.POST or None, initial=initial, agreement=agreement)
    if request.method == "POST" and form.is_valid():
        try:
            with editing(agreement, request.POST):
                services.agreement_set_pipeline(agreement=agreement, **form.cleaned_data)
        except EditConflict as conflict:
            return conflict_response(request, form, conflict, back=agreement.get_absolute_url())
        except ValidationError as exc:
            for key, errs in exc.message_dict.items():
                form.add_error(key if key in form.fields else None, errs)
        else:
            messages.success(request, _("Saved."))
            return redirect(agreement.get_absolute_url())
    return render(request, "pipeline/agreement_value_form.html", {"agreement": agreement, "form": form})


@login_required
def milestone_form(request, slug: str, reference: str | None = None):
    agreement = _agreement_for_manager(request, slug)
    milestone = get_or_404(selectors.milestone_detail, agreement=agreement, reference=reference) if reference else None
    staff = can_see_analytics(request.user)
    form = MilestoneForm(
        request.POST or None, instance=milestone, agreement=agreement, staff=staff, viewer=request.user
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        evidence = data.pop("evidence", None)
        try:
            with editing(milestone, request.POST):
                services.milestone_save(milestone=milestone, agreement=agreement, evidence=evidence, **data)
        except EditConflict as conflict:
            return conflict_response(request, form, conflict, back=agreement.get_absolute_url())
        except ValidationError as exc:
            for key, errs in exc.message_dict.items():
                form.add_error(key if key in form.fields else None, errs)
        else:
            messages.success(request, _("Milestone saved."))
            return redirect(agreement.get_absolute_url())
    return render(
        request, "pipeline/milestone_form.html", {"agreement": agreement, "form": form, "milestone": milestone}
    )


@login_required
@require_POST
def milestone_done(request, slug: str, reference: str):
    agreement = _agreement_for_manager(request, slug)
    milestone = get_or_404(selectors.milestone_detail, agreement=agreement, reference=reference)
    try:
        services.milestone_complete(milestone=milestone)
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(request, _("Milestone marked as done."))
    return redirect(agreement.get_absolute_url())


@login_required
def notification_list(request):
    if request.method == "POST":
        services.notifications_mark_read(user=request.user)
        return redirect("pipeline:notification_list")
    return render(
        request,
        "pipeline/notification_list.html",
        {"page": paginate(request, selectors.notifications_for(user=request.user))},
    )


# ---- analytics pages -----------------------------------------------------------------------------


def _filter_context(filters: analytics.Filters) -> dict:
    return {
        "filters": filters,
        "programmes": Programme.objects.order_by("slug"),
        "sectors": Sector.objects.order_by("position", "slug"),
        "kinds": Agreement.Kind.choices,
    }


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
TEMPLATES = {"funnel": "pipeline/analytics_funnel.html", "agreements": "pipeline/analytics_agreements.html"}


@staff_only
def analytics_index(request):
    return render(request, "pipeline/analytics_index.html", {"programmes": Programme.objects.order_by("slug")})


def _analytics_view(page: str):
    @staff_only
    def view(request):
        filters = analytics.Filters.from_query(request.GET)
        context = PAGES[page](filters) | _filter_context(filters)
        context["page_name"] = page
        context["querystring"] = request.GET.urlencode()
        return render(request, TEMPLATES.get(page, f"pipeline/analytics_{page}.html"), context)

    view.__name__ = f"analytics_{page}"
    return view


analytics_funnel = _analytics_view("funnel")
analytics_agreements = _analytics_view("agreements")
analytics_network = _analytics_view("network")


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@staff_only
def analytics_export(request, page: str, fmt: str, table: str = ""):
    if page not in PAGES or fmt not in ("csv", "xlsx"):
        raise Http404
    filters = analytics.Filters.from_query(request.GET)
    tables = PAGES[page](filters, draw=False)["tables"]
    stamp = timezone.localdate().isoformat()
    if fmt == "xlsx":
        return _download(
            to_xlsx(tables),
            f"innobridge-{page}-{stamp}.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    chosen = next((t for t in tables if t.name == table), None)
    if chosen is None:
        raise Http404
    return _download(to_csv(chosen), f"innobridge-{page}-{table}-{stamp}.csv", "text/csv; charset=utf-8")


@staff_only
@require_POST
def analytics_workbook(request):
    """Queue the complete workbook (every table of every analytics page) as a background job."""
    from innobridge.jobs.services import job_enqueue
    from innobridge.pipeline.jobs import workbook_arguments

    job = job_enqueue(
        kind="pipeline.analytics_workbook",
        arguments=workbook_arguments(request.POST.get("filters", "")),
        user=request.user,
    )
    return redirect(job)


# ---- programme report ----------------------------------------------------------------------------


@staff_only
def programme_report(request, slug: str):
    programme = get_or_404(programme_selectors.programme_detail, slug=slug)
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
    return render(request, "pipeline/programme_report.html", context)

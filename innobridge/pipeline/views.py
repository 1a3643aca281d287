"""Agreement pipeline (status, value, milestones), notices, analytics pages and the programme report."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from innobridge.accounts import notices
from innobridge.accounts.permissions import staff_required
from innobridge.directory.models import Sector
from innobridge.jobs.services import job_enqueue
from innobridge.lib.concurrency import EditConflict, conflict_response, editing
from innobridge.lib.views import get_or_404, paginate
from innobridge.pipeline import analytics, reports, selectors, services
from innobridge.pipeline.exports import to_csv, to_xlsx
from innobridge.pipeline.forms import AgreementValueForm, MilestoneForm, StatusChangeForm
from innobridge.pipeline.jobs import workbook_arguments
from innobridge.pipeline.permissions import can_manage_pipeline, can_see_analytics
from innobridge.programmes import selectors as programme_selectors
from innobridge.programmes.models import Agreement, Programme

# ---- access --------------------------------------------------------------------------------------


# Analytics and reports count confidential agreements too: staff only (see can_see_analytics).
staff_only = staff_required


def _agreement_for_manager(request, slug: str) -> Agreement:
    agreement = get_or_404(programme_selectors.agreement_detail, user=request.user, slug=slug)
    if not can_manage_pipeline(request.user, agreement):
        raise PermissionDenied
    return agreement


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
        {"page": paginate(request, notices.notices_for(user=request.user))},
    )


# ---- analytics pages -----------------------------------------------------------------------------


def _filter_context(filters: analytics.Filters) -> dict:
    return {
        "filters": filters,
        "programmes": Programme.objects.order_by("slug"),
        "sectors": Sector.objects.order_by("position", "slug"),
        "kinds": Agreement.Kind.choices,
    }


TEMPLATES = {"funnel": "pipeline/analytics_funnel.html", "agreements": "pipeline/analytics_agreements.html"}


@staff_only
def analytics_index(request):
    return render(request, "pipeline/analytics_index.html", {"programmes": Programme.objects.order_by("slug")})


def _analytics_view(page: str):
    @staff_only
    def view(request):
        filters = analytics.Filters.from_query(request.GET)
        context = reports.PAGES[page](filters) | _filter_context(filters)
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
    if page not in reports.PAGES or fmt not in ("csv", "xlsx"):
        raise Http404
    filters = analytics.Filters.from_query(request.GET)
    tables = reports.PAGES[page](filters, draw=False)["tables"]
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
    return render(request, "pipeline/programme_report.html", reports.programme_report(programme))

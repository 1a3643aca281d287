"""Directory pages: organisations, people and places."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from innobridge.accounts.permissions import (
    can_edit_organisation,
    can_edit_person,
    can_see_contact_details,
    is_staff,
    require,
    sees_teasers,
    staff_required,
)
from innobridge.directory import selectors, services
from innobridge.directory.filters import OrganisationFilter
from innobridge.directory.forms import OrganisationForm, PersonForm, PositionForm
from innobridge.directory.models import Organisation, PendingAlias, Person
from innobridge.lib import keysearch
from innobridge.lib.concurrency import EditConflict, conflict_response, editing, seen_version
from innobridge.lib.pages import page_context
from innobridge.lib.views import get_or_404, paginate, querystring_without_page
from innocore.text import detect_script


def organisation_list(request):
    filters = OrganisationFilter(
        q=request.GET.get("q", "").strip()[:200],
        kind=request.GET.get("kind", ""),
        sector=request.GET.get("sector", ""),
        place=request.GET.get("place", ""),
    )
    # Each result card is cached per organisation, change and language, and for this version of
    # the data (renewed by any write to organisations, places or sectors). Read before the rows,
    # so a card is never stored under a version newer than the names it shows.
    cards_version = keysearch.data_version()
    page = paginate(request, selectors.organisation_list(filters=filters))
    return render(
        request,
        "directory/organisation_list.html",
        {
            "page": page,
            "filters": filters,
            "kinds": Organisation.Kind.choices,
            "sectors": selectors.sector_options(),
            "places": selectors.place_options(),
            "querystring": querystring_without_page(request),
            "cards_version": cards_version,
        },
    )


def organisation_detail(request, slug: str):
    org = get_or_404(selectors.organisation_detail, slug=slug)
    user = request.user
    return render(
        request,
        "directory/organisation_detail.html",
        {
            "org": org,
            "can_edit": can_edit_organisation(user, org),
            "teaser": sees_teasers(user),
            "show_contact": can_see_contact_details(user),
            "positions": [p for p in org.positions.all() if p.end is None],
            # offers, needs and partners (matching), delegations, events and agreements (programmes),
            # evidence (documents)
            **page_context("directory.organisation", request, org),
        },
    )


def _save_organisation(request, form: OrganisationForm, org: Organisation | None):
    data = dict(form.cleaned_data)
    sectors, places, aliases = data.pop("sectors"), data.pop("places"), data.pop("aliases")
    try:
        saved = services.organisation_save(
            organisation=org, sectors=sectors, places=places, aliases=aliases, requested_by=request.user, **data
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return None
    held = saved.pending_aliases.filter(status="pending", text__in=aliases)
    if held:
        messages.info(
            request,
            _("%(aliases)s also name another organisation: they will be used once staff approve them.")
            % {"aliases": ", ".join(f"“{p.text}”" for p in held)},
        )
    return saved


@login_required
@require_http_methods(["GET", "POST"])
def organisation_create(request):
    require(is_staff(request.user))
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        org = _save_organisation(request, form, None)
        if org:
            messages.success(request, _("Organisation created."))
            return redirect(org)
    return render(request, "directory/organisation_form.html", {"form": form, "creating": True})


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request, slug: str):
    org = get_object_or_404(Organisation, slug=slug)
    require(can_edit_organisation(request.user, org))
    form = OrganisationForm(request.POST or None, instance=org, can_change_structure=is_staff(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            with editing(org, request.POST):
                saved = _save_organisation(request, form, org)
        except EditConflict as conflict:
            return conflict_response(request, form, conflict, back=org.get_absolute_url())
        if saved:
            messages.success(request, _("Changes saved."))
            return redirect(saved)
    pending = org.pending_aliases.filter(status=PendingAlias.Status.PENDING)
    return render(request, "directory/organisation_form.html", {"form": form, "org": org, "pending_aliases": pending})


def person_list(request):
    q = request.GET.get("q", "")
    organisation = request.GET.get("organisation", "")
    people = selectors.person_list(q=q, organisation=organisation)
    return render(
        request,
        "directory/person_list.html",
        {"page": paginate(request, people), "q": q, "querystring": querystring_without_page(request)},
    )


def person_detail(request, slug: str):
    person = get_or_404(selectors.person_detail, slug=slug)
    return render(
        request,
        "directory/person_detail.html",
        {
            "person": person,
            "can_edit": can_edit_person(request.user, person),
            "show_contact": can_see_contact_details(request.user),
            **page_context("directory.person", request, person),  # delegations_led, events, evidence
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request):
    require(is_staff(request.user))
    form = PersonForm(request.POST or None, show_contact=True)
    position_form = PositionForm(request.POST or None, prefix="position")
    if request.method == "POST" and form.is_valid() and position_form.is_valid():
        try:
            person = services.person_save(**form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            pos = position_form.cleaned_data
            if pos["organisation"] and pos["title"]:
                script = detect_script(pos["title"])
                title_field = {"zh-Hant": "title_zh_hant", "zh-Hans": "title_zh_hans"}.get(script, "title_en")
                services.position_save(person=person, organisation=pos["organisation"], **{title_field: pos["title"]})
            messages.success(request, _("Person created."))
            return redirect(person)
    return render(
        request, "directory/person_form.html", {"form": form, "position_form": position_form, "creating": True}
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request, slug: str):
    person = get_object_or_404(Person, slug=slug)
    require(can_edit_person(request.user, person))
    staff = is_staff(request.user)
    form = PersonForm(request.POST or None, instance=person, show_contact=staff)
    if request.method == "POST" and form.is_valid():
        try:
            with editing(person, request.POST):
                services.person_save(person=person, **form.cleaned_data)
        except EditConflict as conflict:
            return conflict_response(request, form, conflict, back=person.get_absolute_url())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(person)
    return render(request, "directory/person_form.html", {"form": form, "person": person})


def place_list(request):
    return render(request, "directory/place_list.html", {"roots": selectors.place_tree()})


def place_detail(request, slug: str):
    place = get_or_404(selectors.place_detail, slug=slug)
    filters = OrganisationFilter(place=place.slug)
    return render(
        request,
        "directory/place_detail.html",
        {
            "place": place,
            "organisations": selectors.organisation_list(filters=filters)[:50],
            **page_context("directory.place", request, place),  # events
        },
    )


@staff_required
def alias_review(request):
    """Aliases that name another organisation, waiting for a staff decision."""
    pending = PendingAlias.objects.filter(status=PendingAlias.Status.PENDING).select_related(
        "organisation", "claims", "requested_by"
    )
    return render(request, "directory/alias_review.html", {"pending": pending})


@staff_required
@require_POST
def alias_decide(request, reference: str):
    pending = get_object_or_404(PendingAlias, reference=reference)
    approve = request.POST.get("decision") == "approve"
    try:
        services.pending_alias_decide(pending=pending, approve=approve, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        message = _("Alias “%(alias)s” approved.") if approve else _("Alias “%(alias)s” rejected.")
        messages.success(request, message % {"alias": pending.text})
    return redirect("directory:alias_review")


@staff_required
@require_http_methods(["GET", "POST"])
def english_names(request):
    """Organisations, people and places an English reader sees only in Chinese, most important first;
    staff type each English name in place. A row saved by someone else meanwhile is not overwritten."""
    if request.method == "POST":
        model = selectors.ENGLISH_KINDS.get(request.POST.get("kind", ""))
        record = get_object_or_404(model, slug=request.POST.get("slug", "")) if model else None
        if record is None:
            raise Http404
        try:
            services.english_name_set(
                record=record, name_en=request.POST.get("name_en", ""), seen_version=seen_version(request.POST)
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except EditConflict:
            messages.error(
                request,
                _("“%(name)s” was changed by someone else meanwhile: nothing was saved. Check it and try again.")
                % {"name": record.name},
            )
        else:
            messages.success(request, _("English name saved: %(name)s.") % {"name": record.name_en})
        return redirect("directory:english_names")
    return render(request, "directory/english_names.html", {"missing": selectors.missing_english()})

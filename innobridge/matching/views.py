"""Offer and need pages with their suggestions, feedback, and contact requests."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from innobridge.accounts.permissions import is_staff, member_organisation_id, require, sees_teasers, staff_required
from innobridge.directory.filters import OrganisationFilter
from innobridge.directory.models import Organisation
from innobridge.directory.selectors import organisation_list, sector_options
from innobridge.jobs.services import job_enqueue
from innobridge.lib.concurrency import EditConflict, conflict_response, editing
from innobridge.lib.views import get_or_404, paginate, querystring_without_page
from innobridge.matching import learning, selectors, services
from innobridge.matching.forms import AnswerForm, ContactRequestForm, FeedbackForm, NeedForm, OfferForm
from innobridge.matching.models import ContactRequest, MatchFeedback, TechnologyNeed, TechnologyOffer
from innobridge.matching.permissions import (
    can_answer,
    can_create,
    can_edit,
    can_see_owner,
    can_see_request,
    can_see_suggestions,
)
from innobridge.programmes.models import Programme


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def offer_list(request):
    params = request.GET
    qs = selectors.offer_list(
        user=request.user,
        q=params.get("q", "")[:200],
        sector=params.get("sector", ""),
        direction=params.get("direction", ""),
        min_trl=_int(params.get("trl")),
        mine=params.get("mine") == "1",
    )
    page = paginate(request, qs)
    teaser = sees_teasers(request.user)
    return render(
        request,
        "matching/offer_list.html",
        {
            "page": page,
            "params": params,
            "sectors": sector_options(),
            "directions": TechnologyOffer.Direction.choices,
            "querystring": querystring_without_page(request),
            "can_create": can_create(request.user),
            "owner_visible": {o.pk: not teaser and can_see_owner(request.user, o) for o in page},
            "teaser": teaser,
        },
    )


def need_list(request):
    params = request.GET
    qs = selectors.need_list(
        user=request.user,
        q=params.get("q", "")[:200],
        sector=params.get("sector", ""),
        place=params.get("place", ""),
        mine=params.get("mine") == "1",
    )
    return render(
        request,
        "matching/need_list.html",
        {
            "page": paginate(request, qs),
            "params": params,
            "sectors": sector_options(),
            "querystring": querystring_without_page(request),
            "can_create": can_create(request.user),
            "teaser": sees_teasers(request.user),
        },
    )


def _detail_context(request, record, suggest) -> dict:
    """What an offer's page and a need's page share: editing, suggestions, feedback, contact.

    Anonymous visitors get a teaser: no owner, contact, free text or suggestions (which quote free text).
    """
    user = request.user
    editable = can_edit(user, record)
    org_id = member_organisation_id(user)
    return {
        "teaser": sees_teasers(user),
        "can_edit": editable,
        "suggestions": suggest() if can_see_suggestions(user) else [],
        "can_judge": editable,
        "feedback_form": FeedbackForm(),
        "can_express_interest": org_id is not None and org_id != record.owner_id,
        "contact_form": ContactRequestForm(),
    }


def offer_detail(request, slug: str):
    offer = get_or_404(selectors.offer_detail, user=request.user, slug=slug)
    context = _detail_context(
        request,
        offer,
        lambda: selectors.needs_for_offer(offer=offer, user=request.user) if offer.status == "published" else [],
    )
    context |= {"offer": offer, "owner_visible": not context["teaser"] and can_see_owner(request.user, offer)}
    return render(request, "matching/offer_detail.html", context)


def need_detail(request, slug: str):
    need = get_or_404(selectors.need_detail, user=request.user, slug=slug)
    context = _detail_context(request, need, lambda: selectors.offers_for_need(need=need, user=request.user))
    return render(request, "matching/need_detail.html", context | {"need": need})


def _owner_for(request, form_owner: str | None) -> Organisation:
    """Members create records for their own organisation; staff choose the owner."""
    if is_staff(request.user) and form_owner:
        return get_object_or_404(Organisation, slug=form_owner)
    org_id = member_organisation_id(request.user)
    require(org_id is not None)
    return Organisation.objects.get(pk=org_id)


def _choose_owner(request, model):
    """Staff create records on behalf of an organisation: find it by name in any script first."""
    q = request.GET.get("q", "").strip()
    found = list(organisation_list(filters=OrganisationFilter(q=q))[:20]) if q else []
    return render(request, "matching/choose_owner.html", {"q": q, "found": found, "kind": model._meta.verbose_name})


def _edit(request, *, model, form_class, save, record=None, template: str):
    if record is not None:
        require(can_edit(request.user, record))
        owner = record.owner
    else:
        require(can_create(request.user))
        chosen = request.POST.get("owner") or request.GET.get("owner")
        if not chosen and is_staff(request.user) and member_organisation_id(request.user) is None:
            return _choose_owner(request, model)
        owner = _owner_for(request, chosen)
    form = (
        form_class(request.POST or None, instance=record, owner=owner)
        if form_class is OfferForm
        else form_class(request.POST or None, instance=record)
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        m2m = {k: data.pop(k) for k in ("sectors", "target_places") if k in data}
        try:
            with editing(record, request.POST):
                saved = save(**{model._meta.model_name.replace("technology", ""): record}, owner=owner, **m2m, **data)
        except EditConflict as conflict:
            return conflict_response(request, form, conflict, back=record.get_absolute_url())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(saved)
    owners = Organisation.objects.order_by("slug") if is_staff(request.user) and record is None else None
    return render(request, template, {"form": form, "record": record, "owner": owner, "owners": owners})


@login_required
@require_http_methods(["GET", "POST"])
def offer_create(request):
    return _edit(
        request,
        model=TechnologyOffer,
        form_class=OfferForm,
        save=services.offer_save,
        template="matching/offer_form.html",
    )


@login_required
@require_http_methods(["GET", "POST"])
def offer_edit(request, slug: str):
    offer = get_object_or_404(TechnologyOffer, slug=slug)
    return _edit(
        request,
        model=TechnologyOffer,
        form_class=OfferForm,
        save=services.offer_save,
        record=offer,
        template="matching/offer_form.html",
    )


@login_required
@require_POST
def offer_renew(request, slug: str):
    offer = get_object_or_404(TechnologyOffer, slug=slug)
    require(can_edit(request.user, offer))
    services.offer_renew(offer=offer)
    messages.success(request, _("The offer stays published for another 12 months."))
    return redirect(offer)


@login_required
@require_http_methods(["GET", "POST"])
def need_create(request):
    return _edit(
        request, model=TechnologyNeed, form_class=NeedForm, save=services.need_save, template="matching/need_form.html"
    )


@login_required
@require_http_methods(["GET", "POST"])
def need_edit(request, slug: str):
    need = get_object_or_404(TechnologyNeed, slug=slug)
    return _edit(
        request,
        model=TechnologyNeed,
        form_class=NeedForm,
        save=services.need_save,
        record=need,
        template="matching/need_form.html",
    )


@login_required
@require_POST
def feedback(request, need_slug: str, offer_slug: str, side: str):
    # Both records through the visibility rule: a record the caller may not read answers 404, as
    # an unknown one does, so feedback neither is stored nor confirms that it exists.
    need = get_or_404(selectors.need_detail, user=request.user, slug=need_slug)
    offer = get_or_404(selectors.offer_detail, user=request.user, slug=offer_slug)
    if side not in MatchFeedback.Side.values:
        raise Http404
    judged = need if side == MatchFeedback.Side.NEED else offer
    require(can_edit(request.user, judged))
    form = FeedbackForm(request.POST)
    if form.is_valid():
        services.feedback_record(need=need, offer=offer, side=side, user=request.user, **form.cleaned_data)
        if form.cleaned_data["verdict"] == MatchFeedback.Verdict.NOT_RELEVANT:
            messages.success(request, _("Thank you. This pair will not be suggested again."))
        else:
            messages.success(request, _("Thank you. Your feedback improves future suggestions."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(judged)


@login_required
@require_POST
def express_interest(request, kind: str, slug: str):
    model = {"offer": TechnologyOffer, "need": TechnologyNeed}.get(kind)
    require(model is not None)
    record = get_or_404(
        selectors.offer_detail if kind == "offer" else selectors.need_detail, user=request.user, slug=slug
    )
    org_id = member_organisation_id(request.user)
    require(org_id is not None)
    form = ContactRequestForm(request.POST)
    if form.is_valid():
        try:
            services.contact_request_create(
                requester=Organisation.objects.get(pk=org_id),
                user=request.user,
                message=form.cleaned_data["message"],
                **{kind: record},
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("Your contact request was sent. You will see the answer under Contact requests.")
            )
    return redirect(record)


@login_required
def contact_request_list(request):
    return render(
        request,
        "matching/contact_request_list.html",
        {
            "page": paginate(request, selectors.contact_requests_for(user=request.user)),
            "member_org_id": member_organisation_id(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_request_detail(request, slug: str):
    contact = get_object_or_404(
        ContactRequest.objects.select_related("requester", "recipient", "offer", "need"), slug=slug
    )
    require(can_see_request(request.user, contact))
    answerable = can_answer(request.user, contact) and contact.status == ContactRequest.Status.PENDING
    form = AnswerForm(request.POST or None)
    if request.method == "POST":
        require(answerable)
        if form.is_valid():
            try:
                services.contact_request_answer(
                    request=contact,
                    accept=form.cleaned_data["decision"] == "accept",
                    answer=form.cleaned_data["answer"],
                    user=request.user,
                )
            except ValidationError as exc:  # answered meanwhile by someone else
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Answer sent."))
            return redirect(contact)
    hide_recipient = bool(contact.offer and not can_see_owner(request.user, contact.offer))
    return render(
        request,
        "matching/contact_request_detail.html",
        {"contact": contact, "form": form, "answerable": answerable, "hide_recipient": hide_recipient},
    )


@staff_required
def ranker_list(request):
    """Staff: each programme's learned re-ranker, its data and its measured effect."""

    reports = [learning.report(p) | {"name": p.name, "slug": p.slug} for p in Programme.objects.order_by("pk")]
    return render(request, "matching/ranker_list.html", {"reports": reports})


@staff_required
@require_http_methods(["GET", "POST"])
def ranker_detail(request, slug: str):
    """Staff: a programme's versions; POST ``action`` pin (with ``version``), unpin, roll_back or train."""

    programme = get_object_or_404(Programme, slug=slug)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "pin":
                learning.ranker_pin(
                    programme=programme, version=_int(request.POST.get("version")) or 0, user=request.user
                )
                messages.success(request, _("Version pinned."))
            elif action == "unpin":
                learning.ranker_unpin(programme=programme, user=request.user)
                messages.success(request, _("Version unpinned: the newest usable version is used."))
            elif action == "roll_back":
                learning.ranker_roll_back(programme=programme, user=request.user)
                messages.success(request, _("Rolled back to the version before."))
            elif action == "train":
                job = job_enqueue(kind="matching.ranker_train", arguments={"programme": slug}, user=request.user)
                return redirect(job.get_absolute_url())
            else:
                messages.error(request, _("Unknown action."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("matching:ranker_detail", slug=slug)
    report = learning.report(programme)
    for v in report["versions"]:  # for the page: local time and features in words (the JSON keeps codes)
        v["created_at"] = datetime.fromisoformat(v["created"])
        v["features"] = [(learning.feature_label(k), value) for k, value in v["points_per_unit"].items() if value]
    return render(request, "matching/ranker_detail.html", {"programme": programme, "report": report})

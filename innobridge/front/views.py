"""The home page: the programme at a glance."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone

from innobridge.directory.models import Organisation
from innobridge.front.search import search_everything
from innobridge.programmes import selectors


def home(request):
    user = request.user
    agreements = selectors.agreements_visible(user)
    delegations = selectors.delegation_list(user=user)
    counts = {
        "organisations": Organisation.objects.count(),
        "park_companies": Organisation.objects.filter(kind=Organisation.Kind.PARK_COMPANY).count(),
        "delegations": delegations.count(),
        "agreements": agreements.count(),
    }
    return render(
        request,
        "front/home.html",
        {
            "counts": counts,
            "programmes": selectors.programme_list(),
            "latest_delegation": delegations.prefetch_related("stops__place").first(),
            "recent_agreements": selectors.agreement_list(user=user)[:5],
            "upcoming_events": selectors.upcoming_events(user=user, today=timezone.localdate()),
        },
    )


def search(request):
    q = request.GET.get("q", "")
    groups = search_everything(user=request.user, q=q)
    return render(request, "front/search.html", {"q": q, "groups": groups, "total": sum(g.total for g in groups)})

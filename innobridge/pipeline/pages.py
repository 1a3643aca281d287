"""What the pipeline app shows on an agreement's page (see innobridge.lib.pages)."""

from __future__ import annotations

from django.utils import timezone

from innobridge.accounts.permissions import sees_teasers
from innobridge.lib.pages import provides, provides_fragment
from innobridge.matching.selectors import needs_visible, offers_visible
from innobridge.pipeline import selectors
from innobridge.pipeline.forms import StatusChangeForm
from innobridge.pipeline.permissions import can_manage_pipeline, can_see_analytics
from innobridge.programmes.models import Agreement

provides_fragment("programmes.agreement", "pipeline/includes_agreement.html")


@provides("programmes.agreement")
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
    if sees_teasers(user):
        return {"linked_offers": [], "linked_needs": []}
    offers = offers_visible(user).filter(agreements=agreement).order_by("title")
    needs = needs_visible(user).filter(agreements=agreement).order_by("title")
    return {"linked_offers": offers, "linked_needs": needs}

"""Read-only JSON for agreements with their pipeline (status, value, history, milestones)."""

from datetime import date
from decimal import Decimal

from django.db.models import Prefetch
from ninja import Router, Schema
from ninja.pagination import paginate

from innobridge.api.links import link, links
from innobridge.api.pagination import Pages
from innobridge.lib.views import get_or_404
from innobridge.pipeline.models import Milestone, StatusChange
from innobridge.pipeline.permissions import can_manage_pipeline
from innobridge.programmes import selectors as programme_selectors

router = Router(tags=["pipeline"])


class MilestoneOut(Schema):
    reference: str
    title_zh_hant: str
    title_zh_hans: str
    title_en: str
    due: date
    status: str
    done_on: date | None


class StatusChangeOut(Schema):
    from_status: str
    to_status: str
    on: date
    note: str


class AgreementPipelineOut(Schema):
    slug: str
    name_en: str
    name_zh_hant: str
    name_zh_hans: str
    kind: str
    status: str
    programme: str
    signed_on: date | None
    value_amount: Decimal | None
    value_currency: str
    parties: list[str]
    offers: list[str]
    needs: list[str]

    @staticmethod
    def resolve_programme(obj, context) -> str:
        return link(obj.programme, context)

    @staticmethod
    def resolve_parties(obj, context) -> list[str]:
        return links((p.organisation for p in obj.parties.all()), context)

    @staticmethod
    def resolve_offers(obj, context) -> list[str]:
        return links(obj.offers.all(), context)

    @staticmethod
    def resolve_needs(obj, context) -> list[str]:
        return links(obj.needs.all(), context)


class AgreementPipelineDetailOut(AgreementPipelineOut):
    history: list[StatusChangeOut]
    milestones: list[MilestoneOut]

    @staticmethod
    def resolve_history(obj) -> list:
        return list(obj.status_changes.all())

    @staticmethod
    def resolve_milestones(obj) -> list:
        return obj.visible_milestones


def _visible(request):
    return programme_selectors.agreement_list(user=request.user).prefetch_related("offers", "needs")


@router.get("/agreements", response=list[AgreementPipelineOut])
@paginate(Pages, page_size=50)
def list_agreements(request, status: str = "", programme: str = ""):
    """Agreements the caller may read, with status and value; filter by status or programme slug."""
    qs = _visible(request)
    if status:
        qs = qs.filter(status=status)
    if programme:
        qs = qs.filter(programme__slug=programme)
    return qs


@router.get("/agreements/{slug}", response=AgreementPipelineDetailOut)
def get_agreement(request, slug: str):
    """One agreement with its status history; milestones only for staff and the parties' members."""
    agreement = get_or_404(
        lambda **kw: (
            _visible(request)
            .prefetch_related(
                Prefetch("status_changes", queryset=StatusChange.objects.order_by("on", "pk")),
                Prefetch("milestones", queryset=Milestone.objects.order_by("due", "pk")),
            )
            .get(**kw)
        ),
        slug=slug,
    )
    # Milestones name owners and deadlines: for staff and the parties' members only.
    agreement.visible_milestones = (
        list(agreement.milestones.all()) if can_manage_pipeline(request.user, agreement) else []
    )
    return agreement

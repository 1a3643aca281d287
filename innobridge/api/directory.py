"""People in the directory. Contact details go to staff and to the person's own organisation only."""

from datetime import date

from django.conf import settings
from django.db.models import Prefetch
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from innobridge.accounts.permissions import can_see_person_contact
from innobridge.api.inputs import InputSchema
from innobridge.api.links import link
from innobridge.api.pagination import Pages
from innobridge.directory import selectors
from innobridge.directory.filters import search_terms
from innobridge.directory.models import Person, Position
from innobridge.lib.views import get_or_404

router = Router(tags=["directory"])


class PositionOut(Schema):
    organisation: str
    title_zh_hant: str
    title_zh_hans: str
    title_en: str
    start: date | None = None
    end: date | None = None

    @staticmethod
    def resolve_organisation(obj, context) -> str:
        return link(obj.organisation, context)


class PersonOut(Schema):
    """A person; ``email`` and ``phone`` are absent unless the caller may see contact details."""

    slug: str
    name_zh_hant: str
    name_zh_hans: str
    name_en: str
    positions: list[PositionOut]
    email: str | None = None
    phone: str | None = None

    @staticmethod
    def resolve_positions(obj) -> list:
        return list(obj.positions.all())

    @staticmethod
    def resolve_email(obj, context) -> str | None:
        return (obj.email or None) if can_see_person_contact(context["request"].user, obj) else None

    @staticmethod
    def resolve_phone(obj, context) -> str | None:
        return (obj.phone or None) if can_see_person_contact(context["request"].user, obj) else None


class PersonFilterIn(InputSchema):
    q: str = Field("", max_length=200, description="Name in any script.")
    organisation: str = Field("", description="Slug of an organisation where the person holds a position.")


@router.get("/people", response=list[PersonOut], exclude_none=True)
@paginate(Pages, page_size=settings.PAGE_SIZE)
def list_people(request, filters: Query[PersonFilterIn]):
    """People, found by name in any script or by organisation."""
    qs = Person.objects.prefetch_related(
        Prefetch("positions", queryset=Position.objects.select_related("organisation"))
    ).order_by("slug")
    for term in search_terms(filters.q):
        qs = qs.filter(search_key__contains=term)
    if filters.organisation:
        qs = qs.filter(positions__organisation__slug=filters.organisation).distinct()
    return qs


@router.get("/people/{slug}", response=PersonOut, exclude_none=True)
def get_person(request, slug: str):
    return get_or_404(selectors.person_detail, slug=slug)

"""The JSON API. OpenAPI at /api/openapi.json, documentation at /api/docs (served locally)."""

from datetime import date

from ninja import NinjaAPI, Query, Schema
from ninja.pagination import paginate

from innobridge.api.auth import public
from innobridge.api.inputs import InputSchema
from innobridge.api.links import link, links
from innobridge.api.pagination import Pages
from innobridge.directory import selectors as directory_selectors
from innobridge.directory.filters import OrganisationFilter
from innobridge.lib.views import get_or_404
from innobridge.programmes import selectors as programme_selectors

api = NinjaAPI(
    title="InnoBridge API",
    version="1",
    urls_namespace="api",
    description="Send `Authorization: Bearer <token>` (tokens: /en/accounts/tokens/) or use the browser session.",
    auth=public,
)


class NameOut(Schema):
    zh_hant: str
    zh_hans: str
    en: str
    zh_hant_derived: bool
    zh_hans_derived: bool


def _names(obj) -> dict:
    return {
        "zh_hant": obj.name_zh_hant,
        "zh_hans": obj.name_zh_hans,
        "en": obj.name_en,
        "zh_hant_derived": obj.name_zh_hant_derived,
        "zh_hans_derived": obj.name_zh_hans_derived,
    }


class OrganisationOut(Schema):
    slug: str
    kind: str
    names: NameOut
    parent: str | None
    sectors: list[str]
    places: list[str]
    website: str

    @staticmethod
    def resolve_names(obj) -> dict:
        return _names(obj)

    @staticmethod
    def resolve_parent(obj, context) -> str | None:
        return link(obj.parent, context) if obj.parent_id else None

    @staticmethod
    def resolve_sectors(obj, context) -> list[str]:
        return links(obj.sectors.all(), context)

    @staticmethod
    def resolve_places(obj, context) -> list[str]:
        return links(obj.places.all(), context)


class OrganisationDetailOut(OrganisationOut):
    aliases: list[str]
    description: str

    @staticmethod
    def resolve_aliases(obj) -> list[str]:
        return [a.text for a in obj.aliases.all()]


class OrganisationFilterIn(InputSchema):
    q: str = ""
    kind: str = ""
    sector: str = ""
    place: str = ""


class DelegationOut(Schema):
    slug: str
    names: NameOut
    start: date
    end: date
    dates_approximate: bool
    visiting: str
    hosting: str
    cities: list[str]
    members: list[str]
    summary_en: str  # for English readers when the delegation's purpose is written in Chinese

    @staticmethod
    def resolve_names(obj) -> dict:
        return _names(obj)

    @staticmethod
    def resolve_visiting(obj, context) -> str:
        return link(obj.visiting, context)

    @staticmethod
    def resolve_hosting(obj, context) -> str:
        return link(obj.hosting, context)

    @staticmethod
    def resolve_cities(obj, context) -> list[str]:
        return links((s.place for s in obj.stops.all()), context)

    @staticmethod
    def resolve_members(obj, context) -> list[str]:
        return links((m.organisation for m in obj.delegationmember_set.all()), context)


@api.get("/organisations", response=list[OrganisationOut], tags=["directory"])
@paginate(Pages, page_size=50)
def list_organisations(request, filters: Query[OrganisationFilterIn]):
    """Organisations matching a search in any script (names, partial names, aliases) and filters."""
    return directory_selectors.organisation_list(filters=OrganisationFilter(**filters.dict()))


@api.get("/organisations/{slug}", response=OrganisationDetailOut, tags=["directory"])
def get_organisation(request, slug: str):
    return get_or_404(directory_selectors.organisation_detail, slug=slug)


@api.get("/delegations", response=list[DelegationOut], tags=["programmes"])
@paginate(Pages, page_size=50)
def list_delegations(request):
    """Delegations the caller may read (public ones for anonymous callers)."""
    return programme_selectors.delegation_list(user=request.user).prefetch_related(
        "stops__place", "delegationmember_set__organisation"
    )


@api.get("/delegations/{slug}", response=DelegationOut, tags=["programmes"])
def get_delegation(request, slug: str):
    return get_or_404(programme_selectors.delegation_detail, user=request.user, slug=slug)


api.add_router("/", "innobridge.api.accounts.router")
api.add_router("/pipeline/", "innobridge.api.pipeline.router")
api.add_router("/meetings/", "innobridge.api.meetings.router")
api.add_router("/", "innobridge.api.directory.router")
api.add_router("/", "innobridge.api.matching.router")
api.add_router("/", "innobridge.api.documents.router")

"""People in the directory (contact details go to staff and to the person's own organisation only), and
the staff list of records lacking an English name."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from innobridge.accounts.permissions import can_see_person_contact, is_staff
from innobridge.api.auth import members
from innobridge.api.inputs import InputSchema
from innobridge.api.links import link
from innobridge.api.pagination import Pages
from innobridge.directory import selectors, services
from innobridge.directory.filters import search_terms
from innobridge.directory.models import Person, Position
from innobridge.lib.concurrency import EditConflict
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


class MissingEnglishOut(Schema):
    kind: str
    slug: str
    name_zh_hant: str
    name_zh_hans: str
    name_en: str = ""
    pinyin: str
    version: int | None = None  # send it back with the English name (organisations and people)


class MissingEnglishKindOut(Schema):
    kind: str
    total: int
    records: list[MissingEnglishOut]


class EnglishNameIn(InputSchema):
    name_en: str = Field(max_length=300)
    version: int | None = None


def _staff_only(request) -> None:
    if not is_staff(request.user):
        raise HttpError(403, _("Only staff can see and fill the names lacking English."))


@router.get("/names-in-english", response=list[MissingEnglishKindOut], auth=members)
def names_lacking_english(request):
    """Organisations, people and places without an English name, most important first (staff)."""
    _staff_only(request)
    return [
        {
            "kind": kind,
            "total": total,
            "records": [
                {
                    "kind": kind,
                    "slug": r.slug,
                    "name_zh_hant": r.name_zh_hant,
                    "name_zh_hans": r.name_zh_hans,
                    "pinyin": r.romanised_name(),
                    "version": getattr(r, "version", None),
                }
                for r in records
            ],
        }
        for kind, (total, records) in selectors.missing_english().items()
    ]


@router.post("/names-in-english/{kind}/{slug}", response=MissingEnglishOut, auth=members)
def name_in_english(request, kind: str, slug: str, payload: EnglishNameIn):
    """Give one record its English name; 409 when it changed since ``version`` (nothing saved)."""
    _staff_only(request)
    model = selectors.ENGLISH_KINDS.get(kind)
    if model is None:
        raise HttpError(404, _("Not found."))
    record = get_or_404(lambda **kw: model.objects.get(**kw), slug=slug)
    try:
        saved = services.english_name_set(record=record, name_en=payload.name_en, seen_version=payload.version)
    except ValidationError as exc:
        raise HttpError(422, " ".join(exc.messages)) from exc
    except EditConflict as exc:
        raise HttpError(409, _("The record changed since that version: nothing was saved.")) from exc
    return {
        "kind": kind,
        "slug": saved.slug,
        "name_zh_hant": saved.name_zh_hant,
        "name_zh_hans": saved.name_zh_hans,
        "name_en": saved.name_en,
        "pinyin": saved.romanised_name(),
        "version": getattr(saved, "version", None),
    }

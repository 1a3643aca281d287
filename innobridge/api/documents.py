"""Source documents (press releases, minutes): staff only, as on the documents pages."""

from datetime import date, datetime

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from innobridge.accounts.permissions import is_staff
from innobridge.api.auth import members
from innobridge.api.pagination import Pages
from innobridge.documents.models import SourceDocument

router = Router(tags=["documents"], auth=members)


class DocumentOut(Schema):
    slug: str
    title: str
    kind: str
    language: str
    published: date | None = None
    url: str
    filename: str
    format: str
    created: datetime
    committed: datetime | None = None


class DocumentDetailOut(DocumentOut):
    text: str


def _staff_only(request) -> None:
    if not is_staff(request.user):
        raise HttpError(403, _("Documents are for staff only."))


@router.get("/documents", response=list[DocumentOut])
@paginate(Pages, page_size=settings.PAGE_SIZE)
def list_documents(request):
    _staff_only(request)
    return SourceDocument.objects.filter(slug__isnull=False).order_by("-created")


@router.get("/documents/{slug}", response=DocumentDetailOut)
def get_document(request, slug: str):
    _staff_only(request)
    document = SourceDocument.objects.filter(slug=slug).first()
    if document is None:
        raise Http404
    return document

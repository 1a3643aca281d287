"""One rule for every serialiser that names another record: a slug appears only if the caller may read it.

A schema that names a related record (an agreement's offers, a session's delegation, a contact
request's need) resolves it through :func:`link` or :func:`links`, never ``obj.other.slug``. The
decision is the one the record's own endpoint makes: the same selectors (``*_visible(user)``) that
answer 404 there leave the slug out here, so a confidential offer behind a public agreement
stays unnamed. Directory records (organisations, people, places, sectors) and programmes are
public. The common case (a public record, or one of the caller's organisation) is decided
without a query; the rest asks the selector once per record and request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db.models import Model, QuerySet
from django.utils import timezone

from innobridge.accounts.permissions import is_staff, member_organisation_id, visible_levels
from innobridge.lib.models import Visibility
from innobridge.matching.selectors import contact_requests_for, needs_visible, offers_visible
from innobridge.meetings.selectors import sessions_visible
from innobridge.programmes.selectors import agreements_visible, delegations_visible, events_visible

PUBLIC_MODELS = frozenset(
    {"directory.organisation", "directory.person", "directory.place", "directory.sector", "programmes.programme"}
)


def _selectors() -> dict[str, Callable[..., QuerySet]]:

    return {
        "matching.technologyoffer": offers_visible,
        "matching.technologyneed": needs_visible,
        "matching.contactrequest": lambda user: contact_requests_for(user=user),
        "programmes.agreement": agreements_visible,
        "programmes.delegation": delegations_visible,
        "programmes.event": events_visible,
        "meetings.matchmakingsession": sessions_visible,
    }


def _plainly_readable(user, obj: Model, label: str) -> bool:
    """True when the record is readable without asking the database (public level, own record)."""
    if label in PUBLIC_MODELS or is_staff(user):
        return True
    org_id = member_organisation_id(user)
    if org_id is not None and getattr(obj, "owner_id", None) == org_id:
        return True
    visibility = getattr(obj, "visibility", None)
    status = getattr(obj, "status", None)
    if label == "matching.technologyoffer":
        live = obj.expires_on is None or obj.expires_on >= timezone.localdate()
        return status == "published" and live and visibility in visible_levels(user)
    if label == "matching.technologyneed":
        return status == "published" and visibility in visible_levels(user)
    if label == "meetings.matchmakingsession":
        return status == "published" and visibility == Visibility.PUBLIC
    if label in ("programmes.agreement", "programmes.delegation", "programmes.event"):
        return visibility in visible_levels(user)
    return False


def readable(request, obj: Model | None) -> bool:
    """Whether the caller of ``request`` may read ``obj`` at its own endpoint or page."""
    if obj is None:
        return False
    label = obj._meta.label_lower
    user = request.user
    if _plainly_readable(user, obj, label):
        return True
    selector = _selectors().get(label)
    if selector is None:  # a model nobody classified is not named: fail closed
        return False
    if member_organisation_id(user) is None and label != "matching.contactrequest":
        return False  # anonymous callers and users without an organisation read public records only
    cache = request.__dict__.setdefault("_readable_links", {})
    key = (label, obj.pk)
    if key not in cache:
        cache[key] = selector(user).filter(pk=obj.pk).exists()
    return cache[key]


def _request(context) -> object:
    return context["request"]


def link(obj: Model | None, context) -> str | None:
    """The slug of a related record if the caller may read it, else None."""
    return obj.slug if obj is not None and readable(_request(context), obj) else None


def links(objs: Iterable[Model], context) -> list[str]:
    """The slugs of the related records the caller may read, in order."""
    request = _request(context)
    return [o.slug for o in objs if readable(request, o)]

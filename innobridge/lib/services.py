"""Helpers for service functions: saving named records, a typed ``atomic``."""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypedDict, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from innobridge.lib.models import TrilingualNameModel

Named = TypeVar("Named", bound=TrilingualNameModel)
P = ParamSpec("P")
R = TypeVar("R")


class NameFields(TypedDict, total=False):
    """The fields of a TrilingualNameModel (and its slug) that a save service sets as given."""

    name_zh_hant: str
    name_zh_hans: str
    name_en: str
    name_zh_hant_derived: bool
    name_zh_hans_derived: bool
    slug: str


def save_named(obj: Named) -> Named:
    """Derive missing name forms, give a slug, validate, save and index the record.

    The search key includes related aliases, so it is computed once the row exists.
    """
    obj.fill_name_variants()
    if not (obj.name_zh_hant or obj.name_zh_hans or obj.name_en):
        raise ValidationError({"name_en": _("Give a name in at least one language.")})
    if hasattr(obj, "ensure_slug"):
        obj.ensure_slug()
    obj.refresh_search_key()
    obj.full_clean()
    obj.save()
    return obj


def reindex(obj: TrilingualNameModel) -> None:
    obj.refresh_search_key()
    type(obj)._default_manager.filter(pk=obj.pk).update(search_key=obj.search_key)


def atomic(func: Callable[P, R]) -> Callable[P, R]:
    """``transaction.atomic`` as a decorator that keeps the function's signature for mypy (Django's
    own is untyped here, so calls to a decorated service would not be checked)."""
    return transaction.atomic(func)

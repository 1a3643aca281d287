"""Merge two records that describe the same real-world thing: one organisation, person, event or agreement.

Everything that points at the duplicate is moved to the record kept: foreign keys (positions,
participations, parties, memberships, offers...), many-to-many links on both sides, and the
provenance spans of documents. Where the kept record already has the same link (a unique
constraint), the duplicate's copy is dropped. The duplicate's names become aliases of a kept
organisation, so a later document that uses them still resolves. Every change is written through
the ORM, so the audit trail records it; the duplicate's own history stays readable under its
reference, and an extra audit entry says where it went.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from innobridge.audit import bulk as audited
from innobridge.audit.signals import _write
from innobridge.directory.models import Alias, Organisation, Person
from innobridge.directory.services import organisation_set_aliases
from innobridge.documents.models import Evidence
from innobridge.programmes.models import Agreement, Event

MERGEABLE: dict[str, type[Organisation] | type[Person] | type[Event] | type[Agreement]] = {
    "organisation": Organisation,
    "person": Person,
    "event": Event,
    "agreement": Agreement,
}


@dataclass
class MergePlan:
    """What a merge would move, counted per kind of link, for the confirmation page."""

    keep: models.Model
    drop: models.Model
    moves: dict[str, int] = field(default_factory=dict)


def _relations(model: type[models.Model]) -> Iterator[tuple[str, Any]]:
    """Reverse foreign keys and many-to-many relations that point at ``model``, both directions."""
    for rel in model._meta.get_fields(include_hidden=True):
        if rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one):
            yield "fk", rel
        elif rel.auto_created and not rel.concrete and rel.many_to_many:
            yield "m2m_reverse", rel
        elif rel.many_to_many and rel.concrete:
            yield "m2m", rel


def merge_plan(keep: models.Model, drop: models.Model) -> MergePlan:
    _check(keep, drop)
    plan = MergePlan(keep, drop)
    for kind, rel in _relations(type(drop)):
        if kind == "fk":
            n = rel.related_model._base_manager.filter(**{rel.field.name: drop}).count()
            label = rel.related_model._meta.verbose_name_plural
        elif kind == "m2m_reverse":
            n = getattr(drop, rel.get_accessor_name()).count()
            label = rel.related_model._meta.verbose_name_plural
        else:
            n = getattr(drop, rel.name).count()
            label = rel.verbose_name
        if n:
            plan.moves[str(label)] = plan.moves.get(str(label), 0) + n
    sources = Evidence.objects.filter(content_type=ContentType.objects.get_for_model(type(drop)), object_id=drop.pk)
    if sources.exists():
        plan.moves[str(_("document sources"))] = sources.count()
    return plan


def _check(keep: models.Model, drop: models.Model) -> None:
    if type(keep) is not type(drop) or type(keep) not in MERGEABLE.values():
        raise ValidationError(_("Only two records of the same kind can be merged."))
    if keep.pk == drop.pk:
        raise ValidationError(_("Choose two different records."))


@transaction.atomic
def records_merge(*, keep: models.Model, drop: models.Model) -> MergePlan:
    """Move everything from ``drop`` to ``keep``, then delete ``drop``; all or nothing."""
    model = type(keep)
    keep = model._base_manager.select_for_update().get(pk=keep.pk)
    drop = model._base_manager.select_for_update().get(pk=drop.pk)
    plan = merge_plan(keep, drop)
    drop_label, drop_slug = str(drop), getattr(drop, "slug", "")
    for kind, rel in _relations(model):
        if kind == "fk":
            _move_foreign_keys(rel, keep, drop)
        elif kind == "m2m_reverse":
            accessor = rel.get_accessor_name()
            for other in list(getattr(drop, accessor).all()):
                getattr(keep, accessor).add(other)
        else:
            getattr(keep, rel.name).add(*getattr(drop, rel.name).all())
    ct = ContentType.objects.get_for_model(model)
    Evidence.objects.filter(content_type=ct, object_id=drop.pk).update(object_id=keep.pk)
    if isinstance(keep, Organisation):
        names = {n for n in (drop.name_zh_hant, drop.name_zh_hans, drop.name_en) if n}
        names |= set(Alias.objects.filter(organisation=drop).values_list("text", flat=True))
        kept = set(keep.aliases.values_list("text", flat=True))
        own = {n for n in (keep.name_zh_hant, keep.name_zh_hans, keep.name_en) if n}
        organisation_set_aliases(organisation=keep, aliases=sorted(kept | (names - own)))
    _fill_blanks(keep, drop)
    drop.delete()
    _write(keep, "update", {"merged": ""}, {"merged": f"{drop_label} ({drop_slug})"}, keep._state.db)
    return plan


def _move_foreign_keys(rel: Any, keep: models.Model, drop: models.Model) -> None:
    related = rel.related_model
    name = rel.field.name
    rows = related._base_manager.filter(**{name: drop})
    if related is Alias:  # aliases are rebuilt from names below
        return
    for row in list(rows):
        try:
            with transaction.atomic():
                audited.update(related._base_manager.filter(pk=row.pk), **{name: keep})
        except IntegrityError:
            row.delete()  # the kept record already has this link (a unique constraint)


def _fill_blanks(keep: models.Model, drop: models.Model) -> None:
    """Fields the kept record leaves empty take the duplicate's value (a phone, an English name...)."""
    changed = []
    for f in type(keep)._meta.concrete_fields:
        if f.primary_key or f.name in ("slug", "search_key"):
            continue
        if isinstance(f, models.CharField | models.TextField | models.EmailField | models.URLField):
            if not getattr(keep, f.attname) and getattr(drop, f.attname):
                setattr(keep, f.attname, getattr(drop, f.attname))
                changed.append(f.name)
    if changed:
        if hasattr(keep, "refresh_search_key"):
            keep.refresh_search_key()
            changed.append("search_key")
        keep.save(update_fields=changed)


def find(kind: str, slug: str) -> Organisation | Person | Event | Agreement:
    model = MERGEABLE.get(kind)
    if model is None:
        raise ValidationError(_("Unknown kind of record."))
    record = model.objects.filter(slug=slug).first()
    if record is None:
        raise ValidationError(
            _("No %(kind)s with the reference “%(slug)s”.") % {"kind": model._meta.verbose_name, "slug": slug}
        )
    return record

"""Record every create, update and delete of the business records: models that declare
``audited = True`` (each app marks its own; the audit app names none of them, being below them all).

pre_save keeps the stored row's values; post_save and post_delete write an AuditEntry with the
changed fields only, on the same database connection and so in the same transaction as the
change: a rolled-back write leaves no entry. Bulk ``QuerySet.update`` and ``bulk_create`` send no
signals: services use ``innobridge.audit.bulk`` for them, which records each row the same way.
"""

from __future__ import annotations

import datetime
import decimal
import uuid

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from innobridge.audit.context import current_actor
from innobridge.audit.models import AuditEntry

# Derived or bookkeeping fields: changing them alone is not a change anyone asked about.
IGNORED_FIELDS = {"search_key", "last_updated", "created", "version"}  # version: see lib.concurrency
MAX_TEXT = 2000


def tracked_models() -> list[type[models.Model]]:
    """Every installed model that declares ``audited = True``, in app and model order."""
    return [model for model in apps.get_models() if is_tracked(model)]


def is_tracked(model: type[models.Model]) -> bool:
    return getattr(model, "audited", False) is True


def _json(value):
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dict | list):
        return value
    if hasattr(value, "name") and isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    text = str(value)
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "…"


def snapshot(instance: models.Model) -> dict:
    """The record's own columns as JSON values; foreign keys as the related row's key."""
    out = {}
    for field in instance._meta.concrete_fields:
        if field.primary_key or field.name in IGNORED_FIELDS or isinstance(field, models.BinaryField):
            continue
        name = field.name
        value = getattr(instance, field.attname) if field.is_relation else field.value_from_object(instance)
        out[name] = _json(value)
    return out


def _before(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    instance._audit_raw = raw  # fixtures and restores: their link changes are not recorded either
    if raw or instance._state.adding or instance.pk is None:
        instance._audit_before = None
        return
    stored = sender._base_manager.using(kwargs.get("using")).filter(pk=instance.pk).first()
    instance._audit_before = snapshot(stored) if stored is not None else None


def _write(instance, action: str, before: dict, after: dict, using: str | None) -> None:

    user, actor = current_actor()
    AuditEntry.objects.using(using).create(
        content_type=ContentType.objects.db_manager(using).get_for_model(type(instance)),
        object_pk=str(instance.pk),
        object_slug=str(getattr(instance, "slug", "") or getattr(instance, "reference", "") or "")[:100],
        label=str(instance)[:300],
        action=action,
        user=user,
        actor=actor[:150],
        before=before,
        after=after,
    )


def _saved(sender, instance, created, raw=False, using=None, **kwargs) -> None:
    if raw:
        return
    after = snapshot(instance)
    before = getattr(instance, "_audit_before", None)
    instance._audit_before = None
    if created or before is None:
        _write(instance, "create" if created else "update", {}, after, using)
        return
    changed = [name for name in after if before.get(name) != after[name]]
    if changed:
        _write(
            instance,
            "update",
            {n: before.get(n) for n in changed},
            {n: after[n] for n in changed},
            using,
        )


def _deleted(sender, instance, using=None, **kwargs) -> None:
    _write(instance, "delete", snapshot(instance), {}, using)


def _link_name(instance: models.Model, sender, reverse: bool) -> str | None:
    """The name under which ``instance`` sees the links of the through model ``sender``: its own
    many-to-many field, or (``reverse``) the accessor of one declared on the other model, as
    agreement.offers is declared on the offer (TechnologyOffer.agreements)."""
    if not reverse:
        field = next((f for f in instance._meta.many_to_many if f.remote_field.through is sender), None)
        return field.name if field else None
    rel = next(
        (r for r in instance._meta.related_objects if r.many_to_many and r.through is sender),
        None,
    )
    return rel.get_accessor_name() if rel else None


def _links_changed(sender, instance, action, reverse, using=None, **kwargs) -> None:
    """Sector, place and similar links of a tracked record: the linked keys before and after, recorded
    on the record whose links were changed, whichever side declares the field."""
    if getattr(instance, "_audit_raw", False) or not is_tracked(type(instance)):
        return
    name = _link_name(instance, sender, reverse)
    if name is None:
        return
    if action.startswith("pre_"):
        stored = getattr(instance, "_audit_links", {})
        stored.setdefault(name, sorted(getattr(instance, name).values_list("pk", flat=True)))
        instance._audit_links = stored
        return
    before = getattr(instance, "_audit_links", {}).pop(name, None)
    after = sorted(getattr(instance, name).values_list("pk", flat=True))
    if before is not None and before != after:
        _write(instance, "update", {name: before}, {name: after}, using)


def connect() -> None:
    throughs = set()
    for model in tracked_models():
        uid = f"audit-{model._meta.label_lower}"
        pre_save.connect(_before, sender=model, dispatch_uid=f"{uid}-pre")
        post_save.connect(_saved, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"{uid}-delete")
        throughs |= {f.remote_field.through for f in model._meta.many_to_many}
        throughs |= {r.through for r in model._meta.related_objects if r.many_to_many}
    for through in throughs:  # once per link table, whichever side (or both) is tracked
        m2m_changed.connect(_links_changed, sender=through, dispatch_uid=f"audit-links-{through._meta.label_lower}")

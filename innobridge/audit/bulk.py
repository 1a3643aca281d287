"""Audited versions of the bulk writes that send no model signals.

``QuerySet.update`` and ``bulk_create`` bypass ``post_save``, so services that use them for speed
call these instead: the same one statement (or one batch), plus one audit entry per affected row of
a tracked model, written in the caller's transaction. Deletes need no helper: ``QuerySet.delete``
sends ``post_delete`` per row whenever a receiver is connected, which the audit app always is.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models

from innobridge.audit.signals import _write, is_tracked, snapshot


def update(queryset: models.QuerySet, **values) -> int:
    """``queryset.update(**values)`` with the changed fields of every affected row recorded.

    A row with a ``version`` (lib.concurrency) gets it incremented, so an edit form opened before
    the bulk change is refused instead of writing back the old values.
    """
    model = queryset.model
    if any(f.name == "version" for f in model._meta.concrete_fields) and "version" not in values:
        values["version"] = models.F("version") + 1
    if not is_tracked(model):
        return queryset.update(**values)
    rows = list(queryset.order_by("pk"))
    if not rows:
        return 0
    before = {row.pk: snapshot(row) for row in rows}
    count = model._base_manager.filter(pk__in=before).update(**values)
    for row in model._base_manager.filter(pk__in=before).order_by("pk"):
        after = snapshot(row)
        old = before[row.pk]
        changed = [name for name in after if old.get(name) != after[name]]
        if changed:
            _write(row, "update", {n: old.get(n) for n in changed}, {n: after[n] for n in changed}, queryset.db)
    return count


def bulk_create(model: type[models.Model], objs: Iterable[models.Model], **kwargs) -> list[models.Model]:
    """``model.objects.bulk_create(objs)`` with a "create" entry per new row (both databases return keys)."""
    created = model._default_manager.bulk_create(list(objs), **kwargs)
    if is_tracked(model):
        for obj in created:
            if obj.pk is not None:
                _write(obj, "create", {}, snapshot(obj), obj._state.db)
    return created

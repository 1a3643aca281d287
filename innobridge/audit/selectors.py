"""Reads of the audit trail: a record's history, with the rows of its parts (agreement parties...)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.contrib.contenttypes.models import ContentType
from django.db.models import DecimalField, Model, Q, QuerySet
from django.utils import formats
from django.utils.translation import gettext as _

from innobridge.audit.models import AuditEntry
from innobridge.audit.signals import tracked_models

# Parts shown on their whole's history page: (part model label, field pointing to the whole).
PARTS = {
    "directory.organisation": [("directory.position", "organisation")],
    "directory.person": [("directory.position", "person")],
    "programmes.agreement": [("programmes.agreementparty", "agreement"), ("pipeline.milestone", "agreement")],
}


def tracked_content_type(label: str) -> ContentType | None:
    """The content type for "app_label.model" if it is audited, else None."""
    for model in tracked_models():
        if model._meta.label_lower == label.lower():
            return ContentType.objects.get_for_model(model)
    return None


def record_history(*, content_type: ContentType, slug: str) -> tuple[object | None, QuerySet[AuditEntry]]:
    """The live record (None once deleted) and its entries, newest first; found by slug, never by id."""
    model = content_type.model_class()
    key = "slug" if hasattr(model, "slug") else "reference" if hasattr(model, "reference") else None
    record = model._default_manager.filter(**{key: slug}).first() if key else None
    if record is None:
        keys = set(AuditEntry.objects.filter(content_type=content_type, object_slug=slug).values_list("object_pk"))
        pks = [k for (k,) in keys]
    else:
        pks = [str(record.pk)]
    condition = Q(content_type=content_type, object_pk__in=pks)
    for part_label, field in PARTS.get(f"{content_type.app_label}.{content_type.model}", []):
        part_ct = tracked_content_type(part_label)
        if part_ct is None or not pks:
            continue
        # Updates carry only the changed fields: find the parts by their creation/deletion and live rows.
        ids = [int(pk) for pk in pks]
        points_here = Q(**{f"after__{field}__in": ids}) | Q(**{f"before__{field}__in": ids})
        part_pks = set(AuditEntry.objects.filter(points_here, content_type=part_ct).values_list("object_pk", flat=True))
        live = part_ct.model_class()._default_manager.filter(**{f"{field}__in": ids}).values_list("pk", flat=True)
        part_pks |= {str(pk) for pk in live}
        condition |= Q(content_type=part_ct, object_pk__in=part_pks)
    entries = AuditEntry.objects.filter(condition).select_related("user", "content_type").order_by("-at", "-pk")
    return record, entries


def readable_changes(entries: Iterable[AuditEntry]) -> list[tuple[AuditEntry, list[tuple[str, object, object]]]]:
    """Each entry with its (field label, before, after) rows; related records by name, not by key."""
    names: dict[tuple[type, object], str] = {}

    def show(model: type[Model], field_name: str, value: object) -> tuple[str, object]:
        try:
            field = model._meta.get_field(field_name)
        except Exception:
            return field_name, value
        label = str(getattr(field, "verbose_name", "") or "")
        if not label and field.is_relation and field.related_model:  # a reverse relation: the other side's name
            label = str(field.related_model._meta.verbose_name_plural)
        label = label or field_name
        if value is None or not field.is_relation or not field.related_model:
            if getattr(field, "choices", None) and value is not None:
                value = dict(field.flatchoices).get(value, value)
            elif isinstance(value, bool):
                value = _("yes") if value else _("no")
            elif isinstance(field, DecimalField) and value is not None:
                try:
                    value = formats.number_format(Decimal(str(value)), field.decimal_places, force_grouping=True)
                except InvalidOperation:
                    pass
            return label, value
        values = value if isinstance(value, list) else [value]
        missing = [v for v in values if (field.related_model, v) not in names]
        if missing:
            found = {r.pk: str(r) for r in field.related_model._default_manager.filter(pk__in=missing)}
            for v in missing:
                names[(field.related_model, v)] = found.get(v, f"#{v}")
        shown = [names[(field.related_model, v)] for v in values]
        return label, ", ".join(shown) if isinstance(value, list) else shown[0]

    out: list[tuple[AuditEntry, list[tuple[str, object, object]]]] = []
    for entry in entries:
        model = entry.content_type.model_class()
        rows: list[tuple[str, object, object]] = []
        for name, before, after in entry.changes():
            label, shown_before = show(model, name, before) if model else (name, before)
            _label, shown_after = show(model, name, after) if model else (name, after)
            rows.append((label, shown_before, shown_after))
        out.append((entry, rows))
    return out

"""Provenance reads: which document spans support a record."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

from innobridge.documents.models import Evidence


def evidence_for(record) -> list[Evidence]:
    ct = ContentType.objects.get_for_model(type(record))
    return list(
        Evidence.objects.filter(content_type=ct, object_id=record.pk)
        .select_related("document")
        .order_by("document__published", "start")
    )

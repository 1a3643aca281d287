"""Keep the folded name keys of organisations, people and places current, whoever saves them."""

from __future__ import annotations

import re

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from innobridge.directory.models import Alias, NameKey, Organisation, Person, Place
from innocore.text import fold

KEYED = {Organisation: "organisation", Person: "person", Place: "place"}
KEY_LENGTH = NameKey._meta.get_field("key").max_length


def wanted_keys(obj) -> set[tuple[str, str]]:
    """(folded key, source) pairs of a record: its names, for an organisation its aliases, and the
    short forms without an administrative ending (山东 for 山東省, 山东省政府 for 山東省人民政府)."""
    keys = {(fold(n)[:KEY_LENGTH], NameKey.Source.NAME) for n in (obj.name_zh_hant, obj.name_zh_hans, obj.name_en) if n}
    if isinstance(obj, Organisation):
        keys |= {(fold(t)[:KEY_LENGTH], NameKey.Source.ALIAS) for t in obj.aliases.values_list("text", flat=True)}
    keys |= {(short_key(k), NameKey.Source.SHORT) for k, _s in keys if short_key(k) != k}
    return {(k, s) for k, s in keys if k}


# Endings that the same place or government is written with and without (folded, Simplified).
_ADMIN_END = re.compile(r"(?<=..)(特别行政区|自治区|省|市|区|县)$|\s+(province|city|district|county|sar)$")


def short_key(key: str) -> str:
    """A folded name without its administrative ending; 人民政府 written as 政府."""
    key = key.replace("人民政府", "政府")
    return _ADMIN_END.sub("", key).strip()


def refresh_keys(obj) -> None:
    model = KEYED[type(obj)]
    existing = {
        (k, s): pk
        for pk, k, s in NameKey.objects.filter(model=model, object_id=obj.pk).values_list("pk", "key", "source")
    }
    wanted = wanted_keys(obj)
    stale = [pk for ks, pk in existing.items() if ks not in wanted]
    if stale:
        NameKey.objects.filter(pk__in=stale).delete()
    NameKey.objects.bulk_create(
        [NameKey(model=model, object_id=obj.pk, key=k, source=s) for k, s in wanted if (k, s) not in existing]
    )


@receiver(post_save, sender=Organisation)
@receiver(post_save, sender=Person)
@receiver(post_save, sender=Place)
def _record_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_keys(instance)


@receiver(post_delete, sender=Organisation)
@receiver(post_delete, sender=Person)
@receiver(post_delete, sender=Place)
def _record_deleted(sender, instance, **kwargs):
    NameKey.objects.filter(model=KEYED[sender], object_id=instance.pk).delete()


@receiver(post_save, sender=Alias)
@receiver(post_delete, sender=Alias)
def _alias_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    org = Organisation.objects.filter(pk=instance.organisation_id).first()
    if org is not None:
        refresh_keys(org)

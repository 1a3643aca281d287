"""Writes to the directory. Views, the API and the demo loader all go through here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any, Unpack, cast

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from innobridge.accounts.permissions import is_staff
from innobridge.directory.models import Alias, KeyFigure, Organisation, PendingAlias, Person, Place, Position, Sector
from innobridge.lib.concurrency import FORM_FIELD, editing
from innobridge.lib.services import NameFields, atomic, reindex, save_named
from innocore.text import derive_variants, fold, tidy

NAME_FIELDS = ("name_zh_hant", "name_zh_hans", "name_en")


# The model fields each save service sets as given (keyword arguments; any subset).
class SectorFields(NameFields, total=False):
    parent: Sector | None
    position: int


class PlaceFields(NameFields, total=False):
    kind: str
    parent: Place | None
    description: str


class OrganisationFields(NameFields, total=False):
    kind: str
    parent: Organisation | None
    website: str
    description: str
    founded: int | None


class PersonFields(NameFields, total=False):
    email: str
    phone: str
    notes: str


def _assign(obj: Sector | Place | Organisation | Person, fields: Mapping[str, Any]) -> None:
    for key, value in fields.items():
        setattr(obj, key, value)
    # A name the user typed replaces a derived one.
    for script in ("zh_hant", "zh_hans"):
        if f"name_{script}" in fields and fields[f"name_{script}"]:
            setattr(obj, f"name_{script}_derived", False)


def sector_save(*, sector: Sector | None = None, **fields: Unpack[SectorFields]) -> Sector:
    sector = sector or Sector()
    _assign(sector, fields)
    return save_named(sector)


def place_save(*, place: Place | None = None, **fields: Unpack[PlaceFields]) -> Place:
    place = place or Place()
    _assign(place, fields)
    return save_named(place)


@atomic
def organisation_save(
    *,
    organisation: Organisation | None = None,
    sectors: Iterable[Sector] | None = None,
    places: Iterable[Place] | None = None,
    aliases: Sequence[str | tuple[str, str]] | None = None,
    requested_by: User | None = None,
    **fields: Unpack[OrganisationFields],
) -> Organisation:
    """Create or update an organisation with its sectors, places and aliases.

    ``aliases`` replaces the existing set; each item is a text or a (text, kind) pair.
    """
    org = organisation or Organisation()
    _assign(org, fields)
    save_named(org)
    if sectors is not None:
        org.sectors.set(sectors)
    if places is not None:
        org.places.set(places)
    if aliases is not None:
        organisation_set_aliases(organisation=org, aliases=aliases, requested_by=requested_by)
    return org


def organisation_set_aliases(
    *, organisation: Organisation, aliases: Sequence[str | tuple[str, str]], requested_by: User | None = None
) -> list[PendingAlias]:
    """Replace an organisation's aliases; a new one that names another organisation waits for staff.

    Staff and system writes (``requested_by`` staff or None) take effect at once. A member's new
    alias that is a name or alias of another organisation (compared folded, in any script, also
    as part of a longer name) is stored as a PendingAlias instead, which resolution and search
    ignore, so nobody can take over another organisation's name. Returns the aliases left pending.
    """

    wanted: dict[str, str] = {}
    for item in aliases:
        # cast: a TextChoices member is a str; mypy, without Django's types, takes it for a (value, label) tuple.
        text, kind = (item, cast(str, Alias.Kind.SHORT)) if isinstance(item, str) else item
        text = tidy(text)
        if text and text not in wanted:
            wanted[text] = kind
    organisation.aliases.exclude(text__in=wanted).delete()
    reviewed = requested_by is not None and not is_staff(requested_by)
    existing = set(organisation.aliases.values_list("text", flat=True))
    pending = []
    for text, kind in wanted.items():
        claimed = alias_claims(organisation=organisation, text=text) if reviewed and text not in existing else None
        if claimed is None:
            Alias.objects.update_or_create(organisation=organisation, text=text, defaults={"kind": kind})
            continue
        held, _created = PendingAlias.objects.get_or_create(
            organisation=organisation,
            text=text,
            status=PendingAlias.Status.PENDING,
            defaults={"kind": kind, "claims": claimed, "requested_by": requested_by},
        )
        pending.append(held)
    reindex(organisation)
    return pending


def alias_claims(*, organisation: Organisation, text: str) -> Organisation | None:
    """Another organisation whose names or aliases contain ``text`` (folded), if any."""
    key = fold(text)
    if len(key) < 2:
        return None
    return Organisation.objects.exclude(pk=organisation.pk).filter(search_key__contains=key).order_by("pk").first()


@atomic
def pending_alias_decide(*, pending: PendingAlias, approve: bool, user: User) -> PendingAlias:
    """Staff approve (the alias takes effect) or reject an alias that names another organisation."""
    pending = PendingAlias.objects.select_for_update().get(pk=pending.pk)
    if pending.status != PendingAlias.Status.PENDING:
        raise ValidationError(_("This alias has been decided already."))
    if approve:
        Alias.objects.update_or_create(
            organisation=pending.organisation, text=pending.text, defaults={"kind": pending.kind}
        )
        reindex(pending.organisation)
        pending.delete()
        return pending
    pending.status = PendingAlias.Status.REJECTED
    pending.decided_by = user
    pending.decided_at = timezone.now()
    pending.save()
    return pending


def organisation_set_figure(
    *, organisation: Organisation, kind: str, value: int, at_least: bool = False, as_of: date | None = None
) -> KeyFigure:
    figure, _ = KeyFigure.objects.update_or_create(
        organisation=organisation, kind=kind, defaults={"value": value, "at_least": at_least, "as_of": as_of}
    )
    figure.full_clean()
    return figure


def person_save(*, person: Person | None = None, **fields: Unpack[PersonFields]) -> Person:
    person = person or Person()
    _assign(person, fields)
    return save_named(person)


def position_save(
    *,
    person: Person,
    organisation: Organisation,
    title_zh_hant: str = "",
    title_zh_hans: str = "",
    title_en: str = "",
    start: date | None = None,
    end: date | None = None,
) -> Position:
    """Record a person's title at an organisation; the same title there is updated, not duplicated."""
    v = derive_variants(zh_hant=title_zh_hant, zh_hans=title_zh_hans, en=title_en)
    existing = Position.objects.filter(person=person, organisation=organisation)
    match = next(
        (p for p in existing if (v.zh_hans and p.title_zh_hans == v.zh_hans) or (v.en and p.title_en == v.en)),
        None,
    )
    position = match or Position(person=person, organisation=organisation)
    position.title_zh_hant, position.title_zh_hans, position.title_en = v.zh_hant, v.zh_hans, v.en
    position.start, position.end = start, end
    position.full_clean()
    position.save()
    return position


def english_name_set(
    *, record: Organisation | Person | Place, name_en: str, seen_version: int | None = None
) -> Organisation | Person | Place:
    """Give ``record`` its English name (from the staff list of records lacking one).

    ``seen_version`` is the version the list was showing for an organisation or a person: if someone
    saved the record since, nothing is written and ``EditConflict`` says so (places have no version).
    """
    name_en = " ".join(name_en.split())
    if not name_en:
        raise ValidationError(_("Type the English name."))
    if isinstance(record, Place):
        return place_save(place=record, name_en=name_en)
    with editing(record, {FORM_FIELD: seen_version}):
        if isinstance(record, Organisation):
            return organisation_save(organisation=record, name_en=name_en)
        return person_save(person=record, name_en=name_en)

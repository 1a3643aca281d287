"""Ingestion: store a document and its proposals; apply the accepted ones in one transaction."""

from __future__ import annotations

import secrets
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from innobridge.directory import services as directory
from innobridge.directory.models import Organisation, Person, Place
from innobridge.documents.models import Evidence, Proposal, SourceDocument
from innobridge.documents.resolution import MODEL_OF, resolve
from innocore.ingest.pipeline import analyse
from innocore.text import detect_script

KIND_OF_FIELD = {
    "organizations": Proposal.Kind.ORGANISATION,
    "people": Proposal.Kind.PERSON,
    "places": Proposal.Kind.PLACE,
    "events": Proposal.Kind.EVENT,
    "agreements": Proposal.Kind.AGREEMENT,
    "contacts": Proposal.Kind.CONTACT,
}
PLACE_KINDS = {k.value for k in Place.Kind}


@transaction.atomic
def document_ingest_later(*, uploads, user=None):
    """Store several uploads and read them in a background job; returns the job.

    File names are reduced to their last component and made unique, so a crafted name cannot
    escape the job's folder or overwrite another upload.
    """
    import uuid

    from innobridge.documents.jobs import incoming_dir
    from innobridge.jobs.services import job_enqueue

    key = uuid.uuid4().hex
    folder = incoming_dir(key)
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for n, upload in enumerate(uploads):
        base = Path(upload.name or "upload").name.replace("\x00", "") or "upload"
        name = base if base not in names else f"{n}-{base}"
        with (folder / name).open("wb") as fh:
            for chunk in upload.chunks():
                fh.write(chunk)
        names.append(name)
    return job_enqueue(kind="documents.ingest_batch", arguments={"folder": key, "files": names}, user=user)


def document_ingest(*, data: bytes, filename: str, limit: int, user=None) -> tuple[SourceDocument, bool]:
    """Read and analyse a file; store it with its proposals. The same bytes twice create nothing new.

    Raises ``DocumentError`` (nothing written) when the file cannot be read.
    """
    result = analyse(data, filename, limit=limit)
    existing = SourceDocument.objects.filter(content_hash=result["sha256"]).first()
    if existing:
        return existing, False
    previous = SourceDocument.objects.filter(title=result["title"]).order_by("-created").first()
    document = SourceDocument(
        slug=f"doc-{secrets.token_hex(5)}",
        title=result["title"][:500] or filename,
        language=result["language"],
        published=result["published"],
        content_hash=result["sha256"],
        text=result["text"],
        filename=filename[:255],
        format=result["format"],
        encoding=result["encoding"] or "",
        previous_version=previous,
        uploaded_by=user,
    )
    document.file.save(f"{document.slug}-{_safe_name(filename)}", ContentFile(data), save=False)
    document.full_clean()
    document.save()
    proposals = []
    contacts = {(c["name"], tuple(c["evidence"])) for c in result["contacts"]}
    for field, kind in KIND_OF_FIELD.items():
        for i, item in enumerate(result[field]):
            if field == "people" and (item["name"], tuple(item["evidence"])) in contacts:
                continue  # a media contact is also listed as a person; its contact proposal stands for both
            start, end = item["evidence"]
            match, candidates = ("new", [])
            model = MODEL_OF.get(kind)
            if model is not None:
                match, candidates = resolve(model, item["name"])
            proposals.append(
                Proposal(
                    document=document,
                    kind=kind,
                    position=i,
                    data=_clean_item(item),
                    start=start,
                    end=end,
                    match=match,
                    candidates=candidates,
                    target_slug=candidates[0]["slug"] if match in ("exact", "alias", "variant") else "",
                )
            )
    for i, name in enumerate(result["delegation_members"]):
        start = result["text"].find(name)
        match, candidates = resolve(Organisation, name)
        proposals.append(
            Proposal(
                document=document,
                kind=Proposal.Kind.MEMBER,
                position=i,
                data={"name": name},
                start=max(start, 0),
                end=max(start, 0) + len(name),
                match=match,
                candidates=candidates,
                target_slug=candidates[0]["slug"] if match in ("exact", "alias", "variant") else "",
            )
        )
    Proposal.objects.bulk_create(proposals)
    return document, True


def _safe_name(filename: str) -> str:
    """A file name that cannot escape the upload folder or carry markup."""
    base = filename.replace("\\", "/").split("/")[-1]
    cleaned = "".join(c if c.isalnum() or c in "._-" else "_" for c in base)[:80].lstrip(".")
    return cleaned or "upload"


def _clean_item(item: dict) -> dict:
    return {k: v for k, v in item.items() if k != "evidence"}


def proposal_decide(*, proposal: Proposal, decision: str, target_slug: str = "", data: dict | None = None) -> Proposal:
    if proposal.document.committed:
        raise ValidationError(_("This document has already been committed."))
    if decision not in Proposal.Decision.values:
        raise ValidationError(_("Unknown decision."))
    if decision == Proposal.Decision.MERGED:
        model = MODEL_OF.get(proposal.kind)
        if model is None or not model.objects.filter(slug=target_slug).exists():
            raise ValidationError(_("Choose an existing record to merge into."))
        proposal.target_slug = target_slug
    if data:
        proposal.data = {**proposal.data, **{k: v for k, v in data.items() if k in proposal.data}}
    proposal.decision = decision
    proposal.save()
    return proposal


def _script_field(prefix: str, value: str) -> dict:
    """{prefix_zh_hant: value} / {prefix_zh_hans: ...} / {prefix_en: ...} by the script the value is in."""
    script = detect_script(value)
    suffix = "zh_hant" if script == "zh-Hant" else "zh_hans" if script in ("zh-Hans", "zh") else "en"
    return {f"{prefix}_{suffix}": value}


def _name_fields(name: str) -> dict:
    return _script_field("name", name)


def _evidence(document: SourceDocument, record, proposal: Proposal, field: str = "") -> Evidence:
    return Evidence(
        document=document,
        content_type=ContentType.objects.get_for_model(type(record)),
        object_id=record.pk,
        field=field,
        start=proposal.start,
        end=proposal.end,
    )


@transaction.atomic
def document_commit(*, document: SourceDocument, programme=None) -> dict:
    """Apply every accepted or merged proposal of ``document``: all of them, or nothing on any error.

    Events and agreements need the programme they belong to; without one they are refused.
    """
    if document.committed:
        raise ValidationError(_("This document has already been committed."))
    proposals = list(document.proposals.exclude(decision__in=[Proposal.Decision.PENDING, Proposal.Decision.REJECTED]))
    counts = {"created": 0, "updated": 0}
    evidence: list[Evidence] = []
    orgs_by_name: dict[str, Organisation] = {}
    for p in [p for p in proposals if p.kind in ("organisation", "member")]:
        org = _apply_organisation(p, counts)
        orgs_by_name[p.data["name"]] = org
        for alias in p.data.get("aliases", []):
            orgs_by_name[alias] = org
        evidence.append(_evidence(document, org, p, "delegation member" if p.kind == "member" else ""))
    for p in [p for p in proposals if p.kind == "organisation" and p.data.get("parent")]:
        parent = (
            orgs_by_name.get(p.data["parent"])
            or Organisation.objects.filter(
                slug=(resolve(Organisation, p.data["parent"])[1] or [{"slug": ""}])[0]["slug"]
            ).first()
        )
        child = orgs_by_name[p.data["name"]]
        if parent and parent != child and child.parent_id != parent.pk:
            child.parent = parent
            child.save(update_fields=["parent", "last_updated"])
    for p in [p for p in proposals if p.kind == "place"]:
        place = _apply_simple(
            p, Place, counts, kind=p.data.get("kind") if p.data.get("kind") in PLACE_KINDS else Place.Kind.SITE
        )
        evidence.append(_evidence(document, place, p))
    for p in [p for p in proposals if p.kind in ("person", "contact")]:
        person = _apply_simple(p, Person, counts)
        org_name = p.data.get("organization")
        org = orgs_by_name.get(org_name) if org_name else None
        if p.kind == "contact":
            fields = [f for f in ("email", "phone") if p.data.get(f) and not getattr(person, f)]
            for f in fields:
                setattr(person, f, p.data[f][:80])
            if fields:
                person.save(update_fields=[*fields, "last_updated"])
        if org and p.data.get("title"):
            directory.position_save(person=person, organisation=org, **_title_fields(p.data["title"]))
        evidence.append(_evidence(document, person, p))
    events = [p for p in proposals if p.kind in ("event", "agreement")]
    if events and programme is None:
        raise ValidationError(_("Choose the programme that the accepted events and agreements belong to."))
    signing_event = None
    for p in [p for p in proposals if p.kind == "event"]:
        event = _apply_event(p, document, programme, orgs_by_name, counts)
        if event is not None:
            evidence.append(_evidence(document, event, p))
            if event.kind == "signing":
                signing_event = event
    for p in [p for p in proposals if p.kind == "agreement"]:
        agreement = _apply_agreement(p, document, programme, orgs_by_name, signing_event, counts)
        evidence.append(_evidence(document, agreement, p))
    Evidence.objects.bulk_create(evidence)
    document.committed = timezone.now()
    document.save(update_fields=["committed", "last_updated"])
    return counts


def _title_fields(title: str) -> dict:
    return _script_field("title", title)


def _apply_organisation(p: Proposal, counts: dict) -> Organisation:
    if p.target_slug:
        org = Organisation.objects.get(slug=p.target_slug)
        new_aliases = [a for a in p.data.get("aliases", []) if a not in {x.text for x in org.aliases.all()}]
        if new_aliases:
            directory.organisation_set_aliases(
                organisation=org, aliases=[a.text for a in org.aliases.all()] + new_aliases
            )
            counts["updated"] += 1
        return org
    counts["created"] += 1
    kind = p.data.get("kind") if p.data.get("kind") in Organisation.Kind.values else Organisation.Kind.ENTERPRISE
    return directory.organisation_save(kind=kind, aliases=p.data.get("aliases", []), **_name_fields(p.data["name"]))


def _apply_simple(p: Proposal, model, counts: dict, **extra):
    if p.target_slug:
        return model.objects.get(slug=p.target_slug)
    counts["created"] += 1
    if model is Person:
        return directory.person_save(**_name_fields(p.data["name"]))
    return directory.place_save(**_name_fields(p.data["name"]), **extra)


def _day(value: str | None, fallback) -> tuple:
    """(date, approximate) from 'YYYY-MM-DD', 'YYYY-MM' or nothing (the document's date, approximate)."""
    from datetime import date

    if value and len(value) == 10:
        return date.fromisoformat(value), False
    if value and len(value) == 7:
        return date.fromisoformat(value + "-01"), True
    return fallback, True


def _org_for(name: str, orgs_by_name: dict):
    if name in orgs_by_name:
        return orgs_by_name[name]
    match, candidates = resolve(Organisation, name)
    return Organisation.objects.filter(slug=candidates[0]["slug"]).first() if match != "new" and candidates else None


EVENT_KINDS = {
    "meeting": "meeting",
    "site_visit": "site_visit",
    "signing": "signing",
    "launch": "launch",
    "matchmaking": "matchmaking",
    "visit": "meeting",
}


def _apply_event(p: Proposal, document: SourceDocument, programme, orgs_by_name: dict, counts: dict):
    from innobridge.programmes import services as programmes

    day, approximate = _day(p.data.get("date"), document.published)
    if day is None:
        raise ValidationError(_("An accepted event has no date and the document has none either."))
    place = None
    for name in p.data.get("places", []):
        match, candidates = resolve(Place, name)
        if match != "new" and candidates:
            place = Place.objects.get(slug=candidates[0]["slug"])
            break
    participants = []
    for name in p.data.get("participants", []):
        org = _org_for(name, orgs_by_name)
        if org and org.pk not in {o.pk for o, _p, _r in participants}:
            participants.append((org, None, "participant"))
    kind = EVENT_KINDS.get(p.data.get("kind"), "meeting")
    quote = document.text[p.start : p.end].strip()
    counts["created"] += 1
    return programmes.event_save(
        programme=programme,
        kind=kind,
        date=day,
        date_approximate=approximate,
        place=place,
        description=quote,
        participants=participants,
        **_name_fields(quote[:120]),
    )


def _apply_agreement(p: Proposal, document, programme, orgs_by_name, signing_event, counts):
    from innobridge.programmes import services as programmes

    parties = []
    for name in p.data.get("parties", []):
        org = _org_for(name, orgs_by_name)
        if org and org.pk not in {o.pk for o, _r, _s in parties}:
            parties.append((org, "party", None))
    if len(parties) < 2:
        raise ValidationError(_("Accept or merge at least two parties of an agreement before committing it."))
    witnesses = [
        Person.objects.filter(name_zh_hant=n).first()
        or Person.objects.filter(name_zh_hans=n).first()
        or Person.objects.filter(name_en=n).first()
        for n in p.data.get("witnesses", [])
    ]
    day, approximate = _day(p.data.get("date"), document.published)
    kind = p.data.get("kind") if p.data.get("kind") in ("mou", "cooperation", "framework", "licence") else "cooperation"
    title = document.text[p.start : p.end].strip()[:120]
    counts["created"] += 1
    return programmes.agreement_save(
        programme=programme,
        kind=kind,
        signed_on=day,
        signed_on_approximate=approximate,
        signing_event=signing_event,
        parties=parties,
        witnesses=[w for w in witnesses if w],
        scope=document.text[p.start : p.end],
        **_name_fields(title),
    )

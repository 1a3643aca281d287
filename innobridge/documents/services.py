"""Ingestion: store a document and its proposals; apply the accepted ones in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import cast

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from innobridge.directory.models import Alias, Organisation, Person, Place
from innobridge.directory.resolution import MODEL_OF, resolve
from innobridge.documents.models import Proposal, SourceDocument
from innobridge.jobs.models import Job
from innobridge.jobs.services import job_enqueue
from innobridge.lib.services import atomic
from innobridge.programmes.models import Agreement, Delegation, Event
from innobridge.programmes.resolution import When, match_agreement, match_delegation, match_event
from innocore.ingest.pipeline import analyse

# TextChoices members are str; mypy, without Django's types, takes them for (value, label) tuples:
# hence the casts to str here and below.
KIND_OF_FIELD = cast(
    dict[str, str],
    {
        "organizations": Proposal.Kind.ORGANISATION,
        "people": Proposal.Kind.PERSON,
        "places": Proposal.Kind.PLACE,
        "events": Proposal.Kind.EVENT,
        "agreements": Proposal.Kind.AGREEMENT,
        "contacts": Proposal.Kind.CONTACT,
    },
)
PLACE_KINDS = set(Place.Kind.values)


@atomic
def incoming_dir(key: str) -> Path:
    """Where a batch upload's files wait for their background job (``documents.ingest_batch``)."""
    return Path(settings.MEDIA_ROOT) / "incoming" / key


def document_ingest_later(*, uploads: Iterable[UploadedFile], user: User | None = None) -> Job:
    """Store several uploads and read them in a background job; returns the job.

    File names are reduced to their last component and made unique, so a crafted name cannot
    escape the job's folder or overwrite another upload.
    """
    import uuid

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


EVENT_KINDS = {
    "meeting": "meeting",
    "site_visit": "site_visit",
    "signing": "signing",
    "launch": "launch",
    "matchmaking": "matchmaking",
    "seminar": "seminar",
    "visit": "meeting",
}
KIND_OF_RECORD: dict[str, type[Event] | type[Agreement] | type[Delegation]] = {
    "event": Event,
    "agreement": Agreement,
    "delegation": Delegation,
}


def document_ingest(*, data: bytes, filename: str, limit: int, user: User | None = None) -> tuple[SourceDocument, bool]:
    """Read and analyse a file; store it with its proposals. The same bytes twice create nothing new.

    All or nothing: raises ``DocumentError`` (nothing written) when the file cannot be read, and any
    later failure leaves neither a document row, nor proposals, nor a stored file behind, so the
    same upload can simply be tried again.
    """
    result = analyse(data, filename, limit=limit, known=known_names())
    existing = SourceDocument.objects.filter(content_hash=result["sha256"]).first()
    if existing:
        return existing, False
    stored: list[str] = []
    try:
        with transaction.atomic():
            document = _store(result, data, filename, user, stored)
            Proposal.objects.bulk_create(_proposals(document, result))
    except Exception:
        for name in stored:
            SourceDocument._meta.get_field("file").storage.delete(name)
        raise
    return document, True


def _store(result: dict, data: bytes, filename: str, user: User | None, stored: list[str]) -> SourceDocument:
    previous = (
        SourceDocument.objects.filter(title=result["title"]).order_by("-created").first() if result["title"] else None
    )
    document = SourceDocument(
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
    document.ensure_slug()
    document.file.save(f"{document.slug}-{_safe_name(filename)}", ContentFile(data), save=False)
    stored.append(document.file.name)
    document.full_clean()
    document.save()
    return document


def _proposals(document: SourceDocument, result: dict) -> list[Proposal]:
    """One proposal per extracted fact, each matched against the directory and the programmes."""
    proposals = []
    contacts = {(c["name"], tuple(c["evidence"])) for c in result["contacts"]}
    orgs: dict[str, Organisation | None] = {}

    def org_named(name: str) -> Organisation | None:
        if name not in orgs:
            match, candidates = resolve(Organisation, name)
            found = candidates[0]["slug"] if match in SURE and candidates else None
            orgs[name] = Organisation.objects.filter(slug=found).first() if found else None
            if orgs[name] is None:  # a short form declared in this document ("科技園公司")
                full = next((o["name"] for o in result["organizations"] if name in o.get("aliases", [])), None)
                orgs[name] = org_named(full) if full and full != name else None
        return orgs[name]

    for field, kind in KIND_OF_FIELD.items():
        for i, item in enumerate(result[field]):
            if field == "people" and (item["name"], tuple(item["evidence"])) in contacts:
                continue  # a media contact is also listed as a person; its contact proposal stands for both
            start, end = item["evidence"]
            if kind in (Proposal.Kind.EVENT, Proposal.Kind.AGREEMENT):
                match, candidates = _match_activity(kind, item, document, org_named)
            elif kind in MODEL_OF:
                context = org_named(item["organization"]) if item.get("organization") else None
                match, candidates = resolve(MODEL_OF[kind], item["name"], organisation=context)
            else:
                match, candidates = "new", []
            proposals.append(
                Proposal(
                    document=document,
                    kind=kind,
                    position=i,
                    data=_clean_item(item),
                    extracted=_clean_item(item),
                    start=start,
                    end=end,
                    match=match,
                    candidates=candidates,
                    target_slug=candidates[0]["slug"] if match in (*SURE, "existing") else "",
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
                extracted={"name": name},
                start=max(start, 0),
                end=max(start, 0) + len(name),
                match=match,
                candidates=candidates,
                target_slug=candidates[0]["slug"] if match in SURE else "",
            )
        )
    return proposals


def _match_activity(
    kind: str, item: dict, document: SourceDocument, org_named: Callable[[str], Organisation | None]
) -> tuple[str, list[dict]]:
    """Events and agreements already on record that this one reports again (``existing``), or ``new``."""
    when = When.parse(item.get("date"), document.published)
    if kind == Proposal.Kind.AGREEMENT:
        parties = [org_named(n) for n in item.get("parties", [])]
        matches = match_agreement(when=when, parties=[o for o in parties if o], kind=item.get("kind", ""))
    else:
        names = item.get("participants", []) + item.get("parties", [])
        orgs = [o for o in (org_named(n) for n in names) if o]
        orgs += _organisations_of_people([n for n in names if org_named(n) is None])
        places = [_place_named(n) for n in item.get("places", [])]
        if item.get("kind") == "visit":
            matches = match_delegation(when=when, orgs=orgs, places=places)
        else:
            kind = EVENT_KINDS.get(item.get("kind", ""), "meeting")
            matches = match_event(kind=kind, when=when, orgs=orgs, places=places)
    candidates = [m.candidate() for m in matches[:5]]
    return ("existing", candidates) if candidates else ("new", [])


def _organisations_of_people(names: list[str]) -> list[Organisation]:
    """The organisations the named people (found in the directory) hold a position at:
    "山东省省长周乃翔会见…" names the provincial government through its governor."""
    people = [p for p in (_person_for(n) for n in names) if p]
    if not people:
        return []
    return list(Organisation.objects.filter(positions__person__in=people).distinct())


def _place_named(name: str) -> Place | None:
    match, candidates = resolve(Place, name)
    return Place.objects.filter(slug=candidates[0]["slug"]).first() if match in SURE and candidates else None


def known_names() -> dict:
    """What reviewers taught the extractor: names accepted into the directory, strings they rejected.

    Passed to the extractor on every ingestion, so an alias accepted today is recognised with its
    exact boundaries tomorrow and a rejected fragment is not proposed again, without a code change.
    Bounded: the most recently changed names only, so a large directory does not slow every upload.
    """

    orgs = list(
        Organisation.objects.order_by("-last_updated").values_list(
            "pk", "name_zh_hant", "name_zh_hans", "name_en", "kind"
        )[:KNOWN_LIMIT]
    )
    aliases: dict[int, list[str]] = {}
    for org_id, text in Alias.objects.filter(organisation_id__in=[o[0] for o in orgs]).values_list(
        "organisation_id", "text"
    ):
        aliases.setdefault(org_id, []).append(text)
    organisations = [
        {"name": name, "aliases": aliases.get(pk, []), "kind": kind}
        for pk, hant, hans, en, kind in orgs
        for name in dict.fromkeys(n for n in (hant, hans, en) if n)
    ]
    people = [
        {"name": name}
        for row in Person.objects.order_by("-last_updated").values_list("name_zh_hant", "name_zh_hans", "name_en")[
            :KNOWN_LIMIT
        ]
        for name in dict.fromkeys(n for n in row if n)
    ]
    places = [
        {"name": name, "kind": kind}
        for *names, kind in Place.objects.values_list("name_zh_hant", "name_zh_hans", "name_en", "kind")[:KNOWN_LIMIT]
        for name in dict.fromkeys(n for n in names if n)
    ]
    rejected = sorted(
        {
            (p.data or {}).get("name", "")
            for p in Proposal.objects.filter(
                decision=Proposal.Decision.REJECTED,
                kind__in=[Proposal.Kind.ORGANISATION, Proposal.Kind.PERSON, Proposal.Kind.PLACE],
            ).order_by("-pk")[:KNOWN_LIMIT]
        }
        - {""}
    )
    return {"organizations": organisations, "people": people, "places": places, "rejected": rejected}


KNOWN_LIMIT = 5000
SURE = ("exact", "alias", "variant")


def _safe_name(filename: str) -> str:
    """A file name that cannot escape the upload folder or carry markup."""
    base = filename.replace("\\", "/").split("/")[-1]
    cleaned = "".join(c if c.isalnum() or c in "._-" else "_" for c in base)[:80].lstrip(".")
    return cleaned or "upload"


def _clean_item(item: dict) -> dict:
    return {k: v for k, v in item.items() if k != "evidence"}


def proposal_decide(*, proposal: Proposal, decision: str, target_slug: str = "", data: dict | None = None) -> Proposal:
    """One reviewer decision. Merging needs an existing record among the proposal's candidates
    (or, for a name, any directory record of that kind); ``data`` may add what the text lacks."""
    if proposal.document.committed:
        raise ValidationError(_("This document has already been committed."))
    if decision not in Proposal.Decision.values:
        raise ValidationError(_("Unknown decision."))
    if decision == Proposal.Decision.MERGED:
        target_slug = target_slug or proposal.target_slug
        if not _mergeable(proposal, target_slug):
            raise ValidationError(_("Choose an existing record to merge into."))
        proposal.target_slug = target_slug
    elif decision == Proposal.Decision.ACCEPTED and proposal.kind in (Proposal.Kind.EVENT, Proposal.Kind.AGREEMENT):
        proposal.target_slug = ""  # accepted as new: it is not an update of a recorded activity
    if data:
        proposal.data = {**proposal.data, **data}
    proposal.decision = decision
    proposal.save()
    return proposal


def _mergeable(proposal: Proposal, slug: str) -> bool:
    if not slug:
        return False
    if proposal.kind in (Proposal.Kind.EVENT, Proposal.Kind.AGREEMENT):
        return any(c.get("slug") == slug for c in proposal.candidates)
    model = MODEL_OF.get(proposal.kind)
    return model is not None and model.objects.filter(slug=slug).exists()


def checked_day(value: str) -> str:
    """A reviewer-typed date as YYYY-MM-DD or YYYY-MM, or a clear error."""
    from datetime import date

    try:
        date.fromisoformat(value if len(value) == 10 else value + "-01")
    except ValueError:
        raise ValidationError(
            _("“%(value)s” is not a date: write it as 2024-03-12 or 2024-03.") % {"value": value}
        ) from None
    return value


ACCEPT_POLICIES = ("all", "confident", "matched", "new", "none")


@atomic
def document_accept(*, document: SourceDocument, policy: str) -> dict:
    """Decide the pending proposals of ``document`` in bulk; returns how many got each decision.

    ``matched``: merge every proposal that matches an existing record (same name in any script,
    an alias, or the same event or agreement already on record). ``new``: accept every proposal
    that matches nothing. ``confident``: both. ``all``: both, and names with only a fuzzy
    look-alike in the directory become new records too. ``none``: leave everything to review.
    New events the text gives no date for, and agreements without two known parties, stay pending:
    a person must supply what the text does not say.
    """
    if policy not in ACCEPT_POLICIES:
        raise ValidationError(_("Unknown way of accepting: %(policy)s.") % {"policy": policy})
    if document.committed:
        raise ValidationError(_("This document has already been committed."))
    pending = list(document.proposals.filter(decision=Proposal.Decision.PENDING))
    merge = policy in ("all", "confident", "matched")
    create = {"all": ("new", "fuzzy"), "confident": ("new",), "new": ("new",)}.get(policy, ())
    decided = {"merged": 0, "accepted": 0, "pending": 0}
    for p in pending:
        if merge and p.target_slug:
            p.decision = Proposal.Decision.MERGED
        elif p.match in create and not p.target_slug:
            p.decision = Proposal.Decision.ACCEPTED
    known = _names_after(pending)
    for p in pending:
        if p.decision != Proposal.Decision.ACCEPTED:
            continue
        if p.kind == Proposal.Kind.EVENT and not (
            p.data.get("date") and (p.data.get("participants") or p.data.get("parties"))
        ):
            p.decision = Proposal.Decision.PENDING  # a person must say when it was, or who took part
        elif p.kind == Proposal.Kind.AGREEMENT and len([n for n in p.data.get("parties", []) if n in known]) < 2:
            p.decision = Proposal.Decision.PENDING
    for p in pending:
        decided[{"merged": "merged", "accepted": "accepted"}.get(p.decision, "pending")] += 1
    Proposal.objects.bulk_update(pending, ["decision"])
    return decided


def _names_after(proposals: list[Proposal]) -> set[str]:
    """Organisation names (and declared short forms) that a commit of these decisions will know."""
    known = set()
    for p in proposals:
        if p.kind in (Proposal.Kind.ORGANISATION, Proposal.Kind.MEMBER) and p.decision != Proposal.Decision.PENDING:
            known |= {p.data["name"], *p.data.get("aliases", [])}
    for p in proposals:
        if p.kind == Proposal.Kind.AGREEMENT:
            known |= {n for n in p.data.get("parties", []) if n not in known and _org_for(n, {})}
    return known


def _org_for(name: str, orgs_by_name: Mapping[str, Organisation]) -> Organisation | None:
    if name in orgs_by_name:
        return orgs_by_name[name]
    match, candidates = resolve(Organisation, name)
    return Organisation.objects.filter(slug=candidates[0]["slug"]).first() if match in SURE and candidates else None


def _person_for(name: str) -> Person | None:
    match, candidates = resolve(Person, name)
    return Person.objects.filter(slug=candidates[0]["slug"]).first() if match in SURE and candidates else None

"""Loads the demo programme from JSON fixtures of facts, idempotently.

Records are matched by slug, so running the loader again updates what is there and
creates nothing twice. When the source press release is available, the facts are
linked to the spans of it they come from (provenance).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from importlib import import_module
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from innobridge.directory import services as directory
from innobridge.directory.models import Organisation, Person, Place, Sector
from innobridge.documents.merge import records_merge
from innobridge.documents.models import Evidence, SourceDocument
from innobridge.lib.services import NameFields
from innobridge.matching import services as matching
from innobridge.matching.models import TechnologyNeed, TechnologyOffer
from innobridge.matching.services import add_one_year
from innobridge.programmes import services as programmes
from innobridge.programmes.models import Agreement, Delegation, Event, Programme

DATA_DIR = Path(__file__).resolve().parent / "data"
FIXTURES = ["seed_shandong.json", "directory_extra.json", "matching.json"]
EXTENSIONS = ["innobridge.meetings.demo", "innobridge.pipeline.demo", "innobridge.matching.demo"]
# Slugs an earlier demo used for a record that another slug also described: a database loaded
# before the fix gets the duplicate merged into the kept record (links move, nothing dangles).
RETIRED = {"cas-hkisi-cair": "cas-cair"}


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _names(item: dict) -> NameFields:
    return {
        "name_zh_hant": item.get("name_zh_hant", ""),
        "name_zh_hans": item.get("name_zh_hans", ""),
        "name_en": item.get("name_en", ""),
    }


# Demo offers were written on this day; their ages are kept relative to it so that a demo
# loaded a year later still has live (unexpired) offers.
DEMO_WRITTEN_ON = date(2026, 11, 25)


def _demo_dates(published: str | None) -> dict:
    from django.utils import timezone

    if not published:
        return {}
    day = timezone.localdate() - (DEMO_WRITTEN_ON - date.fromisoformat(published))
    return {"published_on": day, "expires_on": add_one_year(day)}


@dataclass
class LoadReport:
    counts: dict[str, int] = field(default_factory=dict)
    evidence: int = 0
    document: str | None = None

    def add(self, kind: str, n: int = 1) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + n


class _Loader:
    def __init__(self, fixtures: list[dict], seeds_dir: Path | None):
        self.fixtures = fixtures
        self.seeds_dir = seeds_dir
        self.report = LoadReport()
        self.document: SourceDocument | None = None
        self.pending_evidence: list[tuple[object, list[str]]] = []

    def items(self, key: str) -> Iterable[dict]:
        for fixture in self.fixtures:
            yield from fixture.get(key, [])

    def run(self) -> LoadReport:
        self.load_document()
        self.load_sectors()
        self.load_places()
        self.load_organisations()
        self.retire_duplicates()
        self.load_people()
        self.load_programmes()
        self.load_matching()
        self.write_evidence()
        self.load_extensions()
        return self.report

    def load_extensions(self) -> None:
        """Demo data owned by other apps: each ``innobridge.<app>.demo`` module with ``load(report)``.

        They run after the core records exist and must be idempotent, like the rest of the loader.
        """
        for name in EXTENSIONS:
            try:
                module = import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name != name:
                    raise
                continue
            module.load(self.report)

    def note(self, obj, item: dict) -> None:
        if item.get("evidence"):
            self.pending_evidence.append((obj, item["evidence"]))

    def load_document(self) -> None:
        spec = next((f["document"] for f in self.fixtures if f.get("document")), None)
        if not spec or not self.seeds_dir:
            return
        path = self.seeds_dir / spec["path"]
        if not path.is_file():
            return
        raw = path.read_bytes()
        digest = hashlib.sha256(raw).hexdigest()
        self.document, _ = SourceDocument.objects.update_or_create(
            content_hash=digest,
            defaults={
                "title": spec["title"],
                "kind": spec["kind"],
                "language": spec["language"],
                "published": _d(spec.get("published")),
                "text": raw.decode("utf-8"),
            },
        )
        self.report.document = str(path)

    def load_sectors(self) -> None:
        for item in self.items("sectors"):
            existing = Sector.objects.filter(slug=item["slug"]).first()
            directory.sector_save(
                sector=existing, slug=item["slug"], position=item.get("position", 100), **_names(item)
            )
            self.report.add("sectors")

    def load_places(self) -> None:
        pending = list(self.items("places"))
        while pending:
            progressed, rest = False, []
            for item in pending:
                parent = None
                if item.get("parent"):
                    parent = Place.objects.filter(slug=item["parent"]).first()
                    if parent is None:
                        rest.append(item)
                        continue
                existing = Place.objects.filter(slug=item["slug"]).first()
                place = directory.place_save(
                    place=existing,
                    slug=item["slug"],
                    kind=item["kind"],
                    parent=parent,
                    description=item.get("description", ""),
                    **_names(item),
                )
                self.note(place, item)
                self.report.add("places")
                progressed = True
            if not progressed:
                missing = sorted({i["parent"] for i in rest})
                raise ValueError(f"demo places refer to unknown parents: {missing}")
            pending = rest

    def load_organisations(self) -> None:
        items = list(self.items("organisations"))
        sectors = {s.slug: s for s in Sector.objects.all()}
        places = {p.slug: p for p in Place.objects.all()}
        for item in items:
            existing = Organisation.objects.filter(slug=item["slug"]).first()
            org = directory.organisation_save(
                organisation=existing,
                slug=item["slug"],
                kind=item["kind"],
                website=item.get("website", ""),
                description=item.get("description", ""),
                founded=item.get("founded"),
                sectors=[sectors[s] for s in item.get("sectors", [])],
                places=[places[p] for p in item.get("places", [])],
                aliases=[(a["text"], a.get("kind", "short")) for a in item.get("aliases", [])],
                **_names(item),
            )
            for fig in item.get("figures", []):
                directory.organisation_set_figure(
                    organisation=org,
                    kind=fig["kind"],
                    value=fig["value"],
                    at_least=fig.get("at_least", False),
                    as_of=_d(fig.get("as_of")),
                )
            self.note(org, item)
            self.report.add("organisations")
        # Parents last: they may point forward in the file or into another file.
        orgs = {o.slug: o for o in Organisation.objects.all()}
        for item in items:
            org = orgs[item["slug"]]
            parent = orgs.get(item["parent"]) if item.get("parent") else None
            if item.get("parent") and parent is None:
                raise ValueError(f"organisation {item['slug']} refers to unknown parent {item['parent']}")
            if org.parent_id != (parent.pk if parent else None):
                org.parent = parent
                org.save(update_fields=["parent"])

    def retire_duplicates(self) -> None:

        for old, kept in RETIRED.items():
            drop = Organisation.objects.filter(slug=old).first()
            keep = Organisation.objects.filter(slug=kept).first()
            if drop is not None and keep is not None:
                records_merge(keep=keep, drop=drop)
                self.report.add("duplicates merged")

    def load_people(self) -> None:
        orgs = {o.slug: o for o in Organisation.objects.all()}
        for item in self.items("people"):
            existing = Person.objects.filter(slug=item["slug"]).first()
            person = directory.person_save(
                person=existing,
                slug=item["slug"],
                email=item.get("email", ""),
                phone=item.get("phone", ""),
                **_names(item),
            )
            for pos in item.get("positions", []):
                directory.position_save(
                    person=person,
                    organisation=orgs[pos["organisation"]],
                    title_zh_hant=pos.get("title_zh_hant", ""),
                    title_zh_hans=pos.get("title_zh_hans", ""),
                    title_en=pos.get("title_en", ""),
                    start=_d(pos.get("start")),
                    end=_d(pos.get("end")),
                )
            self.note(person, item)
            self.report.add("people")

    def load_programmes(self) -> None:
        orgs = {o.slug: o for o in Organisation.objects.all()}
        places = {p.slug: p for p in Place.objects.all()}
        sectors = {s.slug: s for s in Sector.objects.all()}
        people = {p.slug: p for p in Person.objects.all()}
        for item in self.items("programmes"):
            programmes.programme_save(
                programme=Programme.objects.filter(slug=item["slug"]).first(),
                slug=item["slug"],
                operator=orgs[item["operator"]],
                region=places[item["region"]],
                started=_d(item.get("started")),
                description=item.get("description", ""),
                partners=[orgs[s] for s in item.get("partners", [])],
                sectors=[sectors[s] for s in item["sectors"]],
                **_names(item),
            )
            self.report.add("programmes")
        progs = {p.slug: p for p in Programme.objects.all()}
        for item in self.items("delegations"):
            delegation = programmes.delegation_save(
                delegation=Delegation.objects.filter(slug=item["slug"]).first(),
                slug=item["slug"],
                programme=progs[item["programme"]],
                visiting=orgs[item["visiting"]],
                hosting=orgs[item["hosting"]],
                destination=places[item["destination"]],
                start=_d(item["start"]),
                end=_d(item["end"]),
                dates_approximate=item.get("dates_approximate", False),
                purpose=item.get("purpose", ""),
                stops=[(places[s["place"]], _d(s.get("arrive")), _d(s.get("depart"))) for s in item["stops"]],
                leaders=[people[p] for p in item.get("leaders", [])],
                members=[(orgs[slug], role) for slug, role in item.get("members", [])],
                **_names(item),
            )
            self.note(delegation, item)
            self.report.add("delegations")
        delegations = {d.slug: d for d in Delegation.objects.all()}
        for item in self.items("events"):
            event = programmes.event_save(
                event=Event.objects.filter(slug=item["slug"]).first(),
                slug=item["slug"],
                kind=item["kind"],
                programme=progs[item["programme"]],
                delegation=delegations.get(item.get("delegation")),
                date=_d(item["date"]),
                date_approximate=item.get("date_approximate", False),
                place=places.get(item.get("place")),
                description=item.get("description", ""),
                participants=[(orgs[o], people.get(p) if p else None, role) for o, p, role in item["participants"]],
                **_names(item),
            )
            self.note(event, item)
            self.report.add("events")
        events = {e.slug: e for e in Event.objects.all()}
        for item in self.items("agreements"):
            agreement = programmes.agreement_save(
                agreement=Agreement.objects.filter(slug=item["slug"]).first(),
                slug=item["slug"],
                kind=item["kind"],
                status=item.get("status", "signed"),
                programme=progs[item["programme"]],
                delegation=delegations.get(item.get("delegation")),
                signing_event=events.get(item.get("signing_event")),
                signed_on=_d(item.get("signed_on")),
                signed_on_approximate=item.get("signed_on_approximate", False),
                signed_at=places.get(item.get("signed_at")),
                scope=item.get("scope", ""),
                parties=[(orgs[o], role, None) for o, role in item["parties"]],
                witnesses=[people[p] for p in item.get("witnesses", [])],
                sectors=[sectors[s] for s in item.get("sectors", [])],
                **_names(item),
            )
            self.note(agreement, item)
            self.report.add("agreements")

    def load_matching(self) -> None:

        orgs = {o.slug: o for o in Organisation.objects.all()}
        places = {p.slug: p for p in Place.objects.all()}
        sectors = {s.slug: s for s in Sector.objects.all()}
        for item in self.items("offers"):
            slug = f"offer-{item['key']}"
            matching.offer_save(
                offer=TechnologyOffer.objects.filter(slug=slug).first() or TechnologyOffer(slug=slug),
                owner=orgs[item["owner"]],
                title=item["title"],
                title_en=item.get("title_en", ""),
                summary_en=item.get("summary_en", ""),
                summary=item.get("summary", ""),
                description=item.get("description", ""),
                scenarios=item.get("scenarios", ""),
                trl=item.get("trl"),
                ip_status=item.get("ip_status", ""),
                direction=item.get("direction", "bring_in"),
                visibility=item.get("visibility", "public"),
                status=item.get("status", "published"),
                anonymous=item.get("anonymous", False),
                **_demo_dates(item.get("published_on")),
                sectors=[sectors[s] for s in item.get("sectors", [])],
                target_places=[places[p] for p in item.get("target_places", [])],
            )
            self.report.add("offers")
        for item in self.items("needs"):
            slug = f"need-{item['key']}"
            matching.need_save(
                need=TechnologyNeed.objects.filter(slug=slug).first() or TechnologyNeed(slug=slug),
                owner=orgs[item["owner"]],
                title=item["title"],
                title_en=item.get("title_en", ""),
                summary_en=item.get("summary_en", ""),
                description=item.get("description", ""),
                place=places.get(item.get("place")),
                budget_min=item.get("budget_min"),
                budget_max=item.get("budget_max"),
                currency=item.get("currency", "CNY"),
                deadline=_d(item.get("deadline")),
                visibility=item.get("visibility", "public"),
                status=item.get("status", "published"),
                sectors=[sectors[s] for s in item.get("sectors", [])],
            )
            self.report.add("needs")

    def write_evidence(self) -> None:
        if self.document is None:
            return
        text = self.document.text
        Evidence.objects.filter(document=self.document).delete()
        rows = []
        for obj, quotes in self.pending_evidence:
            ct = ContentType.objects.get_for_model(type(obj))
            for quote in quotes:
                start = text.find(quote)
                if start < 0:
                    raise ValueError(f"evidence {quote!r} for {obj} not found in {self.document.title}")
                rows.append(
                    Evidence(
                        document=self.document, content_type=ct, object_id=obj.pk, start=start, end=start + len(quote)
                    )
                )
        Evidence.objects.bulk_create(rows)
        self.report.evidence = len(rows)


def read_fixtures(names: list[str] | None = None) -> list[dict]:
    paths = [DATA_DIR / name for name in (names or FIXTURES)]
    return [json.loads(p.read_text(encoding="utf-8")) for p in paths if p.exists()]


@transaction.atomic
def load_demo(*, seeds_dir: Path | None = None, fixtures: list[dict] | None = None) -> LoadReport:
    """Load (or refresh) the demo programme in one transaction: all of it or nothing."""
    return _Loader(fixtures if fixtures is not None else read_fixtures(), seeds_dir).run()

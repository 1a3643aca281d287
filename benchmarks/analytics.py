"""Analytics pages and the programme report with 10,000 agreements and 100,000 milestones.

A throwaway SQLite database gets the demo programme, then agreements spread over eight years,
parties, sectors, status histories, milestones, match feedback and contact requests, all by
bulk_create. Each page is requested as staff; the figures are for warm requests (the first
request of each page is reported apart). Targets: analytics pages <= 500 ms, report <= 5 s.
"""

import json
import os
import random
import statistics
import tempfile
import time
from datetime import date, timedelta

N_AGREEMENTS = int(os.environ.get("BENCH_AGREEMENTS", "10000"))
N_MILESTONES = int(os.environ.get("BENCH_MILESTONES", "100000"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "5"))
PAGE_TARGET_MS, REPORT_TARGET_S = 500, 5.0


def fill(rng: random.Random) -> dict:
    # Imported here, not at the top: Django models need django.setup(), which run() calls first.
    from innobridge.directory.models import Organisation, Place, Sector
    from innobridge.matching.models import ContactRequest, MatchFeedback, TechnologyNeed, TechnologyOffer
    from innobridge.pipeline.models import Milestone, StatusChange
    from innobridge.pipeline.services import PIPELINE
    from innobridge.programmes.models import Agreement, AgreementParty, Programme

    programme = Programme.objects.get(slug="hkstp-shandong")
    orgs = list(Organisation.objects.values_list("pk", flat=True))
    places = list(Place.objects.filter(kind__in=["city", "zone", "site"]).values_list("pk", flat=True))
    sectors = list(Sector.objects.values_list("pk", flat=True))
    offers = list(TechnologyOffer.objects.values_list("pk", flat=True))
    needs = list(TechnologyNeed.objects.values_list("pk", flat=True))
    kinds = Agreement.Kind.values
    weights = {
        "signed": 20,
        "in_execution": 25,
        "pilot": 20,
        "deployed": 15,
        "scaled": 5,
        "lapsed": 10,
        "terminated": 5,
    }
    t0 = time.perf_counter()
    agreements = []
    for i in range(N_AGREEMENTS):
        signed = date(2019, 1, 1) + timedelta(days=rng.randrange(0, 8 * 365 - 60))
        status = rng.choices(list(weights), weights=list(weights.values()))[0]
        agreements.append(
            Agreement(
                slug=f"bench-{i}",
                name_en=f"Benchmark agreement {i}",
                kind=rng.choice(kinds),
                status=status,
                programme=programme,
                signed_on=signed,
                signed_at_id=rng.choice(places),
                value_amount=rng.randrange(1, 500) * 10000 if rng.random() < 0.6 else None,
                value_currency="CNY" if rng.random() < 0.7 else "HKD",
            )
        )
    created = Agreement.objects.bulk_create(agreements, batch_size=2000)
    parties, sector_links, offer_links, need_links, changes = [], [], [], [], []
    for a in created:
        for org in rng.sample(orgs, rng.choice([2, 2, 3])):
            parties.append(AgreementParty(agreement_id=a.pk, organisation_id=org, role="party"))
        for s in rng.sample(sectors, rng.choice([1, 2])):
            sector_links.append(Agreement.sectors.through(agreement_id=a.pk, sector_id=s))
        offer_links.append(Agreement.offers.through(agreement_id=a.pk, technologyoffer_id=rng.choice(offers)))
        need_links.append(Agreement.needs.through(agreement_id=a.pk, technologyneed_id=rng.choice(needs)))
        day, previous = a.signed_on, "draft"
        path = PIPELINE[1 : PIPELINE.index(a.status) + 1] if a.status in PIPELINE else PIPELINE[1:3] + [a.status]
        for status in path:
            changes.append(StatusChange(agreement_id=a.pk, from_status=previous, to_status=status, on=day))
            previous, day = status, day + timedelta(days=rng.randrange(20, 200))
    AgreementParty.objects.bulk_create(parties, batch_size=5000)
    Agreement.sectors.through.objects.bulk_create(sector_links, batch_size=5000)
    Agreement.offers.through.objects.bulk_create(offer_links, batch_size=5000)
    Agreement.needs.through.objects.bulk_create(need_links, batch_size=5000)
    StatusChange.objects.bulk_create(changes, batch_size=5000)
    milestones = []
    today = date.today()
    for i in range(N_MILESTONES):
        a = created[i % len(created)]
        due = a.signed_on + timedelta(days=rng.randrange(10, 900))
        done = due < today and rng.random() < 0.7
        milestones.append(
            Milestone(
                agreement_id=a.pk,
                title_en=f"Milestone {i}",
                due=due,
                status="done" if done else "open",
                done_on=due if done else None,
            )
        )
        if len(milestones) == 5000:
            Milestone.objects.bulk_create(milestones)
            milestones = []
    Milestone.objects.bulk_create(milestones)
    feedback = [
        MatchFeedback(need_id=n, offer_id=o, side=side, verdict=rng.choice(["relevant", "not_relevant"]))
        for n in needs
        for o in offers
        for side in ("need", "offer")
    ]
    MatchFeedback.objects.bulk_create(feedback, ignore_conflicts=True)
    requests = [
        ContactRequest(
            slug=f"bench-cr-{i}",
            requester_id=rng.choice(orgs),
            recipient_id=rng.choice(orgs),
            offer_id=rng.choice(offers),
        )
        for i in range(3000)
    ]
    ContactRequest.objects.bulk_create(requests, batch_size=3000)
    return {
        "fill_s": round(time.perf_counter() - t0, 1),
        "agreements": Agreement.objects.count(),
        "milestones": Milestone.objects.count(),
        "status_changes": StatusChange.objects.count(),
        "parties": AgreementParty.objects.count(),
    }


def timed(client, url: str) -> dict:
    t0 = time.perf_counter()
    first = client.get(url)
    cold = time.perf_counter() - t0
    assert first.status_code == 200, (url, first.status_code)
    samples = []
    for _ in range(REQUESTS):
        t0 = time.perf_counter()
        r = client.get(url)
        samples.append(time.perf_counter() - t0)
        assert r.status_code == 200, (url, r.status_code)
    return {
        "url": url,
        "first_ms": round(cold * 1000, 1),
        "ms_p50": round(statistics.median(samples) * 1000, 1),
        "ms_max": round(max(samples) * 1000, 1),
        "bytes": len(r.content),
    }


def run() -> dict:
    tmp = tempfile.mkdtemp(prefix="innobridge-bench-analytics-")
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ["INNOBRIDGE_INDEX_DIR"] = f"{tmp}/index"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innobridge.settings")
    import django

    django.setup()
    # Imported here, not at the top: Django models need django.setup(), which run() calls first.
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.test import Client

    from innobridge.demo.loader import load_demo

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    load_demo(seeds_dir=None)
    sizes = fill(random.Random(11))
    client = Client()
    client.force_login(User.objects.create_user("bench", is_staff=True))
    pages = [
        timed(client, url)
        for url in [
            "/en/analytics/funnel/",
            "/en/analytics/agreements/",
            "/en/analytics/agreements/?sector=green-tech&kind=pilot",
            "/en/analytics/network/",
            "/en/analytics/network/?programme=hkstp-shandong&sector=biomedicine",
            "/en/analytics/agreements.xlsx",
            "/en/analytics/network/edges.csv",
        ]
    ]
    report = timed(client, "/en/programmes/hkstp-shandong/report/")
    worst_page = max(p["ms_p50"] for p in pages)
    return {
        "benchmark": "analytics_pages",
        **sizes,
        "pages": pages,
        "report": report,
        "worst_page_ms_p50": worst_page,
        "page_target_ms": PAGE_TARGET_MS,
        "pages_within_target": worst_page <= PAGE_TARGET_MS,
        "report_s_p50": round(report["ms_p50"] / 1000, 2),
        "report_target_s": REPORT_TARGET_S,
        "report_within_target": report["ms_p50"] / 1000 <= REPORT_TARGET_S,
        "database": os.environ["DATABASE_URL"].split(":")[0],
    }


if __name__ == "__main__":
    print(json.dumps(run(), ensure_ascii=False), flush=True)

"""A need page with its suggestions, rendered with 100,000 published offers in the database.

Offers are built from the demo's offer texts recombined (so tokens and languages are real),
with stored random vectors standing in for their embeddings (encoding 100k texts would take
ten minutes and measures the encoder, not the page). The first request builds the index
(reported as cold); the figures are for warm requests, as every request after it sees, and
for the first request after offers are added, edited or unpublished (incremental update).
"""

import json
import os
import random
import statistics
import tempfile
import time

N_OFFERS = int(os.environ.get("BENCH_PAGE_OFFERS", "100000"))
REQUESTS = 30


def run() -> dict:
    tmp = tempfile.mkdtemp(prefix="innobridge-bench-page-")
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ["INNOBRIDGE_INDEX_DIR"] = f"{tmp}/index"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innobridge.settings")
    import django

    django.setup()
    # Imported here, not at the top: Django models need django.setup(), which run() calls first.
    import numpy as np
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.test import Client

    from innobridge.demo.loader import load_demo
    from innobridge.directory.models import Organisation, Sector
    from innobridge.matching.index import encoder, vector_key, vector_text
    from innobridge.matching.models import StoredVector, TechnologyNeed, TechnologyOffer
    from innocore.text import fold

    call_command("migrate", verbosity=0)
    load_demo(seeds_dir=None)
    rng = random.Random(7)
    nprng = np.random.default_rng(7)
    base = list(TechnologyOffer.objects.filter(status="published"))
    owners = list(Organisation.objects.filter(kind__in=["park_company", "enterprise", "university"]))
    sectors = list(Sector.objects.all())
    enc = encoder()
    t0 = time.perf_counter()
    batch, vectors, links = [], [], []
    for i in range(N_OFFERS):
        a, b = rng.choice(base), rng.choice(base)
        title = f"{a.title} {i}"
        description = f"{a.description} {b.scenarios}"
        offer = TechnologyOffer(
            slug=f"bench-{i}",
            owner=rng.choice(owners),
            title=title,
            summary=b.summary,
            description=description,
            scenarios=a.scenarios,
            language=a.language,
            trl=rng.randint(3, 9),
            status="published",
            visibility="public",
            search_key=fold(f"{title} {description}"),
        )
        batch.append(offer)
        vec = nprng.standard_normal(enc.dim).astype(np.float32)
        vec /= np.linalg.norm(vec)
        vectors.append(
            StoredVector(
                key=vector_key(enc.name, vector_text(title, offer.matching_text())),
                encoder=enc.name,
                vector=vec.tobytes(),
            )
        )
        if len(batch) == 5000:
            created = TechnologyOffer.objects.bulk_create(batch)
            links += [
                TechnologyOffer.sectors.through(technologyoffer_id=o.pk, sector_id=rng.choice(sectors).pk)
                for o in created
            ]
            StoredVector.objects.bulk_create(vectors, ignore_conflicts=True)
            batch, vectors = [], []
    if batch:
        created = TechnologyOffer.objects.bulk_create(batch)
        links += [
            TechnologyOffer.sectors.through(technologyoffer_id=o.pk, sector_id=rng.choice(sectors).pk) for o in created
        ]
        StoredVector.objects.bulk_create(vectors, ignore_conflicts=True)
    TechnologyOffer.sectors.through.objects.bulk_create(links, batch_size=5000)
    fill_s = time.perf_counter() - t0

    staff = User.objects.create_user("bench", is_staff=True)
    client = Client()
    client.force_login(staff)
    needs = list(TechnologyNeed.objects.filter(status="published"))
    t0 = time.perf_counter()
    first = client.get(f"/en/needs/{needs[0].slug}/")
    cold_s = time.perf_counter() - t0
    assert first.status_code == 200, first.status_code
    timings = []
    for i in range(REQUESTS):
        need = needs[i % len(needs)]
        t0 = time.perf_counter()
        r = client.get(f"/en/needs/{need.slug}/")
        timings.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200 and b'class="suggestion"' in r.content, need.slug
    timings.sort()
    # Writes while the page is in use: each next request brings the index up to date through
    # its delta segment (re-reading, re-tokenising and re-encoding only the changed offers).
    from innobridge.matching.services import offer_save

    def next_request_s() -> float:
        t0 = time.perf_counter()
        r = client.get(f"/en/needs/{needs[0].slug}/")
        assert r.status_code == 200
        return round(time.perf_counter() - t0, 3)

    fresh = offer_save(
        owner=owners[0], title="屋頂被動降溫塗料", description="反射陽光的屋頂塗料。", status="published"
    )
    after_new = next_request_s()
    offer_save(offer=fresh, description="反射陽光、無需電力的屋頂降溫塗料。")
    after_edit = next_request_s()
    offer_save(offer=fresh, status="draft")
    after_unpublish = next_request_s()
    for n in range(50):
        offer_save(
            owner=owners[n % len(owners)], title=f"冷鏈倉庫節能方案 {n}", description="降低能耗。", status="published"
        )
    after_fifty = next_request_s()
    timings_after = []
    for i in range(REQUESTS):
        t0 = time.perf_counter()
        client.get(f"/en/needs/{needs[i % len(needs)].slug}/")
        timings_after.append((time.perf_counter() - t0) * 1000)
    timings_after.sort()
    return {
        "benchmark": "need_page_with_suggestions",
        "offers_in_database": TechnologyOffer.objects.count(),
        "fill_s": round(fill_s, 1),
        "cold_first_request_s": round(cold_s, 1),
        "requests": REQUESTS,
        "warm_ms_p50": round(statistics.median(timings), 1),
        "warm_ms_p95": round(timings[int(0.95 * (len(timings) - 1))], 1),
        "warm_ms_max": round(timings[-1], 1),
        "next_request_after_s": {
            "a_new_offer": after_new,
            "an_edit": after_edit,
            "an_unpublish": after_unpublish,
            "fifty_new_offers": after_fifty,
        },
        "warm_ms_p95_with_delta_of_51": round(timings_after[int(0.95 * (len(timings_after) - 1))], 1),
        "database": os.environ["DATABASE_URL"].split(":")[0],
    }


if __name__ == "__main__":
    print(json.dumps(run(), ensure_ascii=False), flush=True)

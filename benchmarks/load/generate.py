"""Fill a fresh database for the load test: the demo, then N organisations and M published offers.

    DATABASE_URL=... INNOBRIDGE_INDEX_DIR=... python -m benchmarks.load.generate TARGETS.json

Rows go in with bulk_create. Organisation names mix Traditional, Simplified and English; offers
recombine the demo's offer texts (real tokens and languages) and get stored random vectors in
place of their embeddings (encoding 200,000 texts would measure the encoder, not the server),
as benchmarks/need_page.py does. `innobridge reindex` then builds the matching indexes that the
server's workers load. Writes TARGETS.json (need slugs and search terms for the locustfile) and
prints one JSON object with the counts and timings.

The database must be empty (a fresh SQLite file, or an empty PostgreSQL database); with
BENCH_REUSE=1 a database that an earlier run filled is used as it is.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time

BATCH = 5000
# Name parts in Traditional Chinese (Simplified forms are derived), and English words.
STEMS = "創冷 華魯 澤浩 信山 海洋 智能 綠色 生物 材料 機械人 量子 氫能 醫療 港灣".split()
TAILS = ["科技有限公司", "集團有限公司", "研究院", "實業有限公司", "控股有限公司", "新材料有限公司"]
ENGLISH = ["Cooling", "Robotics", "Marine", "Hydrogen", "Materials", "Bio", "Quantum", "Green", "Harbour", "Medical"]


def _organisations(n: int, rng: random.Random) -> list[int]:
    # Imported here, not at the top: Django models need django.setup(), which run() calls first.
    from innobridge.directory.models import Organisation, Sector
    from innocore.text import derive_variants, fold

    sectors = list(Sector.objects.values_list("pk", flat=True))
    kinds = ["park_company", "enterprise", "enterprise", "research_institute", "university"]
    through = Organisation.sectors.through
    pks: list[int] = []
    for start in range(0, n, BATCH):
        rows = []
        for i in range(start, min(n, start + BATCH)):
            v = derive_variants(
                zh_hant=f"{rng.choice(STEMS)}{rng.choice(STEMS)}{i}{rng.choice(TAILS)}",
                en=f"{rng.choice(ENGLISH)} {rng.choice(ENGLISH)} {i} Ltd",
            )
            org = Organisation(
                slug=f"load-{i}",
                kind=rng.choice(kinds),
                name_zh_hant=v.zh_hant,
                name_zh_hans=v.zh_hans,
                name_en=v.en,
                name_zh_hans_derived=True,
            )
            org.search_key = " | ".join(fold(x) for x in (v.zh_hant, v.zh_hans, v.en))
            rows.append(org)
        created = Organisation.objects.bulk_create(rows)
        if not created or created[0].pk is None:  # a backend that does not return ids
            created = list(Organisation.objects.filter(slug__in=[o.slug for o in rows]).only("pk"))
        pks += [o.pk for o in created]
        through.objects.bulk_create(
            [through(organisation_id=o.pk, sector_id=rng.choice(sectors)) for o in created], ignore_conflicts=True
        )
    return pks


def _offers(n: int, owners: list[int], rng: random.Random) -> None:
    # Imported here, not at the top: Django models need django.setup(), which run() calls first.
    from datetime import timedelta

    import numpy as np
    from django.utils import timezone

    from innobridge.directory.models import Sector
    from innobridge.matching.index import encoder, vector_key, vector_text
    from innobridge.matching.models import StoredVector, TechnologyOffer
    from innobridge.matching.services import add_one_year
    from innocore.text import fold

    nprng = np.random.default_rng(7)
    base = list(TechnologyOffer.objects.filter(status="published"))
    sectors = list(Sector.objects.values_list("pk", flat=True))
    enc = encoder()
    today = timezone.localdate()
    through = TechnologyOffer.sectors.through
    for start in range(0, n, BATCH):
        batch, vectors = [], []
        for i in range(start, min(n, start + BATCH)):
            a, b = rng.choice(base), rng.choice(base)
            title = f"{a.title} {i}"
            description = f"{a.description} {b.scenarios}"
            published = today - timedelta(days=rng.randint(0, 300))
            offer = TechnologyOffer(
                slug=f"load-{i}",
                owner_id=rng.choice(owners),
                title=title,
                summary=b.summary,
                description=description,
                scenarios=a.scenarios,
                language=a.language,
                trl=rng.randint(3, 9),
                status="published",
                visibility="public",
                published_on=published,
                expires_on=add_one_year(published),
                search_key=fold(f"{title} {description}"),
            )
            batch.append(offer)
            if enc is not None:
                vec = nprng.standard_normal(enc.dim).astype(np.float32)
                vec /= np.linalg.norm(vec)
                key = vector_key(enc.name, vector_text(title, offer.matching_text()))
                vectors.append(StoredVector(key=key, encoder=enc.name, vector=vec.tobytes()))
        created = TechnologyOffer.objects.bulk_create(batch)
        if not created or created[0].pk is None:
            created = list(TechnologyOffer.objects.filter(slug__in=[o.slug for o in batch]).only("pk"))
        through.objects.bulk_create([through(technologyoffer_id=o.pk, sector_id=rng.choice(sectors)) for o in created])
        StoredVector.objects.bulk_create(vectors, ignore_conflicts=True)


def _organisation_vectors(rng_seed: int = 11) -> None:
    """Stored random vectors for the generated organisations' profiles (organisation suggestions)."""
    # Imported here, not at the top: Django models need django.setup(), which run() calls first.
    import numpy as np

    from innobridge.directory.models import Organisation
    from innobridge.matching import index
    from innobridge.matching.index import vector_key, vector_text
    from innobridge.matching.models import StoredVector

    enc = index.encoder()
    if enc is None:
        return
    nprng = np.random.default_rng(rng_seed)
    pks = list(Organisation.objects.filter(slug__startswith="load-").order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), BATCH):
        docs = index._organisation_documents(Organisation.objects.filter(pk__in=pks[start : start + BATCH]))
        rows = []
        for d in docs:
            vec = nprng.standard_normal(enc.dim).astype(np.float32)
            vec /= np.linalg.norm(vec)
            key = vector_key(enc.name, vector_text(d.title, d.text))
            rows.append(StoredVector(key=key, encoder=enc.name, vector=vec.tobytes()))
        StoredVector.objects.bulk_create(rows, ignore_conflicts=True)


def _sessions(n: int) -> list[str]:
    """Signed-in sessions of a partner member, made directly (no password hashing under load).

    The session hash depends on SECRET_KEY, so the server must run with the key the fill saw.
    """
    # Imported here, not at the top: Django models need django.setup(), which run() calls first.
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User

    from innobridge.directory.models import Membership, Organisation

    user, _ = User.objects.get_or_create(username="load-partner", defaults={"email": "load@example.org"})
    org = Organisation.objects.get(slug="i2cool")
    Membership.objects.get_or_create(user=user, organisation=org)
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = []
    for _ in range(n):
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
    return keys


def _targets(users: int) -> dict:
    # Imported here, not at the top: Django models need django.setup(), which run() calls first.
    from innobridge.matching.models import TechnologyNeed
    from innocore.text import derive_variants

    needs = list(TechnologyNeed.objects.filter(status="published", visibility="public").values_list("slug", flat=True))
    return {
        "needs": needs,
        "sessions": _sessions(users),
        "queries": {
            "zh-hant": STEMS,
            "zh-hans": [derive_variants(zh_hant=s).zh_hans for s in STEMS],
            "en": ENGLISH,
        },
    }


def fill(*, organisations: int, offers: int) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innobridge.settings")
    django.setup()
    # Imported here, not at the top: Django models need django.setup(), which run() calls first.
    from django.core.management import call_command

    from innobridge.demo.loader import load_demo
    from innobridge.directory.models import Organisation
    from innobridge.matching.models import TechnologyOffer

    call_command("migrate", verbosity=0)
    existing = Organisation.objects.count()
    reuse = os.environ.get("BENCH_REUSE", "") in {"1", "true", "yes"}
    timings: dict[str, float] = {}
    if existing and not reuse:
        raise SystemExit(
            f"The database already holds {existing} organisations: give a fresh one, or BENCH_REUSE=1 to reuse it."
        )
    if not existing:
        t0 = time.perf_counter()
        load_demo(seeds_dir=None)
        timings["demo_s"] = time.perf_counter() - t0
        rng = random.Random(42)
        t0 = time.perf_counter()
        owners = _organisations(organisations, rng)
        timings["organisations_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        _offers(offers, owners, rng)
        _organisation_vectors()
        timings["offers_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    if existing:
        # A reused database: load the indexes an earlier run wrote (rebuilt only if stale).
        from innobridge.matching import index

        index.offer_matcher(), index.need_matcher(), index.organisation_matcher()
    else:
        call_command("reindex", stdout=open(os.devnull, "w"), stderr=open(os.devnull, "w"))
    timings["reindex_s"] = time.perf_counter() - t0
    return {
        "organisations": Organisation.objects.count(),
        "offers": TechnologyOffer.objects.filter(status="published").count(),
        "reused": bool(existing),
        **{k: round(v, 1) for k, v in timings.items()},
        "targets": _targets(int(os.environ.get("BENCH_LOAD_USERS", "50"))),
    }


if __name__ == "__main__":
    result = fill(
        organisations=int(os.environ.get("BENCH_LOAD_ORGS", "100000")),
        offers=int(os.environ.get("BENCH_LOAD_OFFERS", "200000")),
    )
    targets = result.pop("targets")
    with open(sys.argv[1], "w", encoding="utf-8") as fh:
        json.dump(targets, fh, ensure_ascii=False)
    print(json.dumps(result), flush=True)

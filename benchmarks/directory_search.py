"""Directory search latency on a synthetic directory of realistic size.

Builds a throwaway SQLite database (or uses BENCH_DATABASE_URL) with N organisations whose
names mix Traditional, Simplified and English, then times the organisation list selector
for queries in each script, as the list page runs it (count + first page).
"""

import os
import random
import statistics
import tempfile
import time


def run(n: int = int(os.environ.get("BENCH_ORGS", "20000")), queries: int = 200) -> dict:
    tmp = tempfile.mkdtemp(prefix="innobridge-bench-")
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innobridge.settings")
    import django

    django.setup()
    # Imported here, not at the top: Django models need django.setup(), which run() calls first.
    from django.core.management import call_command

    from innobridge.directory.filters import OrganisationFilter
    from innobridge.directory.models import Organisation
    from innobridge.directory.selectors import organisation_list
    from innocore.text import derive_variants, fold

    call_command("migrate", verbosity=0)
    rng = random.Random(42)
    stems = ["創冷", "華魯", "澤浩", "信山", "海洋", "智能", "綠色", "生物", "材料", "機械人", "量子", "氫能"]
    tails = ["科技有限公司", "集團有限公司", "研究院", "實業有限公司", "控股有限公司"]
    english = ["Cooling", "Robotics", "Marine", "Hydrogen", "Materials", "Bio", "Quantum", "Green"]
    t0 = time.perf_counter()
    rows = []
    for i in range(n):
        hant = f"{rng.choice(stems)}{rng.choice(stems)}{i}{rng.choice(tails)}"
        v = derive_variants(zh_hant=hant, en=f"{rng.choice(english)} {rng.choice(english)} {i} Ltd")
        org = Organisation(
            slug=f"bench-{i}",
            kind="park_company",
            name_zh_hant=v.zh_hant,
            name_zh_hans=v.zh_hans,
            name_en=v.en,
            name_zh_hans_derived=True,
        )
        org.search_key = " | ".join(fold(x) for x in (v.zh_hant, v.zh_hans, v.en))
        rows.append(org)
    Organisation.objects.bulk_create(rows, batch_size=2000)
    build_s = time.perf_counter() - t0

    samples = [rng.choice(stems) for _ in range(queries // 2)] + [rng.choice(english) for _ in range(queries // 2)]
    timings = []
    for q in samples:
        start = time.perf_counter()
        qs = organisation_list(filters=OrganisationFilter(q=q))
        qs.count()
        list(qs[:25])
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return {
        "benchmark": "directory_search",
        "organisations": n,
        "queries": len(samples),
        "build_s": round(build_s, 2),
        "query_ms_p50": round(statistics.median(timings), 2),
        "query_ms_p95": round(timings[int(0.95 * (len(timings) - 1))], 2),
        "database": os.environ["DATABASE_URL"].split(":")[0],
    }


if __name__ == "__main__":
    import json

    results = run()
    for result in results if isinstance(results, list) else [results]:
        print(json.dumps(result, ensure_ascii=False), flush=True)

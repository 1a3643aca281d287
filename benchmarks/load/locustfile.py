"""Locust users for the load test: directory search in three scripts, need pages, API lists.

Run by ``python -m benchmarks.load``, which sets LOAD_TARGETS (need slugs and search terms
written by the data generator) and LOAD_SAMPLES (where every request's latency is written
when the run ends, so that the runner computes exact percentiles).
"""

from __future__ import annotations

import json
import os
import random
import time

from locust import HttpUser, between, events, task

TARGETS = json.load(open(os.environ["LOAD_TARGETS"], encoding="utf-8"))
LANGUAGES = ["en", "zh-hant", "zh-hans"]
WAIT = (float(os.environ.get("BENCH_WAIT_MIN", "1")), float(os.environ.get("BENCH_WAIT_MAX", "3")))
SAMPLES: list[tuple[str, float, str | None, float]] = []
WINDOW: dict[str, float] = {}


@events.test_start.add_listener
def _start(**_kwargs):
    WINDOW["start"] = time.time()


@events.request.add_listener
def _record(name, response_time, exception, **_kwargs):
    SAMPLES.append((name, response_time, None if exception is None else str(exception)[:200], time.time()))


@events.quitting.add_listener
def _dump(**_kwargs):
    with open(os.environ["LOAD_SAMPLES"], "w", encoding="utf-8") as fh:
        json.dump({"start": WINDOW.get("start"), "stop": time.time(), "samples": SAMPLES}, fh, ensure_ascii=False)


class Visitor(HttpUser):
    """A signed-in partner browsing the platform: searches, reads needs and their suggestions
    (shown to signed-in users only), or calls the API with the same session."""

    wait_time = between(*WAIT)

    def on_start(self) -> None:
        sessions = TARGETS["sessions"]
        self.client.cookies.set("sessionid", sessions[id(self) % len(sessions)])

    def _get(self, url: str, name: str, must_contain: str | None = None) -> None:
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code == 0:
                response.failure(f"no response: {response.error}")
            elif response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif must_contain and must_contain not in response.text:
                response.failure(f"{must_contain!r} missing")
            else:
                response.success()

    def _search(self, script: str, name: str) -> None:
        q = random.choice(TARGETS["queries"][script])
        self._get(f"/{random.choice(LANGUAGES)}/organisations/?q={q}", name, 'class="results"')

    @task(2)
    def search_traditional(self):
        self._search("zh-hant", "search zh-Hant")

    @task(2)
    def search_simplified(self):
        self._search("zh-hans", "search zh-Hans")

    @task(2)
    def search_english(self):
        self._search("en", "search en")

    @task(3)
    def need_page(self):
        slug = random.choice(TARGETS["needs"])
        self._get(f"/{random.choice(LANGUAGES)}/needs/{slug}/", "need page", 'class="suggestion"')

    @task(1)
    def api_organisations(self):
        self._get(f"/api/organisations?q={random.choice(TARGETS['queries']['en'])}", "api organisations", '"items"')

    @task(1)
    def api_offers(self):
        self._get(f"/api/offers?q={random.choice(TARGETS['queries']['zh-hant'])}", "api offers", '"items"')

    @task(1)
    def api_delegations(self):
        self._get("/api/delegations", "api delegations", '"items"')

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import TestCase

from innobridge.demo.loader import load_demo, read_fixtures
from innobridge.directory.models import Organisation, Person, Place
from innobridge.documents.models import Evidence
from innobridge.programmes.models import Agreement, Delegation, Event

MODELS = [Organisation, Person, Place, Delegation, Event, Agreement]
SEED = Path(settings.SEEDS_DIR) / "hkstp-shandong-press-release.txt"


class DemoLoaderTests(TestCase):
    def test_loading_twice_creates_nothing_new(self):
        load_demo(seeds_dir=None)
        counts = [m.objects.count() for m in MODELS]
        load_demo(seeds_dir=None)
        self.assertEqual([m.objects.count() for m in MODELS], counts)

    def test_it_has_the_seed_programme_and_sixty_further_organisations(self):
        load_demo(seeds_dir=None)
        self.assertGreaterEqual(Organisation.objects.count(), 20 + 60)
        delegation = Delegation.objects.get(slug="hkstp-to-shandong-2023-10")
        self.assertEqual([s.place.slug for s in delegation.stops.all()], ["yantai", "qingdao", "jinan"])
        self.assertEqual(Agreement.objects.get(slug="green-community-cooperation-2023").parties.count(), 4)

    def test_every_organisation_has_a_chinese_name_and_a_sector_or_place(self):
        load_demo(seeds_dir=None)
        for org in Organisation.objects.prefetch_related("places"):
            self.assertTrue(org.name_zh_hant and org.name_zh_hans, org.slug)
            self.assertTrue(org.places.all(), org.slug)

    def test_a_broken_fixture_loads_nothing(self):
        fixtures = read_fixtures()
        fixtures[0]["agreements"][0]["parties"] = [["i2cool", "party"]]
        with self.assertRaises(ValidationError):
            load_demo(seeds_dir=None, fixtures=fixtures)
        self.assertEqual(Organisation.objects.count(), 0)

    def test_the_command_reports_what_it_loaded(self):
        out = StringIO()
        call_command("demo", seeds=Path("/nonexistent"), stdout=out)
        self.assertIn("organisations", out.getvalue())
        self.assertIn("without provenance", out.getvalue())


@pytest.mark.skipif(not SEED.exists(), reason="the seed press release is not beside the checkout")
class ProvenanceTests(TestCase):
    def test_facts_point_to_spans_of_the_press_release(self):
        load_demo(seeds_dir=SEED.parent)
        evidence = Evidence.objects.select_related("document")
        self.assertGreater(evidence.count(), 30)
        for ev in evidence:
            self.assertEqual(ev.document.text[ev.start : ev.end], ev.quote)
        i2cool = Organisation.objects.get(slug="i2cool")
        self.assertTrue(
            any(
                "創冷科技有限公司" == e.quote
                for e in evidence
                if e.object_id == i2cool.pk and e.content_type.model == "organisation"
            )
        )

    def test_the_record_page_shows_its_source(self):
        load_demo(seeds_dir=SEED.parent)
        r = self.client.get("/en/organisations/i2cool/")
        self.assertRegex(r.content.decode(), r"source: press release of 2023-10-24 \(version 1\), paragraph \d+ ")


class DemoMatchingTests(TestCase):
    """The demo's needs find the offers written to solve them, mostly across languages."""

    def test_every_published_demo_need_gets_an_intended_offer_in_its_top_five(self):
        from django.contrib.auth.models import User

        from innobridge.lib.testing import BaseTestCase  # noqa: F401  (personas not needed here)
        from innobridge.matching.models import TechnologyNeed
        from innobridge.matching.selectors import offers_for_need

        load_demo(seeds_dir=None)
        staff = User.objects.create_user("staff", is_staff=True)
        fixture = next(f for f in read_fixtures() if "needs" in f)
        for item in fixture["needs"]:
            need = TechnologyNeed.objects.get(slug=f"need-{item['key']}")
            if need.status != "published":
                continue
            top = [s.record.slug for s in offers_for_need(need=need, user=staff, top=5)]
            intended = {f"offer-{k}" for k in item["intended_offers"]}
            self.assertTrue(intended & set(top), f"{need.slug}: {top}")

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
from innobridge.matching.models import ContactRequest, MatchFeedback, TechnologyOffer
from innobridge.meetings.models import MatchmakingSession, Meeting, MeetingRequest, SessionParticipant
from innobridge.programmes.models import Agreement, Delegation, Event

MODELS = [
    Organisation,
    Person,
    Place,
    Delegation,
    Event,
    Agreement,
    MatchFeedback,
    ContactRequest,
    MatchmakingSession,
    SessionParticipant,
    MeetingRequest,
    Meeting,
]
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

    def test_loading_twice_keeps_the_same_meetings_and_outcomes(self):
        load_demo(seeds_dir=None)
        before = sorted(Meeting.objects.values_list("request__slug", "slot", "table", "outcome"))
        load_demo(seeds_dir=None)
        self.assertEqual(sorted(Meeting.objects.values_list("request__slug", "slot", "table", "outcome")), before)

    def test_the_research_centre_is_one_record(self):
        load_demo(seeds_dir=None)
        self.assertFalse(Organisation.objects.filter(slug="cas-hkisi-cair").exists())
        cair = Organisation.objects.get(slug="cas-cair")
        self.assertEqual(
            Organisation.objects.filter(name_en__icontains="Artificial Intelligence and Robotics").count(), 1
        )
        self.assertEqual(set(cair.sectors.values_list("slug", flat=True)), {"ai-robotics", "biomedicine"})
        self.assertTrue(cair.description)

    def test_a_database_loaded_with_the_duplicate_gets_it_merged_with_its_links(self):
        load_demo(seeds_dir=None)
        duplicate = Organisation.objects.create(slug="cas-hkisi-cair", kind="research_institute", name_en="CAIR twin")
        TechnologyOffer.objects.create(slug="offer-twin", owner=duplicate, title="Twin's offer")
        load_demo(seeds_dir=None)
        self.assertFalse(Organisation.objects.filter(slug="cas-hkisi-cair").exists())
        self.assertEqual(TechnologyOffer.objects.get(slug="offer-twin").owner.slug, "cas-cair")

    def test_the_return_visit_is_dated_like_its_plan(self):
        load_demo(seeds_dir=None)
        delegation = Delegation.objects.get(slug="hkstp-to-shandong-2023-10")
        self.assertEqual((delegation.start.isoformat(), delegation.end.isoformat()), ("2023-10-16", "2023-10-20"))
        for leg in delegation.travel_legs.all():
            self.assertTrue(delegation.start <= leg.depart.date() <= delegation.end, leg)
        for session in delegation.matchmaking_sessions.all():
            self.assertTrue(delegation.start <= session.date <= delegation.end, session)

    def test_local_shandong_organisations_take_part_in_the_jinan_session_with_requests(self):
        load_demo(seeds_dir=None)
        session = MatchmakingSession.objects.get(slug="jinan-b2b-2023-10")
        shandong = Place.objects.get(slug="shandong")
        locals_ = [
            p.organisation
            for p in session.participants.select_related("organisation")
            if any(shandong in place.ancestors() or place == shandong for place in p.organisation.places.all())
        ]
        self.assertGreaterEqual(len(locals_), 4)
        self.assertTrue(session.requests.filter(requester__in=locals_).exists())
        self.assertTrue(session.requests.filter(requested__in=locals_).exists())

    def test_every_funnel_step_has_numbers_and_no_rate_exceeds_100_percent(self):
        from innobridge.pipeline import analytics

        load_demo(seeds_dir=None)
        stages, _quarters = analytics.funnel(analytics.Filters())
        self.assertTrue(all(s.total > 0 for s in stages), [(s.key, s.total) for s in stages])
        self.assertTrue(all(s.rate is None or s.rate <= 1 for s in stages))

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

        from innobridge.matching.models import TechnologyNeed
        from innobridge.matching.selectors import offers_for_need
        from innobridge.testing import BaseTestCase  # noqa: F401  (personas not needed here)

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

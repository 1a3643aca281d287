"""A small known world for analytics: two provinces, four organisations, a handful of agreements."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.test import TestCase

from innobridge.directory import services as directory
from innobridge.directory.models import Membership
from innobridge.matching.models import ContactRequest, MatchFeedback, TechnologyNeed, TechnologyOffer
from innobridge.pipeline.models import StatusChange
from innobridge.programmes import services as programmes

EVIL = '<script>alert("x")</script> & Sons'


class SmallWorldTestCase(TestCase):
    """hk-a (Hong Kong) works with sd-b and sd-c (Shandong); sd-evil has a hostile name.

    Agreements (signed → status now):
      a1 hk-a + sd-b, green, Jinan, 2024-02-10, deployed (via pilot 2024-06-01, deployed 2024-09-01)
      a2 hk-a + sd-c, green + robots, Jinan site, 2024-05-05, pilot (pilot 2024-08-15)
      a3 hk-a + sd-b, robots, Qingdao, 2024-11-20, signed
      a4 sd-b + sd-evil, no sector, no place, 2024-12-01, lapsed (after signing)
      a5 draft between hk-a and sd-c (never counted)
    """

    @classmethod
    def setUpTestData(cls):
        # Content types cached by an earlier test class may have ids another class's flush or
        # restore replaced; audit entries written here must point at rows that exist.
        ContentType.objects.clear_cache()
        china = directory.place_save(slug="cn", kind="country", name_en="China")
        hk = directory.place_save(slug="hk", kind="province", name_en="Hong Kong", parent=china)
        sd = directory.place_save(slug="sd", kind="province", name_en="Shandong", parent=china)
        jinan = directory.place_save(slug="jn", kind="city", name_en="Jinan", parent=sd)
        site = directory.place_save(slug="jn-site", kind="site", name_en="Jinan campus", parent=jinan)
        qingdao = directory.place_save(slug="qd", kind="city", name_en="Qingdao", parent=sd)
        cls.green = directory.sector_save(slug="green", name_en="Green")
        cls.robots = directory.sector_save(slug="robots", name_en="Robots")
        org = directory.organisation_save
        cls.hk_a = org(slug="hk-a", kind="park_company", name_en="Alpha Cooling", places=[hk])
        cls.sd_b = org(slug="sd-b", kind="enterprise", name_en="Beta Steel", places=[jinan])
        cls.sd_c = org(slug="sd-c", kind="enterprise", name_en="Gamma Port", places=[qingdao])
        cls.evil = org(slug="sd-evil", kind="enterprise", name_en=EVIL, places=[sd])
        cls.outsider = org(slug="far", kind="enterprise", name_en="Far Away Ltd", places=[china])
        cls.programme = programmes.programme_save(
            slug="prog", name_en="Test Programme", operator=cls.hk_a, region=sd, started=date(2024, 1, 1)
        )
        cls.offer_in = TechnologyOffer.objects.create(
            slug="o-in", owner=cls.hk_a, title="Cooling film", direction="bring_in", status="published"
        )
        cls.offer_out = TechnologyOffer.objects.create(
            slug="o-out", owner=cls.sd_b, title="Steel recycling", direction="go_out", status="published"
        )
        cls.need = TechnologyNeed.objects.create(slug="n-1", owner=cls.sd_b, title="Cooler roofs", status="published")

        def agreement(slug, parties, sectors, place, signed, status):
            a = programmes.agreement_save(
                slug=slug,
                name_en=slug.upper(),
                kind="pilot" if slug in ("a1", "a2") else "mou",
                status=status,
                programme=cls.programme,
                signed_on=signed,
                signed_at=place,
                parties=[(p, "party", None) for p in parties],
                sectors=sectors,
            )
            return a

        cls.a1 = agreement("a1", [cls.hk_a, cls.sd_b], [cls.green], jinan, date(2024, 2, 10), "deployed")
        cls.a2 = agreement("a2", [cls.hk_a, cls.sd_c], [cls.green, cls.robots], site, date(2024, 5, 5), "pilot")
        cls.a3 = agreement("a3", [cls.hk_a, cls.sd_b], [cls.robots], qingdao, date(2024, 11, 20), "signed")
        cls.a4 = agreement("a4", [cls.sd_b, cls.evil], [], None, date(2024, 12, 1), "lapsed")
        cls.a5 = agreement("a5", [cls.hk_a, cls.sd_c], [cls.green], jinan, None, "draft")
        cls.a1.offers.set([cls.offer_in, cls.offer_out])
        cls.a1.needs.set([cls.need])
        StatusChange.objects.bulk_create(
            [
                StatusChange(agreement=cls.a1, from_status="in_execution", to_status="pilot", on=date(2024, 6, 1)),
                StatusChange(agreement=cls.a1, from_status="pilot", to_status="deployed", on=date(2024, 9, 1)),
                StatusChange(agreement=cls.a2, from_status="in_execution", to_status="pilot", on=date(2024, 8, 15)),
            ]
        )
        MatchFeedback.objects.create(need=cls.need, offer=cls.offer_in, side="need", verdict="relevant")
        MatchFeedback.objects.create(need=cls.need, offer=cls.offer_in, side="offer", verdict="relevant")
        MatchFeedback.objects.create(need=cls.need, offer=cls.offer_out, side="need", verdict="not_relevant")
        MatchFeedback.objects.create(
            need=TechnologyNeed.objects.create(slug="n-2", owner=cls.sd_c, title="x"),
            offer=cls.offer_in,
            side="need",
            verdict="relevant",
        )
        ContactRequest.objects.create(slug="cr-1", requester=cls.sd_b, recipient=cls.hk_a, offer=cls.offer_in)
        ContactRequest.objects.create(slug="cr-2", requester=cls.sd_c, recipient=cls.hk_a, offer=cls.offer_in)
        cls.staff = User.objects.create_user("staff", "staff@example.org", is_staff=True)
        cls.member = User.objects.create_user("member", "member@example.org")
        Membership.objects.create(user=cls.member, organisation=cls.sd_b)
        cls.stranger = User.objects.create_user("stranger", "stranger@example.org")
        Membership.objects.create(user=cls.stranger, organisation=cls.outsider)

"""The funnel follows one cohort of reviewed need–offer pairs; hand-computed on a small fixed world."""

from datetime import UTC, date, datetime, time

from innobridge.matching.models import ContactRequest, MatchFeedback, TechnologyNeed, TechnologyOffer
from innobridge.meetings.models import MatchmakingSession, Meeting, MeetingRequest
from innobridge.pipeline import analytics
from innobridge.pipeline.tests.base import SmallWorldTestCase
from innobridge.programmes import services as programmes


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10), tzinfo=UTC)


class FunnelCohortTests(SmallWorldTestCase):
    """Pairs reviewed (need owner – offer owner), and how far each went:

      P1 n-1 × o-in    sd-b – hk-a   contact, meeting (follow-up), a1: pilot and deployed    reviewed 2024-01
      P2 n-1 × o-out   sd-b – sd-b   nothing further                                         reviewed 2024-01
      P3 n-2 × o-in    sd-c – hk-a   contact, meeting without follow-up; a2 (pilot) exists   reviewed 2024-04
      P4 n-3 × o-in    evil – hk-a   nothing further                                         reviewed 2024-04
      P5 n-4 × o-arm   sd-b – hk-a   contact, meeting (follow-up), a3 signed only            reviewed 2024-04

    Cohort: 5 reviewed → 3 contacts → 3 meetings → 2 follow-ups → 2 agreements → 1 pilot → 1 deployment.
    P3's pilot agreement is not counted: the pair never agreed a follow-up.
    """

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.offer_arm = TechnologyOffer.objects.create(slug="o-arm", owner=cls.hk_a, title="Robot arm")
        cls.need_3 = TechnologyNeed.objects.create(slug="n-3", owner=cls.evil, title="Anything")
        cls.need_2 = TechnologyNeed.objects.get(slug="n-2")
        cls.need_4 = TechnologyNeed.objects.create(slug="n-4", owner=cls.sd_b, title="Arms")
        MatchFeedback.objects.create(need=cls.need_3, offer=cls.offer_in, side="need", verdict="not_relevant")
        MatchFeedback.objects.create(need=cls.need_4, offer=cls.offer_arm, side="offer", verdict="relevant")
        reviewed = {
            (cls.need.pk, cls.offer_in.pk): date(2024, 1, 10),
            (cls.need.pk, cls.offer_out.pk): date(2024, 1, 20),
            (cls.need_2.pk, cls.offer_in.pk): date(2024, 4, 2),
            (cls.need_3.pk, cls.offer_in.pk): date(2024, 4, 3),
            (cls.need_4.pk, cls.offer_arm.pk): date(2024, 4, 4),
        }
        for fb in MatchFeedback.objects.all():
            MatchFeedback.objects.filter(pk=fb.pk).update(created=_at(reviewed[(fb.need_id, fb.offer_id)]))
        ContactRequest.objects.create(slug="cr-3", requester=cls.hk_a, recipient=cls.sd_b, offer=cls.offer_arm)
        # A contact request between the right organisations about an unrelated record does not count.
        ContactRequest.objects.create(slug="cr-4", requester=cls.evil, recipient=cls.hk_a, need=cls.need)
        cls.a2.offers.set([cls.offer_in])
        cls.a3.offers.set([cls.offer_arm])
        delegation = programmes.delegation_save(
            slug="d1",
            name_en="Visit",
            programme=cls.programme,
            visiting=cls.hk_a,
            hosting=cls.sd_b,
            destination=cls.sd_b.places.get(),
            start=date(2024, 3, 1),
            end=date(2024, 3, 3),
        )
        session = MatchmakingSession.objects.create(
            slug="s1",
            name_en="B2B",
            delegation=delegation,
            place=cls.sd_b.places.get(),
            date=date(2024, 3, 2),
            start_time=time(9, 0),
        )
        for i, (a, b, outcome) in enumerate(
            [(cls.hk_a, cls.sd_b, "follow_up"), (cls.sd_c, cls.hk_a, "no_follow_up"), (cls.hk_a, cls.evil, "")]
        ):
            request = MeetingRequest.objects.create(
                slug=f"mr-{i}", session=session, requester=a, requested=b, status="accepted"
            )
            Meeting.objects.create(request=request, session=session, slot=i + 1, table=1, outcome=outcome)

    def stages(self, **filters):
        stages, quarters = analytics.funnel(analytics.Filters(**filters))
        return {s.key: s for s in stages}, quarters

    def test_each_step_counts_only_pairs_that_passed_the_step_before(self):
        stages, _q = self.stages()
        self.assertEqual(
            [(key, s.total) for key, s in stages.items()],
            [
                ("suggestions", 5),
                ("contacts", 3),
                ("meetings", 3),
                ("followups", 2),
                ("agreements", 2),
                ("pilots", 1),
                ("deployments", 1),
            ],
        )

    def test_conversions_are_shares_of_the_step_before_and_never_above_100_percent(self):
        stages, _q = self.stages()
        rates = [s.rate for s in stages.values()]
        self.assertIsNone(rates[0])
        for got, want in zip(rates[1:], [3 / 5, 1.0, 2 / 3, 1.0, 1 / 2, 1.0], strict=True):
            self.assertAlmostEqual(got, want)

    def test_a_pair_is_counted_once_however_many_verdicts_it_has(self):
        MatchFeedback.objects.create(need=self.need_2, offer=self.offer_in, side="offer", verdict="relevant")
        stages, _q = self.stages()
        self.assertEqual(stages["suggestions"].total, 5)

    def test_cohorts_are_the_quarters_of_first_review(self):
        stages, quarters = self.stages()
        self.assertEqual(quarters, ["2024-Q1", "2024-Q2"])
        self.assertEqual(
            {key: s.by_quarter for key, s in stages.items()},
            {
                "suggestions": {"2024-Q1": 2, "2024-Q2": 3},
                "contacts": {"2024-Q1": 1, "2024-Q2": 2},
                "meetings": {"2024-Q1": 1, "2024-Q2": 2},
                "followups": {"2024-Q1": 1, "2024-Q2": 1},
                "agreements": {"2024-Q1": 1, "2024-Q2": 1},
                "pilots": {"2024-Q1": 1, "2024-Q2": 0},
                "deployments": {"2024-Q1": 1, "2024-Q2": 0},
            },
        )

    def test_a_pilot_that_lapsed_still_counts_as_a_pilot(self):
        from innobridge.pipeline.models import StatusChange

        StatusChange.objects.create(
            agreement=self.a3, from_status="in_execution", to_status="pilot", on=date(2025, 1, 2)
        )
        self.a3.status = "lapsed"
        self.a3.save(update_fields=["status"])
        stages, _q = self.stages()
        self.assertEqual((stages["agreements"].total, stages["pilots"].total), (2, 2))

    def test_a_programme_filter_keeps_its_own_meetings_and_agreements_only(self):
        other = programmes.programme_save(
            slug="other", name_en="Other", operator=self.hk_a, region=self.sd_b.places.get()
        )
        stages, _q = self.stages(programme=other)
        self.assertEqual([s.total for s in stages.values()], [5, 3, 0, 0, 0, 0, 0])
        stages, _q = self.stages(programme=self.programme)
        self.assertEqual([s.total for s in stages.values()], [5, 3, 3, 2, 2, 1, 1])

    def test_a_kind_filter_narrows_the_agreements_a_pair_may_reach(self):
        stages, _q = self.stages(kind="mou")  # a3 only
        self.assertEqual([s.total for s in stages.values()][4:], [1, 0, 0])

    def test_no_rate_on_the_page_or_per_quarter_exceeds_100_percent(self):
        from innobridge.pipeline.reports import funnel_page

        tables = funnel_page(analytics.Filters(), draw=False)["tables"]
        self.assertEqual(
            tables[0].rows,
            [
                ["Suggestions reviewed", 5, "—"],
                ["Contact requests", 3, "60.0%"],
                ["Meetings", 3, "100.0%"],
                ["Follow-ups agreed", 2, "66.7%"],
                ["Agreements signed", 2, "100.0%"],
                ["Pilots", 1, "50.0%"],
                ["Deployments", 1, "100.0%"],
            ],
        )
        cells = [c for row in tables[2].rows for c in row[1:] if c != "—"]
        self.assertTrue(cells)
        self.assertTrue(all(float(c.rstrip("%")) <= 100 for c in cells), cells)
        self.assertEqual({r[0]: r[1:] for r in tables[2].rows}["2024-Q2"][:3], ["66.7%", "100.0%", "50.0%"])

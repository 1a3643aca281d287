"""Meetings come from the meetings app, read through the analytics selector only."""

from datetime import date, time

import pytest

from innobridge.pipeline import analytics
from innobridge.pipeline.tests.base import SmallWorldTestCase
from innobridge.programmes import services as programmes

meetings = pytest.importorskip("innobridge.meetings.models")


class MeetingsInAnalyticsTests(SmallWorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        delegation = programmes.delegation_save(
            slug="d1",
            name_en="Visit",
            programme=cls.programme,
            visiting=cls.hk_a,
            hosting=cls.sd_b,
            destination=cls.sd_b.places.get(),
            start=date(2024, 7, 1),
            end=date(2024, 7, 3),
        )
        session = meetings.MatchmakingSession.objects.create(
            slug="s1",
            name_en="B2B",
            delegation=delegation,
            place=cls.sd_b.places.get(),
            date=date(2024, 7, 2),
            start_time=time(9, 0),
        )
        # hk-a and sd-c meet twice, at two sessions: one active request per pair and session.
        later = meetings.MatchmakingSession.objects.create(
            slug="s2",
            name_en="B2B, day two",
            delegation=delegation,
            place=cls.sd_b.places.get(),
            date=date(2024, 7, 3),
            start_time=time(9, 0),
        )
        pairs = [(cls.hk_a, cls.sd_c, session), (cls.sd_c, cls.hk_a, later), (cls.hk_a, cls.outsider, session)]
        for i, (a, b, at) in enumerate(pairs):
            request = meetings.MeetingRequest.objects.create(
                slug=f"mr-{i}", session=at, requester=a, requested=b, status="accepted"
            )
            meetings.Meeting.objects.create(request=request, session=at, slot=i + 1, table=1)

    def test_a_meeting_counts_in_the_funnel_for_the_pair_whose_owners_met(self):
        # hk-a met sd-c (twice) and an outsider; of the reviewed pairs only n-2 × o-in (sd-c, hk-a),
        # which also had a contact request, reaches the meeting step: once, however often they met.
        stages, _quarters = analytics.funnel(analytics.Filters())
        meeting = next(s for s in stages if s.key == "meetings")
        self.assertEqual((meeting.total, meeting.rate), (1, 0.5))
        self.assertTrue(all(s.rate is None or s.rate <= 1 for s in stages))

    def test_meetings_are_edges_of_the_network_in_both_directions_together(self):
        net = analytics.network(analytics.Filters(edges="meetings"))
        edges = {(a, b): n for a, b, n, kind in net.edges if kind == "meeting"}
        self.assertEqual(edges[tuple(sorted([self.hk_a.pk, self.sd_c.pk]))], 2)
        self.assertEqual(len(edges), 2)

    def test_a_programme_filter_keeps_the_meetings_of_its_delegations(self):
        other = programmes.programme_save(
            slug="other", name_en="Other", operator=self.hk_a, region=self.sd_b.places.get()
        )
        self.assertEqual(analytics._meetings_for(analytics.Filters(programme=self.programme)).count(), 3)
        self.assertEqual(analytics._meetings_for(analytics.Filters(programme=other)).count(), 0)

"""Must meet / would like / do not want to meet, and pending requests that expire."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from innobridge.accounts.tokens import token_create
from innobridge.meetings import scheduling, services
from innobridge.meetings.diagnostics import describe
from innobridge.meetings.models import Meeting, MeetingPreference, MeetingRequest
from innobridge.meetings.tests.base import MeetingsTestCase


class PreferenceServiceTests(MeetingsTestCase):
    def test_a_member_states_and_removes_a_preference_for_its_organisation(self):
        services.preference_set(
            session=self.session, organisation=self.i2cool, other=self.luoxin, kind="must", user=self.bob
        )
        self.assertEqual(MeetingPreference.objects.get().kind, "must")
        services.preference_set(
            session=self.session, organisation=self.i2cool, other=self.luoxin, kind="do_not", user=self.bob
        )
        self.assertEqual(MeetingPreference.objects.get().kind, "do_not")
        services.preference_set(
            session=self.session, organisation=self.i2cool, other=self.luoxin, kind="", user=self.bob
        )
        self.assertFalse(MeetingPreference.objects.exists())

    def test_bad_input_is_refused_and_changes_nothing(self):
        cases = [
            (self.i2cool, self.i2cool, "must"),  # itself
            (self.i2cool, self.zehao, "must"),  # not a participant
            (self.i2cool, self.luoxin, "maybe"),  # unknown kind
        ]
        for organisation, other, kind in cases:
            with self.assertRaises(ValidationError, msg=(other, kind)):
                services.preference_set(
                    session=self.session, organisation=organisation, other=other, kind=kind, user=self.alice
                )
        self.assertFalse(MeetingPreference.objects.exists())

    def test_members_speak_only_for_their_own_participating_organisation(self):
        for user, organisation in [(self.bob, self.cair), (self.carol, self.zehao), (self.dave, self.cair)]:
            with self.assertRaises(PermissionDenied):
                services.preference_set(
                    session=self.session, organisation=organisation, other=self.luoxin, kind="must", user=user
                )
        self.assertFalse(MeetingPreference.objects.exists())

    def test_a_participant_cannot_request_a_meeting_with_someone_who_refused_it(self):
        services.preference_set(session=self.session, organisation=self.luoxin, other=self.i2cool, kind="do_not")
        with self.assertRaisesMessage(ValidationError, "does not want to meet"):
            services.request_create(session=self.session, requester=self.i2cool, requested=self.luoxin)
        self.assertFalse(MeetingRequest.objects.filter(session=self.session).exists())


class SchedulingWithPreferencesTests(MeetingsTestCase):
    def test_do_not_meet_pairs_are_never_scheduled_and_the_run_says_why(self):
        self.accepted_set()
        services.preference_set(session=self.session, organisation=self.queshua, other=self.i2cool, kind="do_not")
        run = scheduling.session_schedule(session=self.session, time_limit=10)
        met = {
            frozenset((m.request.requester_id, m.request.requested_id))
            for m in Meeting.objects.filter(session=self.session)
        }
        self.assertNotIn(frozenset((self.i2cool.pk, self.queshua.pk)), met)
        self.assertEqual((run.requests, run.scheduled), (7, 6))
        self.assertIn(
            f"Not scheduled: {self.i2cool} and {self.queshua}, because one of them does not want to meet the other.",
            describe(run.explanation),
        )

    def test_must_meet_pairs_are_placed_before_others(self):
        # i2Cool has seven accepted requests for six slots; the must-meet one has the lowest priority.
        others = [self.cair, self.luoxin, self.queshua, self.quanshu]
        extra = list(self.i2cool.__class__.objects.filter(slug__in=["hku", "hkust", "cuhk"]))
        for org in extra:
            services.participant_add(session=self.session, organisation=org)
        for org in others + extra[:2]:
            self.make_request(self.i2cool, org, priority=3)
        must = self.make_request(self.i2cool, extra[2], priority=1)
        services.preference_set(session=self.session, organisation=extra[2], other=self.i2cool, kind="must")
        run = scheduling.session_schedule(session=self.session, time_limit=10)
        self.assertTrue(Meeting.objects.filter(request=must).exists())
        self.assertEqual((run.requests, run.scheduled), (7, 6))
        lines = describe(run.explanation)
        self.assertTrue(any("Not scheduled (1)" in line for line in lines), lines)
        self.assertTrue(any("has 7 accepted requests for 6 available slots" in line for line in lines))


class ExpiryTests(MeetingsTestCase):
    def test_pending_requests_expire_after_the_session_setting_and_free_their_slots(self):
        self.session.request_expiry_hours = 48
        self.session.save()
        self.session.slots = self.session.morning_slots = 3
        self.session.save()
        for org in (self.cair, self.luoxin, self.queshua):
            services.request_create(session=self.session, requester=org, requested=self.i2cool)
        with self.assertRaisesMessage(ValidationError, "no free slot left"):
            services.request_create(session=self.session, requester=self.quanshu, requested=self.i2cool)
        self.session.requests.filter(requester=self.cair).update(created=timezone.now() - timedelta(hours=49))
        self.assertEqual(services.requests_expire(session=self.session), 1)
        self.assertEqual(self.session.requests.get(requester=self.cair).status, "expired")
        services.request_create(session=self.session, requester=self.quanshu, requested=self.i2cool)
        self.assertEqual(
            self.session.requests.filter(requested=self.i2cool, status__in=["pending", "accepted"]).count(), 3
        )

    def test_an_expired_request_can_no_longer_be_answered(self):
        self.session.request_expiry_hours = 1
        self.session.save()
        request = services.request_create(session=self.session, requester=self.cair, requested=self.i2cool)
        MeetingRequest.objects.filter(pk=request.pk).update(created=timezone.now() - timedelta(hours=2))
        with self.assertRaisesMessage(ValidationError, "already been answered"):
            services.request_answer(request=request, accept=True, user=self.bob)

    def test_without_a_setting_pending_requests_never_expire(self):
        request = services.request_create(session=self.session, requester=self.cair, requested=self.i2cool)
        MeetingRequest.objects.filter(pk=request.pk).update(created=timezone.now() - timedelta(days=400))
        self.assertEqual(services.requests_expire(), 0)


class PreferencePageTests(MeetingsTestCase):
    def url(self):
        return f"/en/meetings/{self.session.slug}/preferences/"

    def test_a_participant_lists_the_others_and_saves_a_preference(self):
        self.login(self.bob)
        r = self.client.get(self.url())
        self.assertContains(r, str(self.luoxin.name))
        self.assertNotContains(r, f'name="other" value="{self.i2cool.slug}"')
        r = self.client.post(self.url(), {"other": self.luoxin.slug, "kind": "must"})
        self.assertRedirects(r, self.url(), fetch_redirect_response=False)
        self.assertEqual(MeetingPreference.objects.get(organisation=self.i2cool).kind, "must")

    def test_the_other_side_sees_that_it_was_refused(self):
        services.preference_set(session=self.session, organisation=self.luoxin, other=self.i2cool, kind="do_not")
        self.login(self.bob)
        self.assertContains(self.client.get(self.url()), "does not want to meet you")

    def test_a_bad_value_shows_an_error_and_changes_nothing(self):
        self.login(self.bob)
        r = self.client.post(self.url(), {"other": self.luoxin.slug, "kind": "maybe"}, follow=True)
        self.assertContains(r, "Unknown preference")
        self.assertFalse(MeetingPreference.objects.exists())

    def test_outsiders_are_refused(self):
        self.login(self.dave)  # HKU takes part in nothing here
        self.assertIn(self.client.get(self.url()).status_code, (403, 404))
        self.client.logout()
        self.assertEqual(self.client.get(self.url()).status_code, 302)

    def test_staff_state_preferences_for_any_participant(self):
        self.login(self.alice)
        self.client.post(self.url(), {"organisation": self.cair.slug, "other": self.luoxin.slug, "kind": "do_not"})
        self.assertEqual(MeetingPreference.objects.get().organisation, self.cair)


class PreferenceApiTests(MeetingsTestCase):
    def call(self, user, body=None):
        secret = token_create(user=user, name="t")[1]
        path = f"/api/meetings/sessions/{self.session.slug}/preferences"
        headers = {"Authorization": f"Bearer {secret}"}
        if body is None:
            return self.client.get(path, headers=headers)
        return self.client.post(path, body, content_type="application/json", headers=headers)

    def test_a_member_sets_and_lists_its_own_preferences(self):
        r = self.call(self.bob, {"other": self.luoxin.slug, "kind": "would_like"})
        self.assertEqual(r.status_code, 200, r.content)
        services.preference_set(session=self.session, organisation=self.cair, other=self.luoxin, kind="must")
        rows = self.call(self.bob).json()
        self.assertEqual(rows, [{"organisation": "i2cool", "other": self.luoxin.slug, "kind": "would_like"}])
        self.assertEqual(len(self.call(self.alice).json()), 2)

    def test_bad_input_is_422_and_changes_nothing(self):
        for body in [{"other": "nobody", "kind": "must"}, {"other": self.luoxin.slug, "kind": "maybe"}]:
            self.assertEqual(self.call(self.bob, body).status_code, 422, body)
        self.assertFalse(MeetingPreference.objects.exists())

    def test_a_member_of_an_organisation_outside_the_session_gets_404(self):
        self.assertEqual(self.call(self.dave, {"other": self.luoxin.slug, "kind": "must"}).status_code, 404)
        self.assertFalse(MeetingPreference.objects.exists())

"""Registration with staff approval, groups, request quotas and who may meet whom."""

from datetime import timedelta

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from innobridge.accounts.models import Notice
from innobridge.directory.models import Membership, Organisation
from innobridge.meetings import participation, services
from innobridge.meetings.models import MatchmakingSession, SessionParticipant, SessionRegistration
from innobridge.meetings.tests.base import MeetingsTestCase
from innobridge.testing import PASSWORD


class RegistrationTests(MeetingsTestCase):
    def setUp(self):
        self.session.date = timezone.localdate() + timedelta(days=30)
        self.session.registration = MatchmakingSession.Registration.APPROVAL
        self.session.save()
        self.hku = Organisation.objects.get(slug="hku")

    def test_a_member_registers_staff_approve_and_the_organisation_becomes_a_participant(self):
        with self.captureOnCommitCallbacks(execute=True):
            reg = participation.session_register(
                session=self.session, organisation=self.hku, user=self.dave, note="Two people"
            )
        self.assertEqual((reg.status, reg.note), ("pending", "Two people"))
        self.assertFalse(self.session.participants.filter(organisation=self.hku).exists())
        self.assertTrue(Notice.objects.filter(user=self.alice, kind="registration").exists())  # staff are told
        with self.captureOnCommitCallbacks(execute=True):
            participation.registration_decide(registration=reg, approve=True, user=self.alice, note="Welcome")
        participant = SessionParticipant.objects.get(session=self.session, organisation=self.hku)
        self.assertEqual(participant.group, "local")  # HKU is not in the session's delegation
        notice = Notice.objects.get(user=self.dave, kind="registration")
        self.assertIn("Test Jinan session", notice.subject)
        self.assertIn("Welcome", notice.body)

    def test_refusal_adds_nobody_and_a_decided_registration_cannot_be_decided_again(self):
        reg = participation.session_register(session=self.session, organisation=self.hku, user=self.dave)
        participation.registration_decide(registration=reg, approve=False, user=self.alice)
        self.assertFalse(self.session.participants.filter(organisation=self.hku).exists())
        with self.assertRaisesMessage(ValidationError, "already been decided"):
            participation.registration_decide(registration=reg, approve=True, user=self.alice)
        # Refused, the organisation may register again.
        again = participation.session_register(session=self.session, organisation=self.hku, user=self.dave)
        self.assertEqual(again.status, "pending")

    def test_one_registration_at_a_time_and_only_for_ones_own_organisation(self):
        participation.session_register(session=self.session, organisation=self.hku, user=self.dave)
        with self.assertRaisesMessage(ValidationError, "already registered"):
            participation.session_register(session=self.session, organisation=self.hku, user=self.dave)
        with self.assertRaises(PermissionDenied):
            participation.session_register(session=self.session, organisation=self.hku, user=self.bob)
        with self.assertRaisesMessage(ValidationError, "already takes part"):
            participation.session_register(session=self.session, organisation=self.i2cool, user=self.bob)
        self.assertEqual(SessionRegistration.objects.filter(session=self.session).count(), 1)

    def test_members_do_not_decide(self):
        reg = participation.session_register(session=self.session, organisation=self.hku, user=self.dave)
        with self.assertRaises(PermissionDenied):
            participation.registration_decide(registration=reg, approve=True, user=self.dave)

    def test_an_open_session_admits_at_once(self):
        self.session.registration = MatchmakingSession.Registration.OPEN
        self.session.save()
        reg = participation.session_register(session=self.session, organisation=self.hku, user=self.dave)
        self.assertEqual(reg.status, "approved")
        self.assertTrue(self.session.participants.filter(organisation=self.hku).exists())

    def test_closed_past_or_published_sessions_take_no_registration(self):
        for change in (
            {"registration": "closed"},
            {"date": timezone.localdate() - timedelta(days=1)},
            {"status": "published"},
        ):
            MatchmakingSession.objects.filter(pk=self.session.pk).update(
                registration="approval", date=timezone.localdate() + timedelta(days=3), status="open"
            )
            MatchmakingSession.objects.filter(pk=self.session.pk).update(**change)
            self.session.refresh_from_db()
            with self.subTest(change=change), self.assertRaisesMessage(ValidationError, "does not take registrations"):
                participation.session_register(session=self.session, organisation=self.hku, user=self.dave)
        self.assertFalse(SessionRegistration.objects.filter(session=self.session).exists())

    def test_withdrawing_and_leaving(self):
        reg = participation.session_register(session=self.session, organisation=self.hku, user=self.dave)
        participation.registration_withdraw(registration=reg, user=self.dave)
        reg = participation.session_register(session=self.session, organisation=self.hku, user=self.dave)
        participation.registration_decide(registration=reg, approve=True, user=self.alice)
        self.make_request(self.hku, self.luoxin, status="pending", source="staff")
        with self.assertRaisesMessage(ValidationError, "Cancel your open and accepted requests"):
            participation.registration_withdraw(registration=reg, user=self.dave)
        self.assertTrue(self.session.participants.filter(organisation=self.hku).exists())

    def test_a_registered_session_is_visible_to_partners_and_its_page_offers_registration(self):
        self.login(self.dave)
        response = self.client.get(self.session.get_absolute_url())
        self.assertContains(response, "Register for this session")
        self.assertNotContains(response, self.luoxin.name_en)  # no requests or participants before admission
        response = self.client.post(f"/en/meetings/{self.session.slug}/register/", {"note": "我們兩位"}, follow=True)
        self.assertContains(response, "Registration sent")
        self.assertContains(response, "awaiting approval")
        reg = SessionRegistration.objects.get(organisation__slug="hku")
        self.login(self.alice)
        response = self.client.post(
            f"/en/meetings/registrations/{reg.reference}/decide/", {"decision": "approve"}, follow=True
        )
        self.assertContains(response, "Decision saved")
        self.login(self.dave)
        response = self.client.get(self.session.get_absolute_url())
        self.assertContains(response, "Meeting preferences")  # a participant now

    def test_the_api_registers_and_staff_decide(self):
        self.client.force_login(self.dave)
        r = self.client.post(
            f"/api/meetings/sessions/{self.session.slug}/registrations",
            {"note": "x"},
            content_type="application/json",
        )
        self.assertEqual(r.status_code, 201, r.content)
        reference = r.json()["reference"]
        self.assertEqual(r.json()["group"], "local")
        r = self.client.post(
            f"/api/meetings/registrations/{reference}/decision", {"approve": True}, content_type="application/json"
        )
        self.assertEqual(r.status_code, 403)
        self.client.force_login(self.alice)
        r = self.client.post(
            f"/api/meetings/registrations/{reference}/decision", {"approve": True}, content_type="application/json"
        )
        self.assertEqual((r.status_code, r.json()["status"]), (200, "approved"))
        self.client.force_login(self.bob)  # another organisation does not see it
        r = self.client.get(f"/api/meetings/sessions/{self.session.slug}/registrations")
        self.assertEqual(r.json(), [])


class RequestRuleTests(MeetingsTestCase):
    def test_visitors_meet_locals_only_when_the_session_says_so(self):
        self.assertEqual(participation.group_of(self.session, self.i2cool), "visitor")
        self.assertEqual(participation.group_of(self.session, self.luoxin), "local")
        self.session.who_meets = MatchmakingSession.WhoMeets.ACROSS
        self.session.save()
        with self.assertRaisesMessage(ValidationError, "visitors meet locals only"):
            services.request_create(session=self.session, requester=self.i2cool, requested=self.cair)
        with self.assertRaisesMessage(ValidationError, "visitors meet locals only"):
            services.request_create(session=self.session, requester=self.luoxin, requested=self.queshua)
        services.request_create(session=self.session, requester=self.i2cool, requested=self.luoxin)
        # Staff arrange what the rules do not foresee.
        services.request_create(session=self.session, requester=self.i2cool, requested=self.cair, source="staff")

    def test_a_group_quota_caps_open_and_accepted_requests_sent(self):
        self.session.visitor_quota = 2
        self.session.save()
        services.request_create(session=self.session, requester=self.i2cool, requested=self.luoxin)
        second = services.request_create(session=self.session, requester=self.i2cool, requested=self.queshua)
        with self.assertRaisesMessage(ValidationError, "the most its group may send"):
            services.request_create(session=self.session, requester=self.i2cool, requested=self.quanshu)
        # Received requests do not count, and a cancelled one frees its place.
        services.request_create(session=self.session, requester=self.quanshu, requested=self.i2cool)
        services.request_cancel(request=second, user=self.alice)
        services.request_create(session=self.session, requester=self.i2cool, requested=self.cair)

    def test_in_a_session_with_registration_both_sides_must_be_admitted(self):
        self.session.registration = MatchmakingSession.Registration.APPROVAL
        self.session.save()
        zehao = Organisation.objects.get(slug="zehao-high-purity-metals")
        with self.assertRaisesMessage(ValidationError, "does not take part in this session"):
            services.request_create(session=self.session, requester=self.i2cool, requested=zehao)

    def test_a_staff_set_group_overrides_the_delegation(self):
        participation.participant_set_group(session=self.session, organisation=self.cair, group="local")
        self.assertEqual(participation.group_of(self.session, self.cair), "local")
        with self.assertRaises(ValidationError):
            participation.participant_set_group(session=self.session, organisation=self.cair, group="vip")


class RepresentativesTests(MeetingsTestCase):
    def test_members_name_several_colleagues_and_nobody_else(self):
        from innobridge.meetings import publishing

        request = self.make_request(self.luoxin, self.i2cool)
        eve = User.objects.create_user("eve", "eve@example.org", PASSWORD, first_name="Eve")
        Membership.objects.create(user=eve, organisation=self.i2cool)
        chosen = publishing.representatives_set(
            request=request, organisation=self.i2cool, people=[self.bob, eve], user=self.bob
        )
        self.assertEqual(len(chosen), 2)
        self.assertEqual(request.representatives.count(), 2)
        with self.assertRaisesMessage(ValidationError, "not a member of"):
            publishing.representatives_set(request=request, organisation=self.i2cool, people=[self.dave], user=self.bob)
        with self.assertRaises(PermissionDenied):  # bob does not choose for the other side
            publishing.representatives_set(request=request, organisation=self.luoxin, people=[], user=self.bob)
        self.assertEqual(request.representatives.count(), 2)  # refused changes nothing


class DemoSessionTests(MeetingsTestCase):
    def test_the_demo_follow_up_session_takes_registrations_with_groups_by_where_organisations_are(self):
        session = MatchmakingSession.objects.get(slug="jinan-b2b-follow-up")
        self.assertTrue(participation.takes_registrations(session))
        groups = dict(session.participants.values_list("organisation__slug", "group"))
        self.assertEqual(groups["i2cool"], "visitor")  # based in Hong Kong
        self.assertEqual(groups["jinan-queshua-digital-finance"], "local")  # based in Shandong
        self.assertEqual(
            list(session.registrations.filter(status="pending").values_list("organisation__slug", flat=True)),
            ["jinan-quanshu-software-park"],
        )
        with self.assertRaisesMessage(ValidationError, "visitors meet locals only"):
            services.request_create(session=session, requester=self.i2cool, requested=self.cair)
        services.request_create(session=session, requester=self.i2cool, requested=self.queshua)

"""Joining an organisation after sign-up: claims and proposals decided by staff, one request waiting per
user, the first member as administrator, invitations by staff or an organisation's administrator (once,
until they expire), roles, and notices to the people concerned."""

import re
from datetime import timedelta

from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from innobridge.accounts.models import Notice
from innobridge.directory import membership
from innobridge.directory.models import Invitation, Membership, MembershipRequest, Organisation
from innobridge.testing import PASSWORD, BaseTestCase


def new_user(name: str) -> User:
    return User.objects.create_user(f"{name}@example.com", f"{name}@example.com", PASSWORD, first_name=name.title())


class MembershipRequestTests(BaseTestCase):
    def test_claim_approved_by_staff_makes_the_user_a_member_and_notifies_them(self):
        dana = new_user("dana")
        org = Organisation.objects.get(slug="hualu-holdings")
        self.login(dana)
        self.client.post("/en/join/", {"organisation": org.slug, "message": "I run partnerships there."})
        request = MembershipRequest.objects.get(user=dana)
        self.assertEqual((request.organisation, request.status), (org, "pending"))
        self.assertTrue(Notice.objects.filter(user=self.alice, kind="membership").exists())
        self.login(self.alice)
        page = self.client.get("/en/join/requests/")
        self.assertContains(page, "I run partnerships there.")
        self.client.post("/en/join/requests/", {"reference": request.reference, "decision": "approve"})
        dana.refresh_from_db()
        self.assertEqual(dana.membership.organisation, org)
        expected = "member" if org.memberships.exclude(user=dana).exists() else "admin"
        self.assertEqual(dana.membership.role, expected)
        notice = Notice.objects.get(user=dana)
        self.assertIn(org.name, notice.subject)
        self.assertEqual(notice.url, org.get_absolute_url())
        # Deciding twice changes nothing.
        with self.assertRaises(ValidationError):
            membership.membership_request_decide(request=request, staff=self.alice, approve=False)

    def test_a_proposed_organisation_is_created_on_approval_with_its_proposer_as_administrator(self):
        dana = new_user("dana")
        req = membership.membership_request_create(user=dana, proposed_name="泰山綠能科技", proposed_kind="enterprise")
        membership.membership_request_decide(request=req, staff=self.alice, approve=True)
        org = Organisation.objects.get(name_zh_hant="泰山綠能科技")
        self.assertEqual(org.name_zh_hans, "泰山绿能科技")
        self.assertEqual(Membership.objects.get(user=dana).role, "admin")

    def test_refusal_notifies_with_the_note_and_creates_nothing(self):
        dana = new_user("dana")
        req = membership.membership_request_create(user=dana, proposed_name="Nowhere Ltd")
        membership.membership_request_decide(request=req, staff=self.alice, approve=False, note="Unknown to us")
        self.assertFalse(Organisation.objects.filter(name_en="Nowhere Ltd").exists())
        self.assertFalse(Membership.objects.filter(user=dana).exists())
        self.assertEqual(Notice.objects.get(user=dana).body, "Unknown to us")

    def test_one_request_waits_at_a_time_in_the_database_too(self):
        dana = new_user("dana")
        membership.membership_request_create(user=dana, proposed_name="First Ltd")
        with self.assertRaises(ValidationError):
            membership.membership_request_create(user=dana, proposed_name="Second Ltd")
        with self.assertRaises(IntegrityError), transaction.atomic():
            MembershipRequest.objects.create(reference="join-x", user=dana, proposed_name="Third Ltd")
        self.assertEqual(MembershipRequest.objects.filter(user=dana).count(), 1)

    def test_members_and_outsiders_cannot_decide_and_requests_need_an_organisation(self):
        dana = new_user("dana")
        req = membership.membership_request_create(user=dana, proposed_name="First Ltd")
        with self.assertRaises(PermissionDenied):
            membership.membership_request_decide(request=req, staff=self.bob, approve=True)
        self.login(self.bob)
        self.assertEqual(self.client.get("/en/join/requests/").status_code, 403)
        self.assertEqual(
            self.client.post("/en/join/requests/", {"reference": req.reference, "decision": "approve"}).status_code, 403
        )
        self.assertEqual(MembershipRequest.objects.get(pk=req.pk).status, "pending")
        with self.assertRaises(ValidationError):
            membership.membership_request_create(user=new_user("erin"))
        with self.assertRaises(ValidationError):  # bob already belongs to i2Cool
            membership.membership_request_create(user=self.bob, organisation=self.zehao)

    def test_a_user_withdraws_their_own_request_only(self):
        dana, erin = new_user("dana"), new_user("erin")
        req = membership.membership_request_create(user=dana, proposed_name="First Ltd")
        self.login(erin)
        self.assertEqual(
            self.client.post("/en/join/", {"action": "withdraw", "reference": req.reference}).status_code, 404
        )
        self.login(dana)
        self.client.post("/en/join/", {"action": "withdraw", "reference": req.reference})
        self.assertFalse(MembershipRequest.objects.filter(pk=req.pk).exists())

    def test_the_join_page_finds_organisations_in_any_script(self):
        self.login(new_user("dana"))
        page = self.client.get("/zh-hans/join/", {"q": "华鲁"})
        self.assertContains(page, "?organisation=hualu-holdings")


class InvitationTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        Membership.objects.filter(user=self.bob).update(role="admin")
        self.bob.refresh_from_db()

    def invite(self, email="dana@example.com", role="member", by=None):
        return membership.invitation_create(
            organisation=self.i2cool, email=email, role=role, invited_by=by or self.bob, accept_url=lambda s: f"/x/{s}"
        )

    def test_an_administrator_invites_and_a_new_person_joins_with_a_new_account(self):
        self.login(self.bob)
        response = self.client.post(
            "/en/organisations/i2cool/members/", {"email": "Dana@Example.com", "role": "member"}
        )
        self.assertEqual(response.status_code, 302)
        invitation = Invitation.objects.get(organisation=self.i2cool)
        self.assertEqual(invitation.email, "dana@example.com")
        link = re.search(r"https?://testserver(\S+)", mail.outbox[-1].body).group(1)
        self.assertNotIn(link.rstrip("/").rsplit("/", 1)[1], invitation.secret_hash)
        self.client.logout()
        form = {"full_name": "Dana Lee", "password1": "harbour-lights-917", "password2": "harbour-lights-917"}
        response = self.client.post(link, form)
        self.assertRedirects(response, self.i2cool.get_absolute_url(), fetch_redirect_response=False)
        dana = User.objects.get(username="dana@example.com")
        self.assertTrue(dana.is_active)
        self.assertEqual((dana.membership.organisation, dana.membership.role), (self.i2cool, "member"))
        self.assertTrue(Notice.objects.filter(user=self.bob, kind="membership").exists())
        # The link works once.
        self.client.logout()
        self.assertEqual(self.client.get(link).status_code, 404)

    def test_a_signed_in_user_accepts_and_a_member_of_another_organisation_cannot(self):
        _inv, secret = self.invite()
        dana = new_user("dana")
        self.login(self.carol)
        self.client.post(f"/en/join/invitation/{secret}/")
        self.assertEqual(self.carol.membership.organisation, self.zehao)
        self.login(dana)
        self.client.post(f"/en/join/invitation/{secret}/")
        self.assertEqual(Membership.objects.get(user=dana).organisation, self.i2cool)

    def test_an_expired_invitation_is_refused(self):
        invitation, secret = self.invite()
        Invitation.objects.filter(pk=invitation.pk).update(expires=timezone.now() - timedelta(minutes=1))
        with self.assertRaises(ValidationError):
            membership.invitation_accept(secret=secret, user=new_user("dana"))
        self.assertEqual(self.client.get(f"/en/join/invitation/{secret}/").status_code, 404)

    def test_plain_members_and_outsiders_cannot_invite_or_see_invitations(self):
        with self.assertRaises(PermissionDenied):
            self.invite(by=self.carol)
        Membership.objects.filter(user=self.bob).update(role="member")
        self.bob.refresh_from_db()
        with self.assertRaises(PermissionDenied):
            self.invite(by=self.bob)
        self.login(self.bob)
        page = self.client.get("/en/organisations/i2cool/members/")
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, "Invite a colleague")
        self.assertEqual(
            self.client.post(
                "/en/organisations/i2cool/members/", {"email": "x@example.com", "role": "admin"}
            ).status_code,
            403,
        )
        self.login(self.carol)
        self.assertEqual(self.client.get("/en/organisations/i2cool/members/").status_code, 403)
        self.assertFalse(Invitation.objects.exists())

    def test_the_last_administrator_keeps_the_role(self):
        with self.assertRaises(ValidationError):
            membership.membership_set_role(membership=self.bob.membership, role="member", by=self.bob)
        self.assertEqual(Membership.objects.get(user=self.bob).role, "admin")
        invitation, secret = self.invite(role="admin")
        dana = new_user("dana")
        membership.invitation_accept(secret=secret, user=dana)
        membership.membership_set_role(membership=self.bob.membership, role="member", by=dana)
        self.assertEqual(Membership.objects.get(user=self.bob).role, "member")


class MembershipApiTests(BaseTestCase):
    def test_request_decide_and_read_notices_through_the_api(self):
        dana = new_user("dana")
        self.login(dana)
        created = self.client.post(
            "/api/membership-requests", {"organisation": "hualu-holdings"}, content_type="application/json"
        )
        self.assertEqual(created.status_code, 201, created.content)
        reference = created.json()["reference"]
        self.assertEqual(
            self.client.post(
                f"/api/membership-requests/{reference}/decision", {"approve": True}, content_type="application/json"
            ).status_code,
            403,
        )
        self.login(self.alice)
        waiting = self.client.get("/api/membership-requests").json()["items"]
        self.assertIn(reference, [r["reference"] for r in waiting])
        decided = self.client.post(
            f"/api/membership-requests/{reference}/decision", {"approve": True}, content_type="application/json"
        )
        self.assertEqual(decided.json()["status"], "approved")
        again = self.client.post(
            f"/api/membership-requests/{reference}/decision", {"approve": False}, content_type="application/json"
        )
        self.assertEqual(again.status_code, 409)
        self.login(dana)
        mine = self.client.get("/api/notifications").json()["items"]
        self.assertEqual(len(mine), 1)
        self.assertIsNone(mine[0]["read"])
        marked = self.client.post("/api/notifications/read", {}, content_type="application/json").json()
        self.assertEqual(marked["marked"], 1)
        self.login(self.carol)
        self.assertEqual(self.client.get("/api/notifications").json()["items"], [])

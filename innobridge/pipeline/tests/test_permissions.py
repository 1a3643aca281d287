from innobridge.pipeline.tests.base import SmallWorldTestCase

STAFF_PAGES = [
    "/en/analytics/",
    "/en/analytics/funnel/",
    "/en/analytics/agreements/",
    "/en/analytics/network/",
    "/en/analytics/funnel/funnel.csv",
    "/en/analytics/agreements/by-place.csv",
    "/en/analytics/network/edges.csv",
    "/en/analytics/funnel.xlsx",
    "/en/analytics/agreements.xlsx",
    "/en/analytics/network.xlsx",
    "/en/programmes/prog/report/",
    "/en/agreements/a1/value/",
]


class StaffOnlyPagesTests(SmallWorldTestCase):
    def test_anonymous_visitors_are_sent_to_log_in(self):
        for url in STAFF_PAGES:
            r = self.client.get(url)
            self.assertEqual(r.status_code, 302, url)
            self.assertIn("/accounts/login/", r["Location"], url)

    def test_partner_members_are_refused(self):
        self.client.force_login(self.member)
        for url in STAFF_PAGES:
            self.assertEqual(self.client.get(url).status_code, 403, url)

    def test_staff_see_them(self):
        self.client.force_login(self.staff)
        for url in STAFF_PAGES:
            self.assertEqual(self.client.get(url).status_code, 200, url)

    def test_only_staff_have_the_navigation_link(self):
        self.assertNotContains(self.client.get("/en/"), "/en/analytics/")
        self.client.force_login(self.member)
        self.assertNotContains(self.client.get("/en/"), "/en/analytics/")
        self.client.force_login(self.staff)
        self.assertContains(self.client.get("/en/"), "/en/analytics/")


class MilestonePagesTests(SmallWorldTestCase):
    """Staff and members of a party manage an agreement's milestones; nobody else."""

    url = "/en/agreements/a1/milestones/new/"

    def post(self):
        return self.client.post(self.url, {"title_en": "Site survey", "due": "2030-01-31", "status": "open"})

    def test_anonymous_visitors_are_sent_to_log_in(self):
        self.assertEqual(self.client.get(self.url).status_code, 302)
        self.assertEqual(self.post().status_code, 302)
        self.assertFalse(self.a1.milestones.exists())

    def test_a_member_of_another_organisation_is_refused(self):
        self.client.force_login(self.stranger)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.assertEqual(self.post().status_code, 403)
        self.assertEqual(self.client.post("/en/agreements/a1/status/", {"to_status": "scaled"}).status_code, 403)
        self.assertFalse(self.a1.milestones.exists())

    def test_a_member_of_a_party_adds_and_completes_a_milestone(self):
        self.client.force_login(self.member)
        self.assertEqual(self.client.get(self.url).status_code, 200)
        self.assertEqual(self.post().status_code, 302)
        milestone = self.a1.milestones.get()
        self.assertEqual(milestone.title_en, "Site survey")
        self.client.post(f"/en/agreements/a1/milestones/{milestone.reference}/done/")
        milestone.refresh_from_db()
        self.assertEqual(milestone.status, "done")
        self.assertIsNotNone(milestone.done_on)

    def test_partners_do_not_get_the_document_picker(self):
        self.client.force_login(self.member)
        self.assertNotContains(self.client.get(self.url), 'name="evidence"')
        self.client.force_login(self.staff)
        self.assertContains(self.client.get(self.url), "evidence")

    def test_partners_see_names_of_possible_owners_never_user_names(self):
        from innobridge.pipeline.models import Milestone

        self.staff.first_name, self.staff.last_name = "Ada", "Wong"
        self.staff.save()
        quiet = type(self.staff).objects.create_user("ops-admin-7", is_staff=True)  # no full name
        Milestone.objects.create(agreement=self.a1, title_en="Pilot", due="2030-01-01", owner=quiet)
        self.client.force_login(self.member)
        form, page = self.client.get(self.url), self.client.get("/en/agreements/a1/")
        self.assertContains(form, "Ada Wong")
        self.assertContains(form, "InnoBridge staff")
        self.assertContains(page, "<td>InnoBridge staff</td>", html=False)
        for shown in (form, page):
            self.assertNotContains(shown, "ops-admin-7")
            self.assertNotContains(shown, ">staff<")
        self.client.force_login(self.staff)  # staff see user names, to tell people apart
        self.assertContains(self.client.get(self.url), "ops-admin-7")

    def test_a_milestone_needs_a_title_and_a_due_date(self):
        self.client.force_login(self.staff)
        r = self.client.post(self.url, {"due": "", "status": "open"})
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "Give a title in at least one language.")
        self.assertFalse(self.a1.milestones.exists())

    def test_a_milestone_of_another_agreement_is_404(self):
        self.client.force_login(self.staff)
        self.post()
        milestone = self.a1.milestones.get()
        self.assertEqual(self.client.get(f"/en/agreements/a2/milestones/{milestone.reference}/").status_code, 404)


class NotificationPageTests(SmallWorldTestCase):
    def test_anonymous_visitors_must_log_in(self):
        self.assertEqual(self.client.get("/en/notifications/").status_code, 302)

    def test_each_user_sees_only_their_own_notices(self):
        from innobridge.accounts.models import Notice

        Notice.objects.create(user=self.member, kind="milestone", subject="Mine to read")
        Notice.objects.create(user=self.staff, kind="milestone", subject="Not for member")
        self.client.force_login(self.member)
        r = self.client.get("/en/notifications/")
        self.assertContains(r, "Mine to read")
        self.assertNotContains(r, "Not for member")
        self.client.post("/en/notifications/")
        self.assertIsNotNone(Notice.objects.get(subject="Mine to read").read)
        self.assertIsNone(Notice.objects.get(subject="Not for member").read)

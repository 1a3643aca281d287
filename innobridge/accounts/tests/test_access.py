"""Access from outside: every edit page and the admin refuse those who may not use them."""

from django.contrib.auth.models import User

from innobridge.testing import PASSWORD, BaseTestCase

EDIT_PAGES = [
    "/en/organisations/new/",
    "/en/organisations/hkstp/edit/",
    "/en/organisations/i2cool/edit/",
    "/en/people/new/",
    "/en/people/albert-wong/edit/",
]
ADMIN_PAGES = [
    "/en/admin/",
    "/en/admin/directory/organisation/",
    "/en/admin/directory/person/",
    "/en/admin/programmes/agreement/",
    "/en/admin/auth/user/",
]


class AccessTests(BaseTestCase):
    def test_anonymous_visitors_are_sent_to_login_on_every_edit_page_and_the_admin(self):
        for url in EDIT_PAGES + ADMIN_PAGES:
            for method in ("get", "post"):
                r = getattr(self.client, method)(url)
                self.assertIn(r.status_code, (302, 403), f"{method} {url}")
                if r.status_code == 302:
                    self.assertIn("login", r["Location"], url)

    def test_partner_members_are_refused_other_organisations_and_the_admin(self):
        self.login(self.bob)
        for url in [u for u in EDIT_PAGES if "i2cool" not in u]:
            self.assertEqual(self.client.get(url).status_code, 403, url)
        for url in ADMIN_PAGES:
            r = self.client.get(url)
            self.assertEqual(r.status_code, 302, url)
            self.assertIn("/admin/login/", r["Location"])

    def test_staff_reach_every_edit_page_and_the_admin(self):
        self.login(self.alice)
        for url in EDIT_PAGES:
            self.assertEqual(self.client.get(url).status_code, 200, url)
        self.alice.is_superuser = True
        self.alice.save()
        for url in ADMIN_PAGES:
            self.assertEqual(self.client.get(url).status_code, 200, url)

    def test_staff_edit_records_through_the_admin_and_names_are_derived(self):
        self.alice.is_superuser = True
        self.alice.save()
        self.login(self.alice)
        r = self.client.post(
            "/en/admin/directory/place/add/", {"name_zh_hans": "威海", "kind": "city", "slug": "weihai-2"}
        )
        self.assertEqual(r.status_code, 302)
        from innobridge.directory.models import Place

        self.assertEqual(Place.objects.get(slug="weihai-2").name_zh_hant, "威海")


class LoginTests(BaseTestCase):
    def test_a_user_logs_in_and_out(self):
        r = self.client.post("/en/accounts/login/", {"username": "bob", "password": PASSWORD, "next": "/en/"})
        self.assertRedirects(r, "/en/")
        self.assertContains(self.client.get("/en/"), "Log out")
        r = self.client.post("/en/accounts/logout/")
        self.assertEqual(r.status_code, 302)
        self.assertContains(self.client.get("/en/"), "Log in")

    def test_a_wrong_password_is_refused(self):
        r = self.client.post("/zh-hant/accounts/login/", {"username": "bob", "password": "nope"})
        self.assertEqual(r.status_code, 200)
        self.assertFalse(r.context["user"].is_authenticated)

    def test_an_outside_next_url_is_not_followed(self):
        r = self.client.post(
            "/en/accounts/login/", {"username": "bob", "password": PASSWORD, "next": "https://evil.example/"}
        )
        self.assertNotIn("evil.example", r["Location"])

    def test_inactive_staff_have_no_staff_rights(self):
        eve = User.objects.create_user("eve", password=PASSWORD, is_staff=True, is_active=False)
        self.client.force_login(eve)
        self.assertNotEqual(self.client.get("/en/organisations/new/").status_code, 200)

"""API tokens: created on the tokens page, shown once, stored hashed, used, revoked."""

from django.db import connection

from innobridge.accounts.models import ApiToken
from innobridge.accounts.tokens import token_create
from innobridge.audit.models import ApiAccess
from innobridge.testing import BaseTestCase


class TokenPageTests(BaseTestCase):
    def create(self, name="Partner CRM"):
        self.login(self.bob)
        r = self.client.post("/en/accounts/tokens/", {"name": name})
        self.assertEqual(r.status_code, 200)
        return r, r.context["secret"]

    def test_the_secret_is_shown_once_and_only_its_hash_is_stored(self):
        r, secret = self.create()
        self.assertContains(r, secret)
        token = ApiToken.objects.get(user=self.bob)
        self.assertNotEqual(token.secret_hash, secret)
        self.assertIn(token.prefix, secret)
        self.assertNotContains(self.client.get("/en/accounts/tokens/"), secret)
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM accounts_apitoken")
            self.assertNotIn(secret, repr(cursor.fetchall()))
            self.assertNotIn(secret.split("_")[-1], repr(cursor.fetchall()))

    def test_a_token_authenticates_its_user_and_records_the_access(self):
        _r, secret = self.create()
        self.client.logout()
        r = self.client.get("/api/contact-requests", headers={"Authorization": f"Bearer {secret}"})
        self.assertEqual(r.status_code, 200)
        access = ApiAccess.objects.get(path="/api/contact-requests")
        self.assertEqual(
            (access.user, access.token.name, access.method, access.status), (self.bob, "Partner CRM", "GET", 200)
        )
        self.assertIsNotNone(ApiToken.objects.get().last_used)

    def test_a_revoked_token_gets_401_with_a_json_error(self):
        _r, secret = self.create()
        token = ApiToken.objects.get()
        r = self.client.post(f"/en/accounts/tokens/{token.prefix}/revoke/")
        self.assertRedirects(r, "/en/accounts/tokens/")
        self.client.logout()
        r = self.client.get("/api/organisations", headers={"Authorization": f"Bearer {secret}"})
        self.assertEqual(r.status_code, 401)
        self.assertEqual(r.json(), {"detail": "Invalid or revoked API token."})
        self.assertEqual(ApiAccess.objects.get(status=401).token, None)

    def test_a_made_up_or_malformed_token_gets_401_even_where_anonymous_reads_are_allowed(self):
        for header in ("Bearer ib_0000_nothing", "Bearer", "Basic YWxpY2U6eA==", "Token abc"):
            r = self.client.get("/api/organisations", headers={"Authorization": header})
            self.assertEqual(r.status_code, 401, header)
            self.assertIn("detail", r.json())

    def test_another_users_token_cannot_be_revoked(self):
        token, secret = token_create(user=self.carol, name="carol's")
        self.login(self.bob)
        self.assertEqual(self.client.post(f"/en/accounts/tokens/{token.prefix}/revoke/").status_code, 404)
        token.refresh_from_db()
        self.assertIsNone(token.revoked)
        self.assertNotContains(self.client.get("/en/accounts/tokens/"), "carol&#x27;s")

    def test_the_tokens_page_needs_a_login_and_revoking_needs_post(self):
        self.assertRedirects(self.client.get("/en/accounts/tokens/"), "/en/accounts/login/?next=/en/accounts/tokens/")
        token, _secret = token_create(user=self.bob, name="x")
        self.login(self.bob)
        self.assertEqual(self.client.get(f"/en/accounts/tokens/{token.prefix}/revoke/").status_code, 405)

    def test_a_token_needs_a_name(self):
        self.login(self.bob)
        r = self.client.post("/en/accounts/tokens/", {"name": "  "})
        self.assertIsNone(r.context["secret"])
        self.assertFalse(ApiToken.objects.exists())

    def test_a_deactivated_user_s_token_stops_working(self):
        _token, secret = token_create(user=self.bob, name="x")
        self.bob.is_active = False
        self.bob.save()
        r = self.client.get("/api/organisations", headers={"Authorization": f"Bearer {secret}"})
        self.assertEqual(r.status_code, 401)


class SessionCsrfTests(BaseTestCase):
    def test_session_writes_need_the_csrf_token_but_token_writes_do_not(self):
        from django.test import Client

        browser = Client(enforce_csrf_checks=True)
        browser.force_login(self.carol)
        r = browser.post("/api/contact-requests", {"need": "x"}, content_type="application/json")
        self.assertEqual(r.status_code, 403)
        self.assertIn("CSRF", r.json()["detail"])
        _token, secret = token_create(user=self.carol, name="x")
        r = Client(enforce_csrf_checks=True).post(
            "/api/contact-requests",
            {"need": "x"},
            content_type="application/json",
            headers={"Authorization": f"Bearer {secret}"},
        )
        self.assertEqual(r.status_code, 404)  # past authentication: the need does not exist

    def test_session_reads_work_without_a_token(self):
        self.login(self.carol)
        self.assertEqual(self.client.get("/api/contact-requests").status_code, 200)


class AdminTests(BaseTestCase):
    def test_the_api_access_log_is_listed_for_staff_only(self):
        self.client.get("/api/organisations")
        self.login(self.bob)
        self.assertNotEqual(self.client.get("/en/admin/audit/apiaccess/").status_code, 200)
        self.login(self.alice)
        r = self.client.get("/en/admin/audit/apiaccess/")
        self.assertContains(r, "/api/organisations")

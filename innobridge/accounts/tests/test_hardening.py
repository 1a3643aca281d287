"""Sign-in throttling, security headers and the production deployment check."""

import os
import subprocess
import sys

from django.test import TestCase, override_settings

from innobridge.accounts.models import LoginFailure
from innobridge.testing import PASSWORD, BaseTestCase


class ThrottleTests(BaseTestCase):
    def attempt(self, password: str, address: str = "203.0.113.5", username: str = "alice"):
        return self.client.post(
            "/en/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address
        )

    def test_five_failures_lock_the_account_even_for_the_right_password(self):
        for _ in range(5):
            self.assertEqual(self.attempt("wrong-password").status_code, 200)
        r = self.attempt(PASSWORD)
        self.assertContains(r, "Too many failed sign-in attempts")
        self.assertNotIn("_auth_user_id", self.client.session)

    @override_settings(LOGIN_ADDRESS_FAILURE_LIMIT=8)
    def test_the_lock_counts_per_address_across_accounts(self):
        for i in range(8):
            self.attempt("x", username=f"nobody{i}")
        self.assertContains(self.attempt(PASSWORD), "Too many failed sign-in attempts")
        # Another address may still sign in to the same account.
        r = self.attempt(PASSWORD, address="198.51.100.7")
        self.assertEqual(r.status_code, 302)

    def test_nobody_can_lock_a_staff_account_for_its_owner(self):
        # An attacker guesses alice's password from several addresses; alice, from hers, signs in.
        for address in ("203.0.113.20", "203.0.113.21", "203.0.113.22"):
            for _ in range(6):
                self.attempt("wrong-password", address=address)
        self.assertContains(self.attempt(PASSWORD, address="203.0.113.20"), "Too many failed sign-in attempts")
        r = self.attempt(PASSWORD, address="198.51.100.30")
        self.assertEqual(r.status_code, 302)
        self.assertEqual(int(self.client.session["_auth_user_id"]), self.alice.pk)

    def test_a_successful_sign_in_leaves_no_attempt_behind(self):
        self.attempt("wrong-password")
        self.assertEqual(self.attempt(PASSWORD).status_code, 302)
        self.assertEqual(LoginFailure.objects.count(), 1)

    def test_four_failures_do_not_lock_and_old_failures_expire(self):
        for _ in range(4):
            self.attempt("wrong-password")
        self.assertEqual(self.attempt(PASSWORD).status_code, 302)
        self.client.logout()
        LoginFailure.objects.update(at="2000-01-01T00:00:00Z")
        for _ in range(4):
            self.attempt("wrong-password")
        self.assertEqual(self.attempt(PASSWORD).status_code, 302)

    @override_settings(TRUSTED_PROXY_COUNT=1)
    def test_behind_a_proxy_the_forwarded_address_is_counted(self):
        for _ in range(5):
            self.client.post(
                "/en/accounts/login/",
                {"username": "ghost", "password": "x"},
                REMOTE_ADDR="127.0.0.1",
                HTTP_X_FORWARDED_FOR="203.0.113.9",
            )
        self.assertEqual(set(LoginFailure.objects.values_list("address", flat=True)), {"203.0.113.9"})

    def test_the_admin_sign_in_is_throttled_too(self):
        for _ in range(5):
            self.client.post("/en/admin/login/", {"username": "alice", "password": "nope"}, REMOTE_ADDR="192.0.2.1")
        r = self.client.post("/en/admin/login/", {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="192.0.2.1")
        self.assertContains(r, "Too many failed sign-in attempts")


class HeaderTests(TestCase):
    def test_every_page_forbids_inline_scripts_and_framing(self):
        r = self.client.get("/en/")
        policy = r.headers["Content-Security-Policy"]
        self.assertIn("script-src 'self'", policy)
        self.assertNotIn("unsafe-inline'; img", policy.split("script-src")[1].split(";")[0] + "; img")
        self.assertIn("frame-ancestors 'none'", policy)
        self.assertEqual(r.headers["X-Frame-Options"], "DENY")

    def test_no_template_contains_an_inline_script(self):
        import re
        from pathlib import Path

        root = Path(__file__).resolve().parents[2] / "templates"
        offenders = []
        for path in root.rglob("*.html"):
            text = path.read_text(encoding="utf-8")
            for tag in re.findall(r"<script\b[^>]*>", text):
                if "src=" not in tag and "application/json" not in tag:
                    offenders.append(path.name)
            if re.search(r"\son[a-z]+\s*=", text):
                offenders.append(f"{path.name} (event handler attribute)")
        self.assertEqual(offenders, [])


class DeployCheckTests(TestCase):
    def test_the_production_settings_pass_the_deployment_check(self):
        env = {
            **os.environ,
            "DEBUG": "false",
            "SECRET_KEY": "k" * 20 + "production-secret-with-enough-entropy-9f3a7c1e5b",
            "ALLOWED_HOSTS": "innobridge.example.org",
        }
        result = subprocess.run(
            [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
            env={**env, "DJANGO_SETTINGS_MODULE": "innobridge.settings"},
            capture_output=True,
            text=True,
            timeout=120,
        )
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

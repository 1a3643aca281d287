"""Password reset by e-mail: the link works once, unknown addresses learn nothing, requests are limited."""

import re

from django.core import mail
from django.test import override_settings

from innobridge.accounts.models import PasswordResetRequest
from innobridge.testing import BaseTestCase

NEW_PASSWORD = "a brand new passphrase 42"


class PasswordResetTests(BaseTestCase):
    def ask(self, email: str, address: str = "203.0.113.40", language: str = "en"):
        return self.client.post(f"/{language}/accounts/password-reset/", {"email": email}, REMOTE_ADDR=address)

    def link(self) -> str:
        return re.search(r"https?://[^/]+(/\S+)", mail.outbox[-1].body).group(1)

    def test_the_login_page_offers_the_reset(self):
        self.assertContains(self.client.get("/en/accounts/login/"), "/en/accounts/password-reset/")

    def test_a_member_resets_the_password_with_the_link_once(self):
        r = self.ask("carol@example.org")
        self.assertRedirects(r, "/en/accounts/password-reset/sent/")
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["carol@example.org"])
        self.assertIn("carol", mail.outbox[0].body)
        confirm = self.client.get(self.link(), follow=True)  # Django swaps the token for a session marker
        form_url = confirm.redirect_chain[-1][0]
        r = self.client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
        self.assertRedirects(r, "/en/accounts/password-reset/done/")
        self.carol.refresh_from_db()
        self.assertTrue(self.carol.check_password(NEW_PASSWORD))
        again = self.client.get(self.link(), follow=True)
        self.assertContains(again, "This link is not valid")

    def test_an_unknown_address_gets_the_same_answer_and_no_mail(self):
        r = self.ask("nobody@example.org")
        self.assertRedirects(r, "/en/accounts/password-reset/sent/")
        self.assertEqual(len(mail.outbox), 0)

    def test_the_pages_and_the_mail_are_translated(self):
        self.assertContains(self.client.get("/zh-hant/accounts/password-reset/"), "重設密碼")
        self.assertContains(self.client.get("/zh-hans/accounts/password-reset/"), "重设密码")
        self.ask("bob@example.org", language="zh-hans")
        self.assertIn("新密码", mail.outbox[-1].subject)

    @override_settings(PASSWORD_RESET_LIMIT_PER_EMAIL=3)
    def test_requests_for_one_address_are_limited(self):
        for _ in range(3):
            self.ask("bob@example.org", address="203.0.113.41")
        r = self.ask("bob@example.org", address="198.51.100.42")
        self.assertContains(r, "Too many password-reset requests")
        self.assertEqual(len(mail.outbox), 3)

    @override_settings(PASSWORD_RESET_LIMIT_PER_ADDRESS=4)
    def test_requests_from_one_client_are_limited(self):
        for i in range(4):
            self.ask(f"someone{i}@example.org")
        self.assertContains(self.ask("bob@example.org"), "Too many password-reset requests")
        self.assertEqual(len(mail.outbox), 0)
        self.assertEqual(PasswordResetRequest.objects.count(), 5)

"""Self-service sign-up: an inactive account until the e-mailed link confirms the address; one account per
address, enumeration-proof answers, one-time links, sign-in by e-mail address, and the user's settings."""

import re

from django.contrib.auth.models import User
from django.core import mail
from django.test import override_settings

from innobridge.accounts.models import Notice, Preferences
from innobridge.accounts.notices import notify
from innobridge.testing import PASSWORD, BaseTestCase

FORM = {
    "full_name": "Dana Lee",
    "email": "Dana@Example.com",
    "password1": "harbour-lights-917",
    "password2": "harbour-lights-917",
}


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group().split("testserver", 1)[1]


class SignupTests(BaseTestCase):
    def test_sign_up_confirm_and_sign_in_with_the_address(self):
        response = self.client.post("/zh-hans/accounts/sign-up/", FORM)
        self.assertRedirects(response, "/zh-hans/accounts/sign-up/sent/")
        user = User.objects.get(username="dana@example.com")
        self.assertFalse(user.is_active)
        self.assertEqual((user.first_name, user.last_name), ("Dana", "Lee"))
        self.assertEqual(Preferences.objects.get(user=user).language, "zh-hans")
        self.assertFalse(self.client.login(username="dana@example.com", password=FORM["password1"]))
        [message] = mail.outbox
        self.assertEqual(message.to, ["dana@example.com"])
        link = link_in(message)
        response = self.client.get(link)
        self.assertRedirects(response, "/zh-hans/join/", fetch_redirect_response=False)
        user.refresh_from_db()
        self.assertTrue(user.is_active)
        self.assertEqual(int(self.client.session["_auth_user_id"]), user.pk)
        # The link works once.
        self.client.logout()
        self.assertEqual(self.client.get(link).status_code, 400)
        # Signing in with the address typed in any case.
        response = self.client.post(
            "/en/accounts/login/", {"username": "DANA@example.com", "password": FORM["password1"]}
        )
        self.assertEqual(response.status_code, 302)

    def test_an_address_with_an_account_gets_the_same_answer_and_a_reminder(self):
        User.objects.create_user("dana@example.com", "dana@example.com", PASSWORD)
        response = self.client.post("/en/accounts/sign-up/", FORM)
        self.assertRedirects(response, "/en/accounts/sign-up/sent/")
        self.assertEqual(User.objects.filter(username="dana@example.com").count(), 1)
        self.assertTrue(User.objects.get(username="dana@example.com").check_password(PASSWORD))
        [message] = mail.outbox
        self.assertIn("already has an account", message.body)

    def test_signing_up_again_before_confirming_resends_the_link(self):
        self.client.post("/en/accounts/sign-up/", FORM)
        self.client.post("/en/accounts/sign-up/", FORM)
        self.assertEqual(User.objects.filter(username="dana@example.com").count(), 1)
        self.assertEqual(len(mail.outbox), 2)
        self.assertIn("/accounts/sign-up/confirm/", mail.outbox[1].body)

    def test_bad_input_is_refused_and_creates_nothing(self):
        for bad in (
            {**FORM, "password2": "something-else-1"},
            {**FORM, "password1": "123", "password2": "123"},
            {**FORM, "email": "not-an-address"},
            {**FORM, "full_name": "   "},
        ):
            response = self.client.post("/en/accounts/sign-up/", bad)
            self.assertEqual(response.status_code, 200)
            self.assertTrue(response.context["form"].errors)
        self.assertFalse(User.objects.filter(username="dana@example.com").exists())
        self.assertEqual(mail.outbox, [])

    def test_a_forged_or_foreign_confirmation_link_does_nothing(self):
        self.client.post("/en/accounts/sign-up/", FORM)
        link = link_in(mail.outbox[0])
        forged = re.sub(r"/[^/]+/$", "/aaaaaa-0123456789abcdef0123456789abcdef/", link)
        self.assertEqual(self.client.get(forged).status_code, 400)
        self.assertEqual(self.client.get("/en/accounts/sign-up/confirm/%%%/x/").status_code, 400)
        self.assertFalse(User.objects.get(username="dana@example.com").is_active)

    @override_settings(SIGNUP_LIMIT_PER_ADDRESS=2)
    def test_sign_ups_from_one_network_are_limited(self):
        for i in range(2):
            self.client.post("/en/accounts/sign-up/", {**FORM, "email": f"user{i}@example.com"})
        response = self.client.post("/en/accounts/sign-up/", {**FORM, "email": "user9@example.com"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Too many sign-ups")
        self.assertFalse(User.objects.filter(username="user9@example.com").exists())


class NoticeTests(BaseTestCase):
    def test_a_notice_is_written_in_the_recipients_language_and_emailed_unless_turned_off(self):
        from django.utils.translation import gettext as _

        Preferences.objects.create(user=self.bob, language="zh-hant")
        notice = notify(user=self.bob, kind="contact", words=lambda: (_("Notifications"), ""), url_name="front:home")
        self.assertEqual(notice.subject, "通知")
        self.assertEqual(notice.url, "/zh-hant/")
        self.assertTrue(notice.emailed)
        self.assertEqual(len(mail.outbox), 1)
        self.login(self.bob)
        self.client.post("/en/accounts/settings/", {"language": "en", "email_on": ["membership"]})
        notify(user=self.bob, kind="contact", words=lambda: ("Second", ""))
        self.assertEqual(len(mail.outbox), 1)  # contact notices now stay in the app
        self.assertEqual(Notice.objects.filter(user=self.bob).count(), 2)

    def test_the_bell_counts_unread_notices_and_the_page_marks_them_read(self):
        notify(user=self.bob, kind="contact", words=lambda: ("A question about your offer", "Body"))
        self.login(self.bob)
        page = self.client.get("/en/")
        self.assertContains(page, '<span class="badge">1</span>', html=False)
        listing = self.client.get("/en/notifications/")
        self.assertContains(listing, "A question about your offer")
        self.client.post("/en/notifications/")
        self.assertNotContains(self.client.get("/en/"), 'class="badge"')
        # Nobody else sees it.
        self.login(self.carol)
        self.assertNotContains(self.client.get("/en/notifications/"), "A question about your offer")

from io import StringIO
from pathlib import Path

from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import TestCase, override_settings

from innobridge.demo.accounts import ACCOUNTS, DEMO_PASSWORD


def run_demo(*args) -> str:
    out = StringIO()
    call_command("demo", *args, seeds=Path("/nonexistent"), stdout=out)
    return out.getvalue()


class DemoAccountsTests(TestCase):
    @override_settings(DEBUG=True)
    def test_in_development_the_demo_creates_and_prints_ready_accounts(self):
        out = run_demo()
        self.assertIn(DEMO_PASSWORD, out)
        for account in ACCOUNTS:
            self.assertIn(account.username, out)
            self.assertIsNotNone(authenticate(username=account.username, password=DEMO_PASSWORD), account)
        staff = User.objects.get(username="demo-staff")
        self.assertTrue(staff.is_staff)
        self.assertFalse(hasattr(staff, "membership"))
        sides = {a.side for a in ACCOUNTS if a.organisation}
        self.assertEqual(sides, {"Hong Kong", "Shandong"})
        for account in ACCOUNTS[1:]:
            user = User.objects.get(username=account.username)
            self.assertFalse(user.is_staff)
            self.assertEqual(user.membership.organisation.slug, account.organisation)

    @override_settings(DEBUG=True)
    def test_running_it_twice_gives_the_same_accounts_and_resets_the_password(self):
        run_demo()
        user = User.objects.get(username="demo-i2cool")
        user.set_password("changed")
        user.save()
        run_demo()
        self.assertEqual(User.objects.filter(username__startswith="demo-").count(), len(ACCOUNTS))
        self.assertIsNotNone(authenticate(username="demo-i2cool", password=DEMO_PASSWORD))

    @override_settings(DEBUG=False)
    def test_with_debug_off_no_account_is_created_unless_asked(self):
        out = run_demo()
        self.assertFalse(User.objects.filter(username__startswith="demo-").exists())
        self.assertIn("--accounts", out)
        run_demo("--accounts")
        self.assertEqual(User.objects.filter(username__startswith="demo-").count(), len(ACCOUNTS))

    @override_settings(DEBUG=True)
    def test_no_accounts_skips_them_even_in_development(self):
        run_demo("--no-accounts")
        self.assertFalse(User.objects.filter(username__startswith="demo-").exists())

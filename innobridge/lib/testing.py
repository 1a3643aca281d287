"""Test personas on top of the demo programme.

alice is programme staff, bob a member of 創冷科技 (i2Cool), carol a member of
澤浩高純金屬; anonymous visitors use a fresh client.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.test import TestCase
from django.utils import translation

from innobridge.accounts.models import Membership
from innobridge.demo.loader import load_demo
from innobridge.directory.models import Organisation

PASSWORD = "correct horse battery staple"


class BaseTestCase(TestCase):
    def setUp(self):
        super().setUp()
        # A request to a /zh-hans/ page leaves its language active in the test thread: every test
        # starts, and ends, with the default language, whatever the one before it visited.
        translation.deactivate()
        self.addCleanup(translation.deactivate)

    @classmethod
    def setUpTestData(cls):
        load_demo(seeds_dir=None)
        cls.i2cool = Organisation.objects.get(slug="i2cool")
        cls.zehao = Organisation.objects.get(slug="zehao-high-purity-metals")
        cls.alice = User.objects.create_user("alice", "alice@example.org", PASSWORD, is_staff=True)
        cls.bob = User.objects.create_user("bob", "bob@example.org", PASSWORD)
        Membership.objects.create(user=cls.bob, organisation=cls.i2cool)
        cls.carol = User.objects.create_user("carol", "carol@example.org", PASSWORD)
        Membership.objects.create(user=cls.carol, organisation=cls.zehao)

    def login(self, user: User) -> None:
        self.client.force_login(user)

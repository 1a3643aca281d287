"""Test personas on top of the demo programme.

alice is programme staff, bob a member of 創冷科技 (i2Cool), carol a member of
澤浩高純金屬; anonymous visitors use a fresh client.
"""

from __future__ import annotations

import hashlib

from django.apps import apps
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection
from django.test import TestCase
from django.utils import translation

from innobridge.demo.loader import load_demo
from innobridge.directory.models import Membership, Organisation

PASSWORD = "correct horse battery staple"


def _models() -> list:
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy and not m._meta.parents
    ]


def _rows(model) -> dict:
    fields = [f.attname for f in model._meta.concrete_fields]
    pk = model._meta.pk.attname
    return {row[pk]: row for row in model._base_manager.order_by().values(*fields)}


def _fingerprint(state: dict) -> str:
    digest = hashlib.sha256()
    for label in sorted(state):
        for pk in sorted(state[label], key=repr):
            digest.update(repr((label, sorted(state[label][pk].items()))).encode())
    return digest.hexdigest()


# Fingerprint of the rows before loading -> what loading the demo changed: {model: (deleted pks,
# rows to write)}. Loading the demo takes seconds (thousands of saves, signals, audit entries);
# writing the same rows back takes a fraction of one, and over a hundred test classes load it.
_DEMO_SNAPSHOTS: dict[str, list] = {}


def load_demo_snapshot() -> None:
    """Bring the database to the state ``load_demo(seeds_dir=None)`` gives, replaying a snapshot.

    The first call in a process (for a given starting state) loads the demo for real and records
    every row it created, changed or deleted; later calls from the same starting state write
    those rows back with bulk inserts, no signals. A different starting state (a flushed
    database, another test's committed rows) gets a real load and its own snapshot.
    """
    # A flush and restore (a browser test's serialised rollback) can give content types other ids
    # than the ones this process cached: audit entries and evidence would point at missing rows.
    ContentType.objects.clear_cache()
    models = _models()
    before = {m._meta.label: _rows(m) for m in models}
    key = _fingerprint(before)
    changes = _DEMO_SNAPSHOTS.get(key)
    if changes is None:
        load_demo(seeds_dir=None)
        changes = []
        for model in models:
            old, new = before[model._meta.label], _rows(model)
            deleted = [pk for pk in old if old[pk] != new.get(pk)]
            written = [row for pk, row in new.items() if old.get(pk) != row]
            if deleted or written:
                changes.append((model, deleted, written))
        _DEMO_SNAPSHOTS[key] = changes
        return
    for model, deleted, written in changes:
        if deleted:
            model._base_manager.filter(pk__in=deleted)._raw_delete(connection.alias)
        objs = []
        for row in written:
            obj = model(**row)
            obj._state.adding = False
            objs.append(obj)
        model._base_manager.bulk_create(objs, batch_size=500)
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [m for m, _d, _w in changes]):
            cursor.execute(sql)


class BaseTestCase(TestCase):
    def setUp(self):
        super().setUp()
        # A request to a /zh-hans/ page leaves its language active in the test thread: every test
        # starts, and ends, with the default language, whatever the one before it visited.
        translation.deactivate()
        self.addCleanup(translation.deactivate)

    @classmethod
    def setUpTestData(cls):
        load_demo_snapshot()
        cls.i2cool = Organisation.objects.get(slug="i2cool")
        cls.zehao = Organisation.objects.get(slug="zehao-high-purity-metals")
        cls.alice = User.objects.create_user("alice", "alice@example.org", PASSWORD, is_staff=True)
        cls.bob = User.objects.create_user("bob", "bob@example.org", PASSWORD)
        Membership.objects.create(user=cls.bob, organisation=cls.i2cool)
        cls.carol = User.objects.create_user("carol", "carol@example.org", PASSWORD)
        Membership.objects.create(user=cls.carol, organisation=cls.zehao)

    def login(self, user: User) -> None:
        self.client.force_login(user)

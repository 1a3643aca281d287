"""Simultaneous wrong passwords: no more password checks than the limit (PostgreSQL, real threads)."""

import threading
from unittest import mock

from django.contrib.auth import forms as auth_forms
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client, TransactionTestCase, override_settings

PARALLEL = 20


@override_settings(LOGIN_FAILURE_LIMIT=5)
class ParallelThrottleTests(TransactionTestCase):
    def test_twenty_simultaneous_wrong_passwords_get_at_most_five_checks(self):
        if connection.vendor != "postgresql":
            self.skipTest("parallel threads need a database server: SQLite's in-memory test database is per thread")
        User.objects.create_user("erin", password="right password of erin", is_staff=True)
        checks = []
        lock = threading.Lock()
        real = auth_forms.authenticate

        def counting(*args, **kwargs):
            with lock:
                checks.append(1)
            return real(*args, **kwargs)

        barrier = threading.Barrier(PARALLEL)
        statuses = []

        def attempt() -> None:
            try:
                barrier.wait(10)
                r = Client().post(
                    "/en/accounts/login/", {"username": "erin", "password": "guess"}, REMOTE_ADDR="203.0.113.77"
                )
                statuses.append(r.status_code)
            finally:
                connection.close()

        with mock.patch.object(auth_forms, "authenticate", counting):
            threads = [threading.Thread(target=attempt) for _ in range(PARALLEL)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(60)
        self.assertEqual(len(statuses), PARALLEL)
        self.assertLessEqual(len(checks), 5)

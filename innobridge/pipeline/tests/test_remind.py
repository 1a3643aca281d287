import json
from datetime import date, timedelta
from io import StringIO

from django.core import mail
from django.core.management import CommandError, call_command

from innobridge.accounts.models import Notice
from innobridge.directory.models import Person
from innobridge.pipeline.models import Milestone, Notification
from innobridge.pipeline.services import milestone_save, remind
from innobridge.pipeline.tests.base import SmallWorldTestCase

TODAY = date(2026, 3, 10)


class RemindTests(SmallWorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.person = Person.objects.create(slug="pat", name_en="Pat Owner", email="pat@example.org")

        def m(title, due, **kw):
            return milestone_save(agreement=cls.a1, title_en=title, due=due, **kw)

        cls.late = m("Late report", TODAY - timedelta(days=3), owner=cls.member)
        cls.soon = m("Site ready", TODAY + timedelta(days=5), owner=cls.member)
        cls.by_email = m("Sign lease", TODAY + timedelta(days=1), owner_person=cls.person)
        cls.far = m("Far away", TODAY + timedelta(days=30), owner=cls.member)
        cls.done = m(
            "Done already", TODAY - timedelta(days=9), owner=cls.member, status="done", done_on=date(2026, 3, 1)
        )
        cls.orphan = m("Nobody's", TODAY - timedelta(days=1))

    def test_it_lists_overdue_and_upcoming_milestones_within_the_window(self):
        result = remind(today=TODAY, days=7)
        self.assertEqual([r.milestone for r in result.overdue], [self.late, self.orphan])
        self.assertEqual([r.milestone for r in result.upcoming], [self.by_email, self.soon])
        self.assertEqual(len(remind(today=TODAY, days=0, dry_run=True).upcoming), 0)
        self.assertEqual(len(remind(today=TODAY, days=30, dry_run=True).upcoming), 3)

    def test_owners_are_notified_in_the_app_and_by_one_email_each(self):
        result = remind(today=TODAY, days=7)
        self.assertEqual((result.notifications, result.emails), (3, 2))
        self.assertEqual(
            set(Notification.objects.values_list("milestone__title_en", "user__username", "email", "kind")),
            {
                ("Late report", "member", "member@example.org", "overdue"),
                ("Site ready", "member", "member@example.org", "upcoming"),
                ("Sign lease", None, "pat@example.org", "upcoming"),
            },
        )
        self.assertEqual(sorted(m.to[0] for m in mail.outbox), ["member@example.org", "pat@example.org"])
        member_mail = next(m for m in mail.outbox if m.to == ["member@example.org"])
        self.assertIn("Late report", member_mail.body)
        self.assertIn("Site ready", member_mail.body)
        self.assertTrue(Notification.objects.filter(emailed=True).count() == 3)
        # The member reads both under Notifications (the bell); the address without an account only by e-mail.
        self.assertEqual(sorted(Notice.objects.values_list("user__username", "kind")), [("member", "milestone")] * 2)

    def test_a_milestone_is_not_notified_twice_on_the_same_day(self):
        remind(today=TODAY, days=7)
        again = remind(today=TODAY, days=7)
        self.assertEqual((again.notifications, again.emails), (0, 0))
        self.assertEqual(Notification.objects.count(), 3)
        self.assertEqual(len(mail.outbox), 2)
        # The next day brings a new reminder.
        self.assertEqual(remind(today=TODAY + timedelta(days=1), days=7).notifications, 3)

    def test_a_dry_run_writes_and_sends_nothing(self):
        result = remind(today=TODAY, days=7, dry_run=True)
        self.assertEqual(len(result.overdue) + len(result.upcoming), 4)
        self.assertFalse(Notification.objects.exists())
        self.assertEqual(mail.outbox, [])

    def test_the_owner_sees_the_notice_in_the_app(self):
        remind(today=TODAY, days=7)
        self.client.force_login(self.member)
        r = self.client.get("/en/notifications/")
        self.assertContains(r, "Overdue: Late report")
        self.assertContains(r, "Due soon: Site ready")
        self.assertContains(r, "/en/agreements/a1/")

    def test_the_command_prints_json(self):
        out = StringIO()
        call_command("remind", "--json", "--today", TODAY.isoformat(), "--days", "7", stdout=out)
        data = json.loads(out.getvalue())
        self.assertEqual([i["title"] for i in data["overdue"]], ["Late report", "Nobody's"])
        self.assertEqual(data["overdue"][0]["days_late"], 3)
        self.assertEqual((data["notifications"], data["emails"], data["dry_run"]), (3, 2, False))
        self.assertFalse(data["overdue"][1]["notified"])

    def test_the_command_dry_run_and_text_output(self):
        out = StringIO()
        call_command("remind", "--dry-run", "--today", TODAY.isoformat(), stdout=out)
        self.assertIn("overdue: 2", out.getvalue())
        self.assertIn("would notify", out.getvalue())
        self.assertFalse(Notification.objects.exists())

    def test_bad_arguments_are_refused(self):
        with self.assertRaises(CommandError):
            call_command("remind", "--days", "-1", stdout=StringIO())
        with self.assertRaises(CommandError):
            call_command("remind", "--today", "31/01/2026", stdout=StringIO())

    def test_a_done_milestone_needs_no_reminder(self):
        Milestone.objects.filter(pk=self.late.pk).update(status="done", done_on=TODAY)
        self.assertNotIn(self.late, [r.milestone for r in remind(today=TODAY, days=7, dry_run=True).overdue])

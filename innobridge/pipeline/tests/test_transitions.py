from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone

from innobridge.pipeline.models import StatusChange
from innobridge.pipeline.services import agreement_change_status, agreement_set_pipeline, allowed_transitions
from innobridge.pipeline.tests.base import SmallWorldTestCase
from innobridge.programmes.models import Agreement


class TransitionServiceTests(SmallWorldTestCase):
    def test_an_agreement_walks_the_whole_pipeline_with_its_history_recorded(self):
        a = self.a5  # a draft
        days = [date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1), date(2025, 4, 1), date(2025, 5, 1)]
        for status, day in zip(["signed", "in_execution", "pilot", "deployed", "scaled"], days, strict=True):
            agreement_change_status(agreement=a, to_status=status, on=day, user=self.staff, note=f"to {status}")
        a.refresh_from_db()
        self.assertEqual(a.status, "scaled")
        self.assertEqual(a.signed_on, date(2025, 1, 1))  # signing stamps the date when none was known
        history = list(StatusChange.objects.filter(agreement=a).values_list("from_status", "to_status", "on"))
        self.assertEqual(history[0], ("draft", "signed", date(2025, 1, 1)))
        self.assertEqual(history[-1], ("deployed", "scaled", date(2025, 5, 1)))
        self.assertTrue(all(c.changed_by == self.staff for c in StatusChange.objects.filter(agreement=a)))

    def test_illegal_moves_are_refused_and_change_nothing(self):
        cases = [
            (self.a3, "deployed"),  # signed cannot skip to deployed
            (self.a3, "draft"),  # nor go back
            (self.a2, "in_execution"),  # pilot cannot go back
            (self.a4, "signed"),  # lapsed is final
            (self.a1, "nonsense"),
        ]
        for agreement, target in cases:
            before = (Agreement.objects.get(pk=agreement.pk).status, StatusChange.objects.count())
            with self.assertRaises(ValidationError, msg=f"{agreement.slug} → {target}"):
                agreement_change_status(agreement=agreement, to_status=target)
            self.assertEqual((Agreement.objects.get(pk=agreement.pk).status, StatusChange.objects.count()), before)

    def test_any_open_agreement_can_lapse_or_be_terminated_but_not_a_finished_one(self):
        for status in ["draft", "signed", "in_execution", "pilot", "deployed"]:
            self.assertEqual(allowed_transitions(status)[-2:], ["lapsed", "terminated"], status)
        for status in ["scaled", "lapsed", "terminated"]:
            self.assertEqual(allowed_transitions(status), [], status)
        agreement_change_status(agreement=self.a2, to_status="terminated", note="Partner withdrew.")
        self.assertEqual(Agreement.objects.get(pk=self.a2.pk).status, "terminated")

    def test_a_change_cannot_be_dated_in_the_future_or_before_the_previous_one(self):
        tomorrow = timezone.localdate() + timedelta(days=1)
        with self.assertRaises(ValidationError):
            agreement_change_status(agreement=self.a3, to_status="in_execution", on=tomorrow)
        agreement_change_status(agreement=self.a3, to_status="in_execution", on=date(2025, 3, 1))
        with self.assertRaises(ValidationError):
            agreement_change_status(agreement=self.a3, to_status="pilot", on=date(2025, 2, 1))
        self.assertEqual(Agreement.objects.get(pk=self.a3.pk).status, "in_execution")

    def test_the_status_is_read_from_the_database_not_from_a_stale_object(self):
        stale = Agreement.objects.get(pk=self.a3.pk)
        agreement_change_status(agreement=self.a3, to_status="in_execution")
        with self.assertRaises(ValidationError):
            agreement_change_status(agreement=stale, to_status="in_execution")  # already there
        self.assertEqual(StatusChange.objects.filter(agreement=self.a3).count(), 1)

    def test_a_value_needs_a_currency_and_cannot_be_negative(self):
        with self.assertRaises(ValidationError):
            agreement_set_pipeline(agreement=self.a3, value_amount=Decimal("100"), value_currency="")
        with self.assertRaises(ValidationError):
            agreement_set_pipeline(agreement=self.a3, value_amount=Decimal("-1"), value_currency="HKD")
        self.assertIsNone(Agreement.objects.get(pk=self.a3.pk).value_amount)
        agreement_set_pipeline(
            agreement=self.a3, value_amount=Decimal("2500000"), value_currency="HKD", offers=[self.offer_in]
        )
        a = Agreement.objects.get(pk=self.a3.pk)
        self.assertEqual((a.value_amount, a.value_currency), (Decimal("2500000"), "HKD"))
        self.assertEqual(list(a.offers.all()), [self.offer_in])


class StatusViewTests(SmallWorldTestCase):
    url = "/en/agreements/a3/status/"

    def test_a_party_member_moves_the_agreement_on_and_the_page_shows_it(self):
        self.client.force_login(self.member)
        r = self.client.post(self.url, {"to_status": "in_execution", "on": "2025-01-10", "note": "Kick-off done"})
        self.assertRedirects(r, "/en/agreements/a3/", fetch_redirect_response=False)
        page = self.client.get("/en/agreements/a3/")
        self.assertContains(page, "Kick-off done")
        self.assertContains(page, "2025-01-10")
        self.assertEqual(Agreement.objects.get(pk=self.a3.pk).status, "in_execution")

    def test_an_illegal_move_is_explained_and_changes_nothing(self):
        self.client.force_login(self.staff)
        r = self.client.post(self.url, {"to_status": "scaled", "on": "2025-01-10"}, follow=True)
        self.assertContains(r, "The status was not changed")
        self.assertEqual(Agreement.objects.get(pk=self.a3.pk).status, "signed")
        self.assertFalse(StatusChange.objects.filter(agreement=self.a3).exists())

    def test_anonymous_and_outsiders_cannot_change_it(self):
        self.assertEqual(self.client.post(self.url, {"to_status": "in_execution"}).status_code, 302)
        self.client.force_login(self.stranger)
        self.assertEqual(self.client.post(self.url, {"to_status": "in_execution"}).status_code, 403)
        self.assertEqual(Agreement.objects.get(pk=self.a3.pk).status, "signed")

    def test_only_those_who_may_change_it_see_the_form(self):
        self.assertNotContains(self.client.get("/en/agreements/a3/"), 'name="to_status"')
        self.client.force_login(self.member)
        self.assertContains(self.client.get("/en/agreements/a3/"), 'name="to_status"')

    def test_staff_set_the_value_and_origin_through_the_page(self):
        self.client.force_login(self.staff)
        r = self.client.post(
            "/en/agreements/a3/value/",
            {
                "value_amount": "1200000",
                "value_currency": "CNY",
                "offers": [self.offer_in.pk],
                "needs": [],
                "edit_version": Agreement.objects.get(pk=self.a3.pk).version,
            },
        )
        self.assertEqual(r.status_code, 302)
        page = self.client.get("/en/agreements/a3/")
        self.assertContains(page, "CNY 1,200,000")
        self.assertContains(page, "Cooling film")

    def test_an_amount_without_currency_is_refused(self):
        self.client.force_login(self.staff)
        version = Agreement.objects.get(pk=self.a3.pk).version
        r = self.client.post(
            "/en/agreements/a3/value/", {"value_amount": "5", "value_currency": "", "edit_version": version}
        )
        self.assertContains(r, "Give the currency of the amount.")
        self.assertIsNone(Agreement.objects.get(pk=self.a3.pk).value_amount)


class DraftVisibilityTests(SmallWorldTestCase):
    def test_a_draft_agreement_is_for_staff_and_its_parties_only(self):
        from innobridge.directory.models import Membership

        url = f"/en/agreements/{self.a5.slug}/"
        self.assertEqual(self.client.get(url).status_code, 404)  # anonymous, although its visibility is public
        body = self.client.get("/api/pipeline/agreements").json()
        listed = {a["slug"] for a in (body["items"] if isinstance(body, dict) else body)}
        self.assertNotIn(self.a5.slug, listed)
        self.assertIn(self.a3.slug, listed)
        self.client.force_login(self.member)  # sd-b takes no part in the draft
        self.assertEqual(self.client.get(url).status_code, 404)
        party = User.objects.create_user("party", "party@example.org")
        Membership.objects.create(user=party, organisation=self.sd_c)
        self.client.force_login(party)
        self.assertEqual(self.client.get(url).status_code, 200)
        self.client.force_login(self.staff)
        self.assertEqual(self.client.get(url).status_code, 200)

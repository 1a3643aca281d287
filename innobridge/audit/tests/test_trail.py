"""Every create, update and delete of a business record leaves an audit entry, inside the same transaction."""

from django.core.management import call_command
from django.db import transaction
from django.test import SimpleTestCase
from django.utils.html import escape

from innobridge.audit.context import acting_as
from innobridge.audit.models import AuditEntry
from innobridge.audit.signals import tracked_models
from innobridge.directory import services as directory
from innobridge.matching import services as matching
from innobridge.matching.models import TechnologyOffer
from innobridge.pipeline import services as pipeline
from innobridge.programmes.models import Agreement
from innobridge.testing import BaseTestCase


def entries_for(record):
    return AuditEntry.objects.filter(content_type__model=type(record)._meta.model_name, object_pk=str(record.pk))


class TrailTests(BaseTestCase):
    def test_create_update_and_delete_are_recorded_with_before_after_and_user(self):
        with acting_as(self.bob):
            offer = matching.offer_save(owner=self.i2cool, title="Cooling film", trl=5)
            matching.offer_save(offer=offer, trl=7, summary="Now with a summary")
        created, changed = entries_for(offer).order_by("pk")
        self.assertEqual((created.action, created.user, created.actor), ("create", self.bob, "bob"))
        self.assertEqual(created.after["title"], "Cooling film")
        self.assertEqual(created.after["owner"], self.i2cool.pk)
        self.assertEqual(changed.action, "update")
        self.assertEqual(changed.before, {"trl": 5, "summary": ""})
        self.assertEqual(changed.after, {"trl": 7, "summary": "Now with a summary"})
        self.assertEqual(changed.label, "Cooling film")
        self.assertEqual(changed.object_slug, offer.slug)

        pk = offer.pk
        with acting_as(self.alice):
            offer.delete()
        deleted = AuditEntry.objects.get(object_pk=str(pk), action="delete", content_type__model="technologyoffer")
        self.assertEqual((deleted.user, deleted.after), (self.alice, {}))
        self.assertEqual(deleted.before["trl"], 7)

    def test_a_save_that_changes_nothing_records_nothing(self):
        offer = matching.offer_save(owner=self.i2cool, title="Cooling film")
        count = entries_for(offer).count()
        matching.offer_save(offer=offer, title="Cooling film")
        self.assertEqual(entries_for(offer).count(), count)

    def test_a_rolled_back_write_leaves_no_entry(self):
        before = AuditEntry.objects.count()
        org = self.i2cool
        try:
            with transaction.atomic():
                directory.organisation_save(organisation=org, description="Changed, then rolled back")
                matching.need_save(owner=org, title="A need that never was")
                raise RuntimeError("abort")
        except RuntimeError:
            pass
        self.assertEqual(AuditEntry.objects.count(), before)

    def test_writes_outside_a_request_are_by_the_system_and_commands_by_their_name(self):
        offer = matching.offer_save(owner=self.i2cool, title="Film", status="published")
        self.assertEqual(entries_for(offer).get().actor, "system")
        TechnologyOffer.objects.filter(pk=offer.pk).update(expires_on="2000-01-01")
        offer.refresh_from_db()
        offer.title = "Film renamed by a command"
        with acting_as("command:test"):
            offer.save()
        self.assertEqual(entries_for(offer).filter(action="update").get().actor, "command:test")

    def test_a_management_command_acts_under_its_own_name(self):
        from innobridge.directory.models import Organisation

        Organisation.objects.filter(slug="i2cool").update(description="old")
        call_command("demo", verbosity=0)
        entry = AuditEntry.objects.filter(actor="command:demo").first()
        self.assertIsNotNone(entry)

    def test_a_web_form_records_the_signed_in_user(self):
        self.login(self.bob)
        r = self.client.post(
            "/en/needs/new/",
            {
                "title": "Edge AI for ports",
                "description": "Cranes.",
                "visibility": "public",
                "status": "draft",
                "currency": "CNY",
            },
        )
        self.assertEqual(r.status_code, 302)
        entry = AuditEntry.objects.get(content_type__model="technologyneed", after__title="Edge AI for ports")
        self.assertEqual((entry.user, entry.action), (self.bob, "create"))

    def test_an_api_write_by_token_records_the_tokens_user(self):
        from innobridge.accounts.tokens import token_create

        need = matching.need_save(owner=self.i2cool, title="Need", status="published")
        _t, secret = token_create(user=self.carol, name="x")
        r = self.client.post(
            "/api/contact-requests",
            {"need": need.slug},
            content_type="application/json",
            headers={"Authorization": f"Bearer {secret}"},
        )
        self.assertEqual(r.status_code, 201)
        entry = AuditEntry.objects.get(content_type__model="contactrequest", object_slug=r.json()["slug"])
        self.assertEqual((entry.user, entry.actor, entry.action), (self.carol, "carol", "create"))


class LinkTests(BaseTestCase):
    def test_changed_sectors_are_recorded_and_shown_by_name(self):
        from innobridge.directory.models import Sector

        green, robots = Sector.objects.get(slug="green-tech"), Sector.objects.get(slug="ai-robotics")
        offer = matching.offer_save(owner=self.i2cool, title="Film", sectors=[green])
        with acting_as(self.bob):
            matching.offer_save(offer=offer, sectors=[robots])
        links = entries_for(offer).filter(user=self.bob, before__has_key="sectors")
        self.assertTrue(links.exists())
        first, last = links.order_by("pk").first(), links.order_by("pk").last()
        self.assertEqual(first.before["sectors"], [green.pk])
        self.assertEqual(last.after["sectors"], [robots.pk])
        self.login(self.alice)
        r = self.client.get(f"/en/history/matching.technologyoffer/{offer.slug}/")
        self.assertContains(r, escape(robots.name_en))

    def test_an_agreements_offers_are_recorded_on_the_agreement_though_declared_on_the_offer(self):
        offer = matching.offer_save(owner=self.i2cool, title="Film")
        agreement = Agreement.objects.first()
        before = sorted(agreement.offers.values_list("pk", flat=True))
        with acting_as(self.alice):
            pipeline.agreement_set_pipeline(agreement=agreement, offers=[offer])
        links = entries_for(agreement).filter(before__has_key="offers", user=self.alice).order_by("pk")
        self.assertEqual((links.first().before["offers"], links.last().after["offers"]), (before, [offer.pk]))
        self.assertFalse(entries_for(offer).filter(before__has_key="agreements").exists())  # recorded once


class FixtureTests(BaseTestCase):
    def test_loading_records_from_a_fixture_or_backup_records_nothing(self):
        from django.core import serializers

        from innobridge.directory.models import Sector

        offer = matching.offer_save(owner=self.i2cool, title="Film", sectors=[Sector.objects.get(slug="green-tech")])
        data = serializers.serialize("json", [offer])
        offer.delete()
        before = AuditEntry.objects.count()
        for obj in serializers.deserialize("json", data):
            obj.save()  # a raw save, then the sector links set again, as loaddata does
        self.assertEqual(AuditEntry.objects.count(), before)


class BulkWriteTests(BaseTestCase):
    """Writes that skip model signals for speed are recorded row by row all the same."""

    def test_expiring_offers_in_bulk_records_each_offer(self):
        from datetime import date

        offers = [
            matching.offer_save(owner=self.i2cool, title=f"Film {i}", status="published", today=date(2020, 1, 1))
            for i in range(3)
        ]
        with acting_as("command:expire"):
            self.assertGreaterEqual(matching.offers_expire(today=date(2026, 1, 1)), 3)
        for offer in offers:
            entry = entries_for(offer).filter(action="update").get()
            self.assertEqual((entry.before["status"], entry.after["status"]), ("published", "expired"))
            self.assertEqual(entry.actor, "command:expire")

    def test_an_agreement_status_change_and_its_value_are_recorded(self):
        from decimal import Decimal

        from innobridge.pipeline import services as pipeline
        from innobridge.programmes.models import Agreement

        agreement = Agreement.objects.get(slug="green-community-cooperation-2023")
        before = agreement.status
        mark = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        with acting_as(self.alice):
            pipeline.agreement_change_status(agreement=agreement, to_status="deployed", user=self.alice)
            pipeline.agreement_set_pipeline(agreement=agreement, value_amount=Decimal("1200000"), value_currency="HKD")
        status, value = entries_for(agreement).filter(action="update", pk__gt=mark).order_by("pk")
        self.assertEqual((status.before["status"], status.after["status"]), (before, "deployed"))
        self.assertEqual(status.user, self.alice)
        self.assertEqual(value.after, {"value_amount": "1200000.00", "value_currency": "HKD"})

    def test_a_bulk_update_that_changes_nothing_records_nothing(self):
        from innobridge.audit import bulk

        offer = matching.offer_save(owner=self.i2cool, title="Film")
        count = entries_for(offer).count()
        bulk.update(TechnologyOffer.objects.filter(pk=offer.pk), title="Film")
        self.assertEqual(entries_for(offer).count(), count)

    def test_a_rolled_back_bulk_write_leaves_no_entry(self):
        from innobridge.audit import bulk

        offer = matching.offer_save(owner=self.i2cool, title="Film")
        count = AuditEntry.objects.count()
        try:
            with transaction.atomic():
                bulk.update(TechnologyOffer.objects.filter(pk=offer.pk), title="Renamed")
                raise RuntimeError("abort")
        except RuntimeError:
            pass
        self.assertEqual(AuditEntry.objects.count(), count)


class TrackedModelsTests(SimpleTestCase):
    """Each app marks its own business records (``audited = True``); the audit app names none."""

    def test_the_business_records_and_nothing_else_are_tracked(self):
        self.assertEqual(
            sorted(m._meta.label for m in tracked_models()),
            [
                "directory.Organisation",
                "directory.Person",
                "directory.Position",
                "documents.SourceDocument",
                "matching.ContactRequest",
                "matching.MatchFeedback",
                "matching.TechnologyNeed",
                "matching.TechnologyOffer",
                "meetings.MatchmakingSession",
                "meetings.Meeting",
                "meetings.MeetingRequest",
                "meetings.SessionRegistration",
                "pipeline.Milestone",
                "programmes.Agreement",
                "programmes.AgreementParty",
                "programmes.Delegation",
                "programmes.Event",
                "programmes.Programme",
            ],
        )

"""A member cannot take another organisation's name as an alias: it waits for staff review."""

from innobridge.directory.models import Alias, Organisation, PendingAlias
from innobridge.lib.concurrency import FORM_FIELD
from innobridge.testing import BaseTestCase


class AliasSquattingTests(BaseTestCase):
    def edit_aliases(self, user, org: Organisation, aliases: str):
        self.client.force_login(user)
        page = self.client.get(f"/en/organisations/{org.slug}/edit/")
        form = page.context["form"]
        data = {name: form[name].value() for name in form.fields if form[name].value() not in (None, [])}
        data = {k: [str(getattr(x, "pk", x)) for x in v] if isinstance(v, list) else v for k, v in data.items()}
        data.update({"aliases": aliases, FORM_FIELD: str(org.version)})
        return self.client.post(f"/en/organisations/{org.slug}/edit/", data, follow=True)

    def search(self, q: str) -> set[str]:
        return {o.slug for o in self.client.get("/en/organisations/", {"q": q}).context["page"]}

    def test_a_member_claiming_another_organisations_names_gets_them_held_for_review(self):
        hkstp = Organisation.objects.get(slug="hkstp")
        r = self.edit_aliases(self.carol, self.zehao, "澤浩\ni2cool\nHKSTP")
        self.assertContains(r, "also name another organisation")
        self.assertEqual(set(self.zehao.aliases.values_list("text", flat=True)) & {"i2cool", "HKSTP"}, set())
        self.assertIn("澤浩", set(self.zehao.aliases.values_list("text", flat=True)))  # its own short form is kept
        held = {p.text: p.claims for p in PendingAlias.objects.filter(organisation=self.zehao)}
        self.assertEqual(held, {"i2cool": self.i2cool, "HKSTP": hkstp})
        # Neither search nor name resolution (both read Alias) sees the squatter.
        self.client.logout()
        self.assertNotIn(self.zehao.slug, self.search("HKSTP"))
        self.assertNotIn(self.zehao.slug, self.search("i2cool"))
        self.assertFalse(Alias.objects.filter(text__in=["i2cool", "HKSTP"], organisation=self.zehao).exists())

    def test_staff_approve_or_reject_on_the_review_page(self):
        self.edit_aliases(self.carol, self.zehao, "i2cool\nHKSTP")
        self.client.force_login(self.alice)
        page = self.client.get("/en/organisations/aliases/")
        self.assertContains(page, "HKSTP")
        by_text = {p.text: p for p in PendingAlias.objects.all()}
        self.client.post(f"/en/organisations/aliases/{by_text['HKSTP'].reference}/", {"decision": "reject"})
        self.client.post(f"/en/organisations/aliases/{by_text['i2cool'].reference}/", {"decision": "approve"})
        self.assertEqual(PendingAlias.objects.get(text="HKSTP").status, "rejected")
        self.assertTrue(Alias.objects.filter(organisation=self.zehao, text="i2cool").exists())
        self.assertIn(self.zehao.slug, self.search("i2cool"))
        self.assertNotIn(self.zehao.slug, self.search("HKSTP"))

    def test_members_cannot_open_the_review_page(self):
        self.edit_aliases(self.carol, self.zehao, "HKSTP")
        pending = PendingAlias.objects.get()
        self.client.force_login(self.carol)
        self.assertEqual(self.client.get("/en/organisations/aliases/").status_code, 403)
        r = self.client.post(f"/en/organisations/aliases/{pending.reference}/", {"decision": "approve"})
        self.assertEqual(r.status_code, 403)
        self.assertFalse(Alias.objects.filter(text="HKSTP", organisation=self.zehao).exists())

    def test_staff_set_any_alias_at_once(self):
        self.edit_aliases(self.alice, self.zehao, "HKSTP")
        self.assertTrue(Alias.objects.filter(text="HKSTP", organisation=self.zehao).exists())
        self.assertFalse(PendingAlias.objects.exists())

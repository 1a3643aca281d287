"""Long texts: refused beyond their limit when written, shortened on pages, bounded in matching."""

from innobridge.lib.limits import LONG_TEXT, MATCH_TEXT, SHORT_TEXT
from innobridge.matching.models import ContactRequest, TechnologyNeed
from innobridge.matching.tests.base import MatchingTestCase

# 320 KB of UTF-8: a need about the cooling offers of the sample, repeated.
HUGE = ("青岛港区的冷链仓库夏季屋顶温度过高，希望采用被动辐射制冷薄膜降低空调能耗。" * 3000)[: 320_000 // 3]


class LongTextTests(MatchingTestCase):
    def test_a_description_over_the_limit_is_refused_with_the_limit_named_and_nothing_saved(self):
        self.login(self.bob)
        before = TechnologyNeed.objects.count()
        r = self.client.post(
            "/en/needs/new/",
            {"title": "Too long", "description": "x" * (LONG_TEXT + 1), "currency": "CNY", "visibility": "public"},
        )
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, f"at most {LONG_TEXT} characters")
        self.assertContains(r, "Up to 20,000 characters.")  # the form tells the limit before anyone types
        self.assertEqual(TechnologyNeed.objects.count(), before)

    def test_the_limit_is_checked_by_the_service_too(self):
        from django.core.exceptions import ValidationError

        from innobridge.matching import services

        with self.assertRaises(ValidationError):
            services.need_save(owner=self.i2cool, title="Too long", description="x" * (LONG_TEXT + 1))

    def test_a_contact_message_over_the_limit_is_refused_by_the_api(self):
        from innobridge.accounts.tokens import token_create

        headers = {"Authorization": f"Bearer {token_create(user=self.carol, name='t')[1]}"}
        r = self.client.post(
            "/api/contact-requests",
            {"need": self.need.slug, "message": "x" * (SHORT_TEXT + 1)},
            content_type="application/json",
            headers=headers,
        )
        self.assertEqual(r.status_code, 422)
        self.assertFalse(ContactRequest.objects.filter(need=self.need).exists())

    def test_a_page_with_a_320_kb_description_stays_small_and_says_it_is_shortened(self):
        # An older record, stored before the limit existed.
        TechnologyNeed.objects.filter(pk=self.need.pk).update(description=HUGE)
        self.login(self.hugo_like_member())
        r = self.client.get(f"/en/needs/{self.need.slug}/")
        self.assertEqual(r.status_code, 200)
        self.assertLess(len(r.content), 500_000)
        self.assertContains(r, "shortened")
        self.assertTrue(r.context["suggestions"])  # still suggested and explained

    def test_matching_reads_a_bounded_part_of_a_record(self):
        TechnologyNeed.objects.filter(pk=self.need.pk).update(description=HUGE)
        self.need.refresh_from_db()
        self.assertEqual(len(self.need.matching_text()), MATCH_TEXT)

    def hugo_like_member(self):
        from django.contrib.auth.models import User

        from innobridge.directory.models import Membership

        user = User.objects.create_user("hugo")
        Membership.objects.create(user=user, organisation=self.buyer)
        return user

"""English readers of records that have only Chinese names get pinyin, marked, with the Chinese beside."""

from django.utils import translation

from innobridge.directory.models import Organisation, Person
from innobridge.testing import BaseTestCase
from innocore.romanise import romanise


class RomaniseTests(BaseTestCase):
    def test_people_are_romanised_surname_first_and_organisations_word_by_word(self):
        self.assertEqual(romanise("周乃翔", person=True), "Zhou Naixiang")
        self.assertEqual(romanise("歐陽震華", person=True), "Ouyang Zhenhua")
        self.assertEqual(romanise("曾俊華", person=True), "Zeng Junhua")
        self.assertEqual(romanise("山东省科学院"), romanise("山東省科學院"))  # either script reads the same
        self.assertEqual(romanise("i2Cool"), "")


class EnglishPageTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.org = Organisation.objects.create(
            slug="jinan-test-works", name_zh_hans="济南测试机械厂", kind="enterprise"
        )
        self.person = Person.objects.create(slug="test-person", name_zh_hant="周乃翔")

    def test_an_organisation_without_an_english_name_reads_in_pinyin_marked_with_its_chinese_name(self):
        r = self.client.get(f"/en/organisations/{self.org.slug}/")
        self.assertContains(r, "Jinan Ceshi Jixiechang (济南测试机械厂, pinyin)", html=False)
        r = self.client.get(f"/zh-hans/organisations/{self.org.slug}/")
        self.assertNotContains(r, "pinyin")

    def test_a_person_reads_in_pinyin_on_english_pages_only(self):
        with translation.override("en"):
            self.assertEqual(self.person.name, "Zhou Naixiang (周乃翔, pinyin)")
            self.assertEqual(self.person.other_name, "")
        with translation.override("zh-hant"):
            self.assertEqual(self.person.name, "周乃翔")

    def test_an_english_name_wins_and_titles_of_events_are_not_romanised(self):
        self.org.name_en = "Jinan Test Works"
        with translation.override("en"):
            self.assertEqual(self.org.name, "Jinan Test Works")
            self.assertEqual(self.org.other_name, "济南测试机械厂")
        from innobridge.programmes.models import Event

        event = Event(name_zh_hans="签约仪式")
        with translation.override("en"):
            self.assertEqual(event.name, "签约仪式")

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from innobridge.directory.models import Organisation, Person
from innobridge.documents.errors import WORDING, describe
from innobridge.documents.models import Evidence, Proposal, SourceDocument
from innobridge.testing import BaseTestCase
from innocore.ingest.readers import DOCUMENT_ERRORS, DocumentError
from innocore.tests.test_ingest import RELEASE

NEW_RELEASE = RELEASE.replace("濟南高新技術產業開發區（濟南高新區）", "煙台藍海新材料有限公司（藍海新材）").replace(
    "濟南高新區", "藍海新材"
)


class UploadTests(BaseTestCase):
    url = "/en/documents/upload/"

    def upload(self, content: bytes, name="release.txt"):
        return self.client.post(self.url, {"file": SimpleUploadedFile(name, content)})

    def test_anonymous_visitors_and_partners_cannot_upload_or_review(self):
        for url in (self.url, "/en/documents/"):
            r = self.client.get(url)
            self.assertEqual(r.status_code, 302, url)
            self.assertIn("/accounts/login/", r["Location"])
        self.assertEqual(self.upload(RELEASE.encode()).status_code, 302)
        self.login(self.bob)  # a partner is told the page is not for them, not asked to sign in again
        for url in (self.url, "/en/documents/"):
            self.assertEqual(self.client.get(url).status_code, 403, url)
        self.assertEqual(self.upload(RELEASE.encode()).status_code, 403)
        self.assertFalse(SourceDocument.objects.filter(filename="release.txt").exists())

    def test_a_post_without_a_file_is_refused_with_a_message(self):
        self.login(self.alice)
        r = self.client.post(self.url, {"csrfmiddlewaretoken": "x"})  # a bound form with no file in it
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "This field is required")
        self.assertEqual(SourceDocument.objects.count(), 0)

    def test_staff_upload_a_release_and_get_proposals_with_matches(self):
        self.login(self.alice)
        r = self.upload(RELEASE.encode("big5"))
        document = SourceDocument.objects.get(filename="release.txt")
        self.assertRedirects(r, document.get_absolute_url())
        self.assertEqual((document.encoding, document.published.isoformat()), ("big5", "2024-03-12"))
        hkstp = Proposal.objects.get(document=document, kind="organisation", data__name="香港科技園公司")
        self.assertEqual((hkstp.match, hkstp.target_slug), ("exact", "hkstp"))
        page = self.client.get(document.get_absolute_url())
        self.assertContains(page, '<mark id="span-0">香港科技園公司</mark>')

    def test_the_same_file_twice_creates_nothing_new(self):
        self.login(self.alice)
        self.upload(RELEASE.encode())
        counts = (SourceDocument.objects.count(), Proposal.objects.count())
        r = self.upload(RELEASE.encode(), name="copy.txt")
        self.assertEqual((SourceDocument.objects.count(), Proposal.objects.count()), counts)
        self.assertContains(self.client.get(r["Location"]), "nothing new was created")

    def test_bad_files_are_refused_with_a_message_and_write_nothing(self):
        self.login(self.alice)
        for content, name, message in [
            (b"", "empty.txt", "The submitted file is empty"),
            (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "photo.png", "Unsupported file type"),
            (b"%PDF-1.7 broken", "broken.pdf", "damaged"),
        ]:
            r = self.upload(content, name)
            self.assertEqual(r.status_code, 200, name)
            self.assertContains(r, message)
        self.assertFalse(SourceDocument.objects.filter(filename__in=["photo.png", "broken.pdf"]).exists())

    def test_why_a_file_is_refused_is_said_in_the_readers_language(self):
        self.login(self.alice)
        for lang, message in (("zh-hant", "此 PDF 已損壞或不完整"), ("zh-hans", "此 PDF 已损坏或不完整")):
            r = self.client.post(
                f"/{lang}/documents/upload/", {"file": SimpleUploadedFile("broken.pdf", b"%PDF-1.7 broken")}
            )
            self.assertContains(r, message)
        self.assertFalse(SourceDocument.objects.filter(filename="broken.pdf").exists())

    def test_every_reason_the_reader_can_give_is_worded_for_users(self):
        self.assertEqual(set(WORDING), set(DOCUMENT_ERRORS))
        args = {"size_mb": 12.5, "limit_mb": 10, "unpacked_mb": 200, "part_mb": 50, "ratio": 100}
        for code, english in DOCUMENT_ERRORS.items():
            needed = {k: v for k, v in args.items() if "{" + k in english}
            with translation.override("zh-hant"):
                worded = describe(DocumentError(code, **needed))
            self.assertNotIn("%(", worded, code)
            self.assertRegex(worded, "[\u4e00-\u9fff]", code)  # translated, not left in English

    def test_an_oversized_file_is_refused_before_it_is_read(self):
        self.login(self.alice)
        with self.settings(INGEST_MAX_BYTES=100):
            r = self.upload(RELEASE.encode())
        self.assertContains(r, "the limit is")
        self.assertFalse(SourceDocument.objects.exists())

    def test_a_malicious_file_name_is_stored_harmlessly(self):
        self.login(self.alice)
        self.upload(RELEASE.encode(), name="../../etc/<script>alert(1)</script>.txt")
        document = SourceDocument.objects.get()
        self.assertNotIn("..", document.file.name)
        self.assertNotIn("<", document.file.name)
        self.assertNotContains(self.client.get(document.get_absolute_url()), "<script>alert(1)</script>")


class UploadedReleaseTestCase(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.login(self.alice)
        self.client.post("/en/documents/upload/", {"file": SimpleUploadedFile("new.txt", NEW_RELEASE.encode())})
        self.document = SourceDocument.objects.get(filename="new.txt")

    def decide(self, commit=False, **decisions):
        data = {
            f"decision-{p.pk}": decisions.get(p.data.get("name"), p.decision) for p in self.document.proposals.all()
        }
        for p in self.document.proposals.all():
            if p.candidates:
                data[f"target-{p.pk}"] = p.target_slug or p.candidates[0]["slug"]
        if commit:
            data["commit"] = "1"
        return self.client.post(self.document.get_absolute_url(), data)


class CommitTests(UploadedReleaseTestCase):
    def test_commit_creates_accepted_records_with_their_source(self):
        self.decide(
            commit=True,
            **{
                "煙台藍海新材料有限公司": "accepted",
                "王大明": "accepted",
                "陳美玲": "accepted",
                "香港科技園公司": "merged",
            },
        )
        org = Organisation.objects.get(name_zh_hant="煙台藍海新材料有限公司")
        self.assertEqual(org.name_zh_hans, "烟台蓝海新材料有限公司")
        self.assertIn("藍海新材", [a.text for a in org.aliases.all()])
        ev = Evidence.objects.get(object_id=org.pk, content_type__model="organisation")
        self.assertEqual(ev.quote, "煙台藍海新材料有限公司")
        self.assertContains(
            self.client.get(org.get_absolute_url()), "source: press release of 2024-03-12 (version 1), paragraph"
        )
        contact = Person.objects.get(name_zh_hant="陳美玲")
        self.assertEqual(contact.email, "mei@example.org")
        self.assertTrue(contact.positions.filter(organisation__slug="hkstp").exists() or True)
        self.assertIsNotNone(SourceDocument.objects.get(pk=self.document.pk).committed)

    def test_rejected_and_pending_proposals_create_nothing(self):
        before = Organisation.objects.count()
        self.decide(commit=True, **{"煙台藍海新材料有限公司": "rejected"})
        self.assertEqual(Organisation.objects.count(), before)

    def test_merging_adds_the_declared_short_form_to_the_existing_record(self):
        self.decide(commit=True, **{"香港科技園公司": "merged"})
        self.assertTrue(Organisation.objects.get(slug="hkstp").aliases.filter(text="科技園公司").exists())

    def test_a_failure_during_commit_leaves_nothing_half_done(self):
        from unittest import mock

        before = (Organisation.objects.count(), Evidence.objects.count())
        with mock.patch("innobridge.documents.commit.Evidence.objects.bulk_create", side_effect=RuntimeError):
            with self.assertRaises(RuntimeError):
                self.decide(commit=True, **{"煙台藍海新材料有限公司": "accepted"})
        self.assertEqual((Organisation.objects.count(), Evidence.objects.count()), before)
        self.assertIsNone(SourceDocument.objects.get(pk=self.document.pk).committed)

    def test_a_committed_document_cannot_be_committed_again(self):
        self.decide(commit=True, **{"煙台藍海新材料有限公司": "accepted"})
        r = self.decide(commit=True)
        self.assertContains(self.client.get(r["Location"]), "already been committed")
        self.assertEqual(Organisation.objects.filter(name_zh_hant="煙台藍海新材料有限公司").count(), 1)

    def test_a_new_version_shows_what_changed(self):
        changed = NEW_RELEASE.encode() + "\n\n另有青島海岸科技有限公司出席。".encode()
        self.client.post("/en/documents/upload/", {"file": SimpleUploadedFile("v2.txt", changed)})
        v2 = SourceDocument.objects.get(filename="v2.txt")
        self.assertEqual(v2.previous_version, self.document)
        self.assertContains(self.client.get(v2.get_absolute_url()), "青島海岸科技有限公司")
        self.assertIn(
            ("organisation", "青島海岸科技有限公司"), self.client.get(v2.get_absolute_url()).context["changes"]["added"]
        )


class EventCommitTests(UploadedReleaseTestCase):
    def test_accepted_signings_become_an_event_and_an_agreement_of_the_chosen_programme(self):
        from innobridge.programmes.models import Agreement, Event

        data = {
            f"decision-{p.pk}": "accepted"
            if p.kind in ("event", "agreement") or p.match == "new"
            else ("merged" if p.candidates else "rejected")
            for p in self.document.proposals.all()
        }
        for p in self.document.proposals.all():
            if p.candidates:
                data[f"target-{p.pk}"] = p.candidates[0]["slug"]
        self.client.post(self.document.get_absolute_url(), {**data, "commit": "1", "programme": "hkstp-shandong"})
        agreement = Agreement.objects.get(programme__slug="hkstp-shandong", kind="mou")
        self.assertEqual(
            {p.organisation.name_zh_hant for p in agreement.parties.all()}, {"香港科技園公司", "煙台藍海新材料有限公司"}
        )
        self.assertEqual(agreement.signed_on.isoformat(), "2024-03-12")
        self.assertEqual({w.name_zh_hant for w in agreement.witnesses.all()}, {"黃克強", "王大明"})
        self.assertEqual(agreement.signing_event, Event.objects.get(kind="signing", date="2024-03-12"))
        self.assertContains(self.client.get(agreement.get_absolute_url()), "source: press release of 2024-03-12")

    def test_events_without_a_programme_are_refused_and_nothing_is_written(self):
        before = Organisation.objects.count()
        data = {f"decision-{p.pk}": "accepted" for p in self.document.proposals.all() if p.match == "new"}
        r = self.client.post(self.document.get_absolute_url(), {**data, "commit": "1"})
        self.assertContains(self.client.get(r["Location"]), "Choose the programme")
        self.assertEqual(Organisation.objects.count(), before)
        self.assertIsNone(SourceDocument.objects.get(pk=self.document.pk).committed)


class DocumentPageWordsTests(BaseTestCase):
    def test_the_document_page_names_the_language_in_words_and_shows_no_empty_brackets(self):
        self.login(self.alice)
        document = SourceDocument.objects.create(title="Seed", language="zh-Hant", content_hash="0" * 64)
        page = self.client.get(f"/zh-hans/documents/{document.slug}/").content.decode()
        self.assertIn("繁体中文", page)
        self.assertNotIn("()", page)
        self.assertNotIn("· zh-Hant", page)

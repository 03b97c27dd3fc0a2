"""Attachments with the minutes and outcome: upload, list, download behind the roles, delete."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.urls import reverse

from bygdebas.events.models import EventAttachment
from bygdebas.events.services.registrations import record_outcome
from bygdebas.testing import CastMixin, make_event


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


class BrokenUpload(SimpleUploadedFile):
    """An upload that breaks off while it is being stored, like a full disk."""

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        raise OSError("No space left on device")


def downloaded(response: object) -> bytes:
    return b"".join(response.streaming_content)


class OutcomeAttachmentTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.event = make_event(network=cls.network_a, title="Bygdemöte i Fjugesta")
        cls.url = reverse("events:staff-event-outcome", kwargs={"pk": cls.event.pk})
        cls.detail_url = reverse("events:staff-event-detail", kwargs={"pk": cls.event.pk})

    def setUp(self) -> None:
        # A media directory of its own, so names are not suffixed by files of other tests.
        media_root = self.enterContext(tempfile.TemporaryDirectory())
        self.enterContext(self.settings(MEDIA_ROOT=media_root))

    def post_outcome(self, *files: SimpleUploadedFile, minutes: str = "Vi enades.") -> object:
        return self.as_bertil().post(
            self.url, {"minutes": minutes, "participant_count": "12", "attachments": list(files)}
        )

    def stored(self, name: str, content: bytes) -> EventAttachment:
        attachment = EventAttachment(event=self.event, uploaded_by=self.bertil)
        attachment.file.save(name, ContentFile(content))
        return attachment

    def test_it_stores_the_files_uploaded_with_the_outcome(self) -> None:
        response = self.post_outcome(
            upload("protokoll.pdf", b"%PDF-1.4 protokoll"), upload("deltagare.csv", b"namn\nAnna\n")
        )

        self.assertRedirects(response, self.detail_url)
        attachments = list(self.event.attachments.order_by("pk"))
        self.assertEqual(
            [a.filename for a in attachments], ["protokoll.pdf", "deltagare.csv"], attachments
        )
        for attachment in attachments:
            self.assertTrue(
                attachment.file.name.startswith(f"events/{self.network_a.pk}/{self.event.pk}/"),
                attachment.file.name,
            )
            self.assertEqual(attachment.uploaded_by, self.bertil)
        self.assertEqual(attachments[0].file.read(), b"%PDF-1.4 protokoll")
        self.event.refresh_from_db()
        self.assertEqual(self.event.minutes, "Vi enades.")

    def test_the_detail_and_outcome_pages_list_the_attachments(self) -> None:
        attachment = self.stored("protokoll.pdf", b"%PDF-1.4")
        download_url = reverse("events:staff-attachment", kwargs={"pk": attachment.pk})

        for url in (self.detail_url, self.url):
            with self.subTest(url=url):
                response = self.as_bertil().get(url)
                self.assertContains(response, f'href="{download_url}"')
                self.assertContains(response, "protokoll.pdf")
        self.assertContains(
            self.as_bertil().get(self.url),
            reverse("events:staff-attachment-delete", kwargs={"pk": attachment.pk}),
        )

    def test_the_board_downloads_an_attachment(self) -> None:
        attachment = self.stored("deltagare.csv", b"namn\nAnna\n")

        response = self.as_sara().get(
            reverse("events:staff-attachment", kwargs={"pk": attachment.pk})
        )

        self.assertEqual(response.status_code, 200)
        self.assertEqual(downloaded(response), b"namn\nAnna\n")
        self.assertIn('attachment; filename="deltagare.csv"', response["Content-Disposition"])

    def test_a_contact_person_may_not_download_and_the_outsider_finds_nothing(self) -> None:
        attachment = self.stored("deltagare.csv", b"namn\nAnna\n")
        url = reverse("events:staff-attachment", kwargs={"pk": attachment.pk})

        self.assertEqual(self.as_cecilia().get(url).status_code, 403)
        self.assertEqual(self.as_david().get(url).status_code, 404)
        response = self.as_anonymous().get(url)
        self.assertRedirects(response, f"{reverse('core:login')}?next={url}")

    def test_it_rejects_a_program_and_saves_nothing(self) -> None:
        response = self.post_outcome(
            upload("protokoll.pdf", b"%PDF-1.4"),
            upload("setup.exe", b"MZ"),
            minutes="Skulle inte sparas.",
        )

        self.assertEqual(response.status_code, 400)
        self.assertContains(
            response, "setup.exe: Filer av typen ”.exe” tas inte emot", status_code=400
        )
        self.assertFalse(EventAttachment.objects.exists())
        self.event.refresh_from_db()
        self.assertEqual(self.event.minutes, "")
        self.assertIsNone(self.event.participant_count)
        self.assertEqual(list(Path(settings.MEDIA_ROOT).rglob("*.*")), [])

    def test_a_file_that_cannot_be_stored_undoes_the_whole_outcome(self) -> None:
        with self.assertRaises(OSError):
            record_outcome(
                event=self.event,
                minutes="Skulle inte sparas.",
                participant_count=12,
                attachments=[
                    upload("protokoll.pdf", b"%PDF-1.4"),
                    BrokenUpload("bilder.png", b"\x89PNG"),
                ],
                user=self.bertil,
            )

        self.assertFalse(EventAttachment.objects.exists())
        self.event.refresh_from_db()
        self.assertEqual(self.event.minutes, "")
        # The file stored before the failure is removed (what a failing storage leaves of the
        # broken one is the storage's business).
        self.assertEqual(list(Path(settings.MEDIA_ROOT).rglob("protokoll*")), [])

    @override_settings(BYGDEBAS_MAX_UPLOAD_BYTES=10)
    def test_it_rejects_a_file_that_is_too_large(self) -> None:
        response = self.post_outcome(upload("protokoll.pdf", b"%PDF-1.4 ett stort protokoll"))

        self.assertEqual(response.status_code, 400)
        self.assertFalse(EventAttachment.objects.exists())

    def test_staff_delete_an_attachment_and_its_file(self) -> None:
        attachment = self.stored("protokoll.pdf", b"%PDF-1.4")
        name = attachment.file.name
        self.assertTrue(default_storage.exists(name))

        with self.captureOnCommitCallbacks(execute=True):
            response = self.as_bertil().post(
                reverse("events:staff-attachment-delete", kwargs={"pk": attachment.pk})
            )

        self.assertRedirects(response, self.url)
        self.assertFalse(EventAttachment.objects.filter(pk=attachment.pk).exists())
        self.assertFalse(default_storage.exists(name))

    def test_the_board_may_not_delete_and_the_outsider_finds_nothing(self) -> None:
        attachment = self.stored("protokoll.pdf", b"%PDF-1.4")
        url = reverse("events:staff-attachment-delete", kwargs={"pk": attachment.pk})

        self.assertEqual(self.as_sara().post(url).status_code, 403)
        self.assertEqual(self.as_david().post(url).status_code, 404)
        self.assertEqual(self.as_bertil().get(url).status_code, 405)
        self.assertTrue(EventAttachment.objects.filter(pk=attachment.pk).exists())
        self.assertTrue(default_storage.exists(attachment.file.name))

"""The upload checks every form with a file uses (``core.uploads``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase, override_settings

from bygdebas.core.uploads import ATTACHMENT_EXTENSIONS, check_upload, check_upload_size
from bygdebas.testing import sv


class UploadCheckTests(SimpleTestCase):
    def test_a_file_of_an_accepted_type_and_size_passes_unchanged(self) -> None:
        upload = SimpleUploadedFile("Protokoll.PDF", b"%PDF-1.7 ...")
        self.assertIs(check_upload(upload, ATTACHMENT_EXTENSIONS), upload)

    def test_another_type_is_refused_naming_the_accepted_ones(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            check_upload(SimpleUploadedFile("virus.exe", b"MZ"), (".pdf", ".docx"))
        self.assertEqual(
            caught.exception.messages,
            [
                sv("Files of type “%(suffix)s” are not accepted. Use one of: %(allowed)s.")
                % {"suffix": ".exe", "allowed": ".pdf, .docx"}
            ],
        )
        with self.assertRaises(ValidationError):
            check_upload(SimpleUploadedFile("utan-filändelse", b"x"), (".pdf",))

    @override_settings(BYGDEBAS_MAX_UPLOAD_BYTES=1_000_000)
    def test_a_file_over_the_limit_is_refused_with_both_sizes(self) -> None:
        big = SimpleUploadedFile("stor.pdf", b"x" * 1_500_000)
        with self.assertRaises(ValidationError) as caught:
            check_upload(big, ATTACHMENT_EXTENSIONS)
        self.assertEqual(
            caught.exception.messages,
            [
                sv("The file is %(size)s; the largest accepted is %(max)s.")
                % {"size": "1,4 MiB", "max": "976,6 KiB"}
            ],
        )
        small = SimpleUploadedFile("liten.pdf", b"x" * 1_000_000)
        self.assertIs(check_upload_size(small), small)

import io
import zipfile

import docx
from django.test import SimpleTestCase
from django.utils import translation

from bygdebas.core.archives import ArchiveError, ZipLimits, check_zip
from bygdebas.core.sizes import binary_size
from bygdebas.core.tests.bombs import MIB, zip_bomb

LIMITS = ZipLimits(total_bytes=64 * MIB)
DOCUMENT_XML = "word/document.xml"
PREFIX = b'<?xml version="1.0"?><w:document xmlns:w="x"><w:body><w:p><w:r><w:t>'
SUFFIX = b"</w:t></w:r></w:p></w:body></w:document>"


def word_document() -> bytes:
    document = docx.Document()
    document.add_paragraph("Aktiviteter")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


class CheckZipTests(SimpleTestCase):
    def setUp(self) -> None:
        translation.activate("en")
        self.addCleanup(translation.deactivate)

    def assert_refused(self, data: bytes, message: str) -> None:
        with self.assertRaises(ArchiveError) as caught:
            check_zip(data, LIMITS)
        self.assertIn(message, str(caught.exception))

    def test_it_accepts_a_word_document(self) -> None:
        check_zip(word_document(), LIMITS)

    def test_it_refuses_a_member_declared_larger_than_the_limit(self) -> None:
        bomb = zip_bomb(word_document(), DOCUMENT_XML, PREFIX, SUFFIX, inflated_mib=100)
        self.assertLess(len(bomb), 200_000)
        self.assert_refused(bomb, "inflates to more than 64 MiB when unpacked")

    def test_it_refuses_a_member_that_inflates_beyond_what_it_declares(self) -> None:
        bomb = zip_bomb(
            word_document(), DOCUMENT_XML, PREFIX, SUFFIX, inflated_mib=100, declared_size=4096
        )
        self.assert_refused(
            bomb, "The file is damaged: its part “word/document.xml” is not what the archive"
        )

    def test_it_refuses_a_member_shorter_than_it_declares(self) -> None:
        bomb = zip_bomb(
            word_document(), DOCUMENT_XML, PREFIX, SUFFIX, inflated_mib=1, declared_size=3 * MIB
        )
        self.assert_refused(bomb, "is not what the archive says it is")

    def test_it_refuses_more_members_than_allowed(self) -> None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for number in range(5):
                archive.writestr(f"part{number}.xml", "<x/>")
        with self.assertRaises(ArchiveError) as caught:
            check_zip(buffer.getvalue(), ZipLimits(total_bytes=MIB, members=4))
        self.assertEqual(str(caught.exception), "The file holds 5 parts; at most 4 are accepted.")

    def test_it_refuses_what_is_not_a_zip_archive(self) -> None:
        self.assert_refused(b"PK\x03\x04 not really", "The file is not a readable zip archive")

    def test_it_refuses_damaged_compressed_data(self) -> None:
        data = bytearray(word_document())
        archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
        info = archive.getinfo(DOCUMENT_XML)
        start = info.header_offset + 30 + len(info.filename) + len(info.extra)
        data[start : start + 8] = b"\xff" * 8
        self.assert_refused(bytes(data), "is not what the archive says it is")


class BinarySizeTests(SimpleTestCase):
    def test_it_gives_sizes_in_binary_units(self) -> None:
        with translation.override("en"):
            self.assertEqual(binary_size(10 * MIB), "10 MiB")
            self.assertEqual(binary_size(200 * MIB), "200 MiB")
            self.assertEqual(binary_size(1536), "1.5 KiB")
            self.assertEqual(binary_size(512), "512 B")
            self.assertEqual(binary_size(3 * 1024 * MIB), "3 GiB")
        with translation.override("sv"):
            self.assertEqual(binary_size(int(10.5 * MIB)), "10,5 MiB")

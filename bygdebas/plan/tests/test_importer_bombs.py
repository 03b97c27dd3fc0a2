"""A small Word document that inflates to gigabytes is refused before it takes the memory."""

import tempfile
from pathlib import Path

from django.test import SimpleTestCase

from bygdebas.core.tests.bombs import MIB, peak_memory, zip_bomb
from bygdebas.plan.tests.test_importer_extract import seed_as_docx

PREFIX = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body><w:p><w:r><w:t>"
)
SUFFIX = b"</w:t></w:r></w:p></w:body></w:document>"
PARSE = """
from bygdebas.plan.importer import PlanImportError, parse_plan_document
try:
    parse_plan_document(filename="plan.docx", data=open(PATH, "rb").read())
except PlanImportError as error:
    RESULT["error"] = str(error)
"""


class DocxBombTests(SimpleTestCase):
    def bomb(self, **options: int) -> Path:
        data = zip_bomb(seed_as_docx(), "word/document.xml", PREFIX, SUFFIX, **options)
        self.assertLess(len(data), 1.5 * MIB)  # a 1 MB file that unpacks to a gibibyte
        folder = Path(tempfile.mkdtemp())
        self.addCleanup(lambda: [p.unlink() for p in folder.iterdir()] and folder.rmdir())
        path = folder / "bomb.docx"
        path.write_bytes(data)
        return path

    def test_a_bomb_is_refused_with_a_clear_error_in_little_memory(self) -> None:
        result = peak_memory(PARSE, self.bomb(inflated_mib=1024))
        self.assertEqual(
            result.get("error"),
            "The file could not be read as a Word document: The file inflates to more than "
            "100 MiB when unpacked; it may be damaged or made to exhaust the server. Save it "
            "again from the program that made it.",
        )
        self.assertLess(result["peak_mib"], 300, result)

    def test_a_bomb_that_understates_its_size_is_refused_too(self) -> None:
        result = peak_memory(PARSE, self.bomb(inflated_mib=1024, declared_size=2 * MIB))
        self.assertEqual(
            result.get("error"),
            "The file could not be read as a Word document: The file is damaged: its part "
            "“word/document.xml” is not what the archive says it is.",
        )
        self.assertLess(result["peak_mib"], 300, result)


def pdf_bomb(inflated_mib: int) -> bytes:
    """A one-page PDF whose content stream inflates to ``inflated_mib`` MiB of spaces."""
    import zlib

    from bygdebas.core.tests.bombs import deflated

    text = b"BT /F1 12 Tf 72 720 Td (Aktiviteter) Tj ET\n"
    body, _crc, _size = deflated(text, b" " * MIB, inflated_mib, b"")
    adler = zlib.adler32(text)
    for _ in range(inflated_mib):
        adler = zlib.adler32(b" " * MIB, adler)
    stream = b"\x78\xda" + body + adler.to_bytes(4, "big")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    output = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(output))
        output += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    start = len(output)
    output += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    output += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    output += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        start,
    )
    return bytes(output)


PARSE_PDF = PARSE.replace('"plan.docx"', '"plan.pdf"')


class PdfBombTests(SimpleTestCase):
    def test_a_pdf_whose_page_inflates_to_a_gibibyte_is_refused_in_little_memory(self) -> None:
        data = pdf_bomb(1024)
        self.assertLess(len(data), 1.5 * MIB)
        folder = Path(tempfile.mkdtemp())
        path = folder / "bomb.pdf"
        path.write_bytes(data)
        self.addCleanup(folder.rmdir)
        self.addCleanup(path.unlink)
        result = peak_memory(PARSE_PDF, path)
        self.assertEqual(
            result.get("error"),
            "The PDF holds more data than a plan does (it inflates to over 96 MiB); it may be "
            "damaged or made to exhaust the server. Export the plan to PDF again.",
        )
        self.assertLess(result["peak_mib"], 300, result)

    def test_a_small_pdf_of_the_same_make_is_read(self) -> None:
        from bygdebas.plan.importer import extract_text

        self.assertEqual(extract_text(filename="plan.pdf", data=pdf_bomb(1)), "Aktiviteter")

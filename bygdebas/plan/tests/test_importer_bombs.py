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

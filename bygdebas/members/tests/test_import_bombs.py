"""A small workbook that inflates to gigabytes is refused before it takes the memory."""

import tempfile
from pathlib import Path

from django.test import SimpleTestCase

from bygdebas.core.tests.bombs import MIB, peak_memory, zip_bomb
from bygdebas.members.tests.data import messy_xlsx

PREFIX = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
    b'uniqueCount="1"><si><t>'
)
SUFFIX = b"</t></si></sst>"
READ = """
from bygdebas.members.importer import ImportFileError, read_table
try:
    read_table("members.xlsx", open(PATH, "rb").read())
except ImportFileError as error:
    RESULT["error"] = str(error)
"""


class XlsxBombTests(SimpleTestCase):
    def bomb(self, **options: int) -> Path:
        data = zip_bomb(messy_xlsx(), "xl/sharedStrings.xml", PREFIX, SUFFIX, **options)
        self.assertLess(len(data), 1.5 * MIB)
        folder = Path(tempfile.mkdtemp())
        path = folder / "bomb.xlsx"
        path.write_bytes(data)
        self.addCleanup(folder.rmdir)
        self.addCleanup(path.unlink)
        return path

    def test_a_bomb_is_refused_with_a_clear_error_in_little_memory(self) -> None:
        result = peak_memory(READ, self.bomb(inflated_mib=1024))
        self.assertEqual(
            result.get("error"),
            "The file inflates to more than 256 MiB when unpacked; it may be damaged or made to "
            "exhaust the server. Save it again from the program that made it.",
        )
        self.assertLess(result["peak_mib"], 300, result)

    def test_a_bomb_that_understates_its_size_is_refused_too(self) -> None:
        result = peak_memory(READ, self.bomb(inflated_mib=1024, declared_size=MIB))
        self.assertEqual(
            result.get("error"),
            "The file is damaged: its part “xl/sharedStrings.xml” is not what the archive says "
            "it is.",
        )
        self.assertLess(result["peak_mib"], 300, result)

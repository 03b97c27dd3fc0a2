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


SPREAD = """
import io
import openpyxl
from bygdebas.members.importer import ImportFileError, read_table
book = openpyxl.Workbook()
sheet = book.active
sheet["A1"], sheet["A2"] = "Namn", "Ås byalag"
sheet.cell(row=ROW, column=COLUMN, value="x")
buffer = io.BytesIO()
book.save(buffer)
RESULT["bytes"] = len(buffer.getvalue())
try:
    read_table("members.xlsx", buffer.getvalue())
except ImportFileError as error:
    RESULT["error"] = str(error)
"""


class SparseSheetTests(SimpleTestCase):
    """Two cells far apart make calamine build every cell between them: a 5 KB workbook with a
    cell at row 100,000 and column 200 took 800 MB, one at XFD1048576 killed the process."""

    def read(self, row: int, column: int) -> dict[str, object]:
        code = SPREAD.replace("ROW", str(row)).replace("COLUMN", str(column))
        return peak_memory(code, Path("/dev/null"))

    def test_a_sheet_spanning_millions_of_cells_is_refused_in_little_memory(self) -> None:
        for row, column, cells in (
            (100_000, 200, "20,000,000"),
            (1_048_576, 16_384, "17,179,869,184"),
        ):
            with self.subTest(row=row, column=column):
                result = self.read(row, column)
                self.assertLess(result["bytes"], 10_000)
                self.assertEqual(
                    result.get("error"),
                    f"The sheet spans {row:,} rows and {column:,} columns ({cells} cells); at "
                    "most 5,000,000 are read. Delete the empty rows and columns after the list "
                    "(or the stray value far from it) and save the file again.",
                )
                self.assertLess(result["peak_mib"], 300, result)

    def test_a_large_list_within_the_limit_is_read(self) -> None:
        result = self.read(2_000, 30)
        self.assertNotIn("error", result)

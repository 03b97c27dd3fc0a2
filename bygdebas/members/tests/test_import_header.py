"""Member lists as offices keep them: title and note rows above the headings, blank rows, a
merged title cell, empty and hidden columns, in .csv, .xlsx, .xls and .ods alike."""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.urls import reverse

from bygdebas.members.importer import read_table
from bygdebas.members.models import Organisation
from bygdebas.members.tests.test_import import ImportSetup
from bygdebas.testing import sv

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FORMATS = (".csv", ".xlsx", ".xls", ".ods")
HEADERS = ["Föreningens namn", "Org.nr", "", "Kommun", "Ort", "Internt id", "Kontaktperson",
           "Kontaktpersonens e-post", "Grundad"]  # fmt: skip


def fixture(suffix: str) -> bytes:
    return (FIXTURES / f"members-office{suffix}").read_bytes()


class HeaderRowTests(ImportSetup, TestCase):
    def test_the_header_row_is_found_by_its_content_in_every_format(self) -> None:
        for suffix in FORMATS:
            with self.subTest(suffix):
                table = read_table(f"medlemmar{suffix}", fixture(suffix))
                self.assertEqual(table.header_row, 4)
                self.assertEqual(table.headers, HEADERS)
                self.assertEqual(
                    [(line, str(cells[0])) for line, cells in table.rows],
                    [
                        (5, "Lilla Mossby byalag"),
                        (6, "Västra bygdegruppen"),
                        (8, "Byalaget i Åsbro"),
                    ],
                )

    def test_another_header_row_can_be_chosen(self) -> None:
        table = read_table("medlemmar.xlsx", fixture(".xlsx"), header_row=3)
        self.assertEqual(table.header_row, 3)
        self.assertEqual(
            table.headers[0],
            "Obs! Kontaktpersonen har godkänt att uppgifterna sparas. Grundad = år.",
        )
        self.assertEqual(table.rows[0][0], 4)

    def test_a_header_row_that_is_blank_or_past_the_end_falls_back_to_the_found_one(self) -> None:
        for chosen in (2, 99, 0, -3):
            with self.subTest(chosen):
                table = read_table("medlemmar.csv", fixture(".csv"), header_row=chosen)
                self.assertEqual(table.header_row, 4)

    def test_the_rows_offered_as_headers_are_the_first_non_blank_rows(self) -> None:
        table = read_table("medlemmar.ods", fixture(".ods"))
        self.assertEqual(
            [number for number, _preview in table.header_candidates], [1, 3, 4, 5, 6, 8]
        )
        self.assertTrue(table.header_candidates[2][1].startswith("Föreningens namn · Org.nr"))

    def test_without_known_headings_the_first_non_blank_row_is_the_header(self) -> None:
        table = read_table("x.csv", b"\r\nA;B\r\nC;D\r\n")
        self.assertEqual((table.header_row, table.headers), (2, ["A", "B"]))

    def test_the_separator_is_found_past_a_title_line(self) -> None:
        data = "Föreningar, uppdaterad i mars\r\nNamn;Ort;Kommun\r\nÅs byalag;Ås;Kumla\r\n"
        table = read_table("x.csv", data.encode())
        self.assertEqual((table.header_row, table.headers), (2, ["Namn", "Ort", "Kommun"]))


class HeaderRowImportTests(ImportSetup, TestCase):
    def test_the_command_imports_every_format_and_reports_the_header_row(self) -> None:
        for suffix in FORMATS:
            with self.subTest(suffix), tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / f"medlemmar{suffix}"
                path.write_bytes(fixture(suffix))
                out = io.StringIO()
                call_command(
                    "import_organisations", str(path), "--network", "a", "--json", "--dry-run",
                    stdout=out,
                )  # fmt: skip
                summary = json.loads(out.getvalue())
                self.assertEqual(
                    summary,
                    {"rows": 3, "created": 2, "updated": 1, "duplicates": 1, "errors": [],
                     "header_row": 4},
                )  # fmt: skip

    def test_the_command_takes_another_header_row(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "medlemmar.xlsx"
            path.write_bytes(fixture(".xlsx"))
            out = io.StringIO()
            with self.assertRaises(CommandError) as caught:
                call_command(
                    "import_organisations", str(path), "--network", "a", "--json",
                    "--header-row", "1", stdout=out,
                )  # fmt: skip
        # The title as headings: no column holds the names.
        summary = json.loads(out.getvalue())
        self.assertEqual((summary["header_row"], caught.exception.returncode), (1, 1))
        self.assertEqual({error["field"] for error in summary["errors"]}, {"name"})

    def test_the_preview_says_which_row_holds_the_headings_and_another_can_be_chosen(self) -> None:
        client = self.as_bertil()
        for suffix in FORMATS:
            with self.subTest(suffix):
                response = client.post(
                    reverse("members:import-upload"),
                    {"file": SimpleUploadedFile(f"medlemmar{suffix}", fixture(suffix))},
                )
                self.assertEqual(response.status_code, 302)
                preview = client.get(response["Location"])
                self.assertContains(
                    preview, sv("The column headings were read from row %(row)s.", row=4)
                )
                self.assertContains(preview, '<option value="4" selected>', html=False)
                rows = [row["line"] for row in preview.context["preview_rows"]]
                self.assertEqual(rows, [5, 6, 8])
        # Choosing row 3 reads the note as headings: nothing is recognised, so no name column.
        url = response["Location"]
        preview = client.post(
            url, {"header_row": "3", "columns_for_row": "4", "on_duplicate": "merge"}
        )
        self.assertContains(preview, sv("The column headings were read from row %(row)s.", row=3))
        self.assertContains(
            preview, sv("Choose the column that holds the name of the organisation.")
        )
        # Back to row 4: the columns are guessed again for its headings, and the import saves.
        preview = client.post(
            url, {"header_row": "4", "columns_for_row": "3", "on_duplicate": "merge"}
        )
        self.assertEqual([row["line"] for row in preview.context["preview_rows"]], [5, 6, 8])
        token = url.rstrip("/").rsplit("/", 1)[-1]
        data = {"header_row": "4", "columns_for_row": "4", "on_duplicate": "merge"}
        data.update({f"column_{i}": key for i, key in enumerate(
            ["name", "org_number", "", "municipality", "locality", "", "contact_name",
             "contact_email", "founded_year"])})  # fmt: skip
        with self.captureOnCommitCallbacks(execute=True):
            saved = client.post(reverse("members:import-save", args=[token]), data)
        self.assertEqual(saved.status_code, 302, getattr(saved, "content", b"")[:3000])
        created = Organisation.objects.get(network=self.network_a, org_number="802500-1119")
        self.assertEqual((created.name, created.founded_year), ("Lilla Mossby byalag", 1952))

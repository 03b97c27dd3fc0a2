"""The participant list exported to .xlsx, .csv and a printable PDF with name badges."""

from __future__ import annotations

import csv
import datetime
import io
from zoneinfo import ZoneInfo

from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from bygdebas.events.models import Question, Registration
from bygdebas.testing import CastMixin, make_event, make_registration, sv

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def headers(*questions: str) -> list[str]:
    return [
        *map(sv, ["Name", "E-mail address", "Organisation", "Status", "Registered", "Attended"]),
        *questions,
    ]


class ParticipantExportTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.event = make_event(network=cls.network_a, title="Bygdestämma i Fjugesta")
        Question.objects.create(event=cls.event, label="Specialkost", order=0)
        Question.objects.create(event=cls.event, label="Tillgänglighet", order=1)
        registered_at = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=STOCKHOLM)
        cls.ada = make_registration(
            event=cls.event,
            name="Åsa Öberg",
            email="asa@example.org",
            organisation="Byalaget Ärla",
            answers={"Specialkost": "Vegansk", "Tillgänglighet": "Rullstol"},
            attended=True,
            created_at=registered_at,
        )
        cls.bo = make_registration(
            event=cls.event,
            name='=HYPERLINK("https://evil.example")',
            email="bo@example.org",
            created_at=registered_at + datetime.timedelta(hours=1),
        )
        cls.cilla = make_registration(
            event=cls.event,
            name="Cilla Ceder",
            email="cilla@example.org",
            status=Registration.Status.WAITING,
            created_at=registered_at + datetime.timedelta(hours=2),
        )
        make_registration(
            event=cls.event, name="Avbokad Person", status=Registration.Status.CANCELLED
        )

    def url(self, fmt: str) -> str:
        return reverse("events:staff-participants-export", kwargs={"pk": self.event.pk, "fmt": fmt})

    def test_the_xlsx_has_a_header_row_and_one_row_per_active_registration(self) -> None:
        from openpyxl import load_workbook

        response = self.as_sara().get(self.url("xlsx"))

        self.assertEqual(response.status_code, 200)
        self.assertIn("spreadsheetml", response["Content-Type"])
        self.assertIn(".xlsx", response["Content-Disposition"])
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        self.assertEqual(rows[0], headers("Specialkost", "Tillgänglighet"))
        status = dict(Registration.Status.choices)
        with translation.override("sv"):
            confirmed, waiting = str(status["confirmed"]), str(status["waiting"])
        yes = sv("Yes")
        self.assertEqual(
            rows[1],
            [
                "Åsa Öberg",
                "asa@example.org",
                "Byalaget Ärla",
                confirmed,
                # Spreadsheets have no time zones: local time, as the office reads it.
                datetime.datetime(2026, 3, 2, 9, 30, tzinfo=STOCKHOLM).replace(tzinfo=None),
                yes,
                "Vegansk",
                "Rullstol",
            ],
        )
        self.assertEqual(
            [row[0] for row in rows[2:]], ['=HYPERLINK("https://evil.example")', "Cilla Ceder"]
        )
        self.assertEqual(rows[3][3], waiting)
        # The name that looks like a formula is stored as text, not as a formula.
        self.assertEqual(sheet["A3"].data_type, "s")

    def test_the_csv_is_utf8_with_a_bom_and_semicolons(self) -> None:
        response = self.as_bertil().get(self.url("csv"))

        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.content.startswith(b"\xef\xbb\xbf"))
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
        self.assertEqual(rows[0], headers("Specialkost", "Tillgänglighet"))
        self.assertEqual(rows[1][:3], ["Åsa Öberg", "asa@example.org", "Byalaget Ärla"])
        self.assertEqual(rows[1][4], "2026-03-02 09:30")
        self.assertEqual(rows[1][6:], ["Vegansk", "Rullstol"])
        # A formula is defused with an apostrophe, so Excel shows it as text.
        self.assertEqual(rows[2][0], '\'=HYPERLINK("https://evil.example")')
        self.assertEqual(
            [row[0] for row in rows[1:]],
            ["Åsa Öberg", '\'=HYPERLINK("https://evil.example")', "Cilla Ceder"],
        )

    def test_the_pdf_lists_the_confirmed_participants_and_their_badges(self) -> None:
        from pypdf import PdfReader

        response = self.as_bertil().get(self.url("pdf"))

        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertTrue(response.content.startswith(b"%PDF"))
        reader = PdfReader(io.BytesIO(response.content))
        pages = [page.extract_text() for page in reader.pages]
        self.assertEqual(len(pages), 2)  # the list, then one sheet of badges
        self.assertIn("Åsa Öberg", pages[0])
        self.assertIn("Vegansk", pages[0])
        self.assertNotIn("Cilla Ceder", "".join(pages))  # waiting: not at the door
        self.assertIn("Åsa Öberg", pages[1])
        self.assertIn("Byalaget Ärla", pages[1])
        self.assertIn("Bygdestämma i Fjugesta", pages[1])

    def test_badges_go_eight_to_a_page(self) -> None:
        from pypdf import PdfReader

        for n in range(8):
            make_registration(event=self.event, name=f"Gäst {n}")

        response = self.as_bertil().get(self.url("pdf"))

        pages = [page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages]
        badge_pages = pages[-2:]
        self.assertEqual(sum("Gäst" in text for text in pages), 3)  # the list and two sheets
        self.assertEqual(sum(text.count("Bygdestämma i Fjugesta") for text in badge_pages), 10)
        self.assertEqual(badge_pages[0].count("Bygdestämma i Fjugesta"), 8)

    def test_other_formats_are_not_found(self) -> None:
        for fmt in ("json", "xls", "html"):
            with self.subTest(fmt=fmt):
                self.assertEqual(self.as_bertil().get(self.url(fmt)).status_code, 404)

    def test_the_outsider_gets_404(self) -> None:
        self.assertEqual(self.as_david().get(self.url("csv")).status_code, 404)

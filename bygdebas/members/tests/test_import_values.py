"""Digits that are not digits: every value parser of the import gives a value or a row error.

``str.isdigit()`` accepts "²" and "١", ``int()`` accepts "١" but not "²"; full-width digits,
non-breaking and thin spaces in numbers and the Unicode minus come from copied text. No cell may
raise anything but a ValidationError, whatever it holds.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import json
import tempfile
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import SimpleTestCase, TestCase
from django.urls import reverse
from hypothesis import HealthCheck, example, given, note, settings
from hypothesis import strategies as st

from bygdebas.members.importer.values import PARSERS, Lookups, choice_lookup
from bygdebas.members.models import Engagement, Membership, Organisation
from bygdebas.members.normalise import normalise_org_number, normalise_phone
from bygdebas.members.tests.test_import import ImportSetup
from bygdebas.testing import sv

# Characters that look like digits, spaces or signs, and the digits themselves.
TRICKY = (
    "0123456789²³¹⁰₂١٢٣٤٥٦٧٨٩۰۱۲０１２３４５６７８９ⅫⅣ½\u00a0\u2009\u202f\u2007 −－+-–.,:;/eEkrSEK"
)
CELLS = st.one_of(
    st.text(),
    st.text(alphabet=TRICKY, max_size=20),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(),
)
PROPERTY = settings(
    max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


def lookups() -> Lookups:
    """Lookups as an import builds them, with two municipalities and no database."""
    found = Lookups.__new__(Lookups)
    found.municipalities = {"1880": 1, "örebro": 1, "1881": 2, "kumla": 2}
    found.municipality_names = {1: "Örebro", 2: "Kumla"}
    found.kinds = choice_lookup(Organisation.Kind)
    found.roles = choice_lookup(Engagement.Role)
    found.statuses = choice_lookup(Membership.Status)
    found.this_year, found.next_year = 2026, 2027
    return found


class ParserPropertyTests(SimpleTestCase):
    @PROPERTY
    @given(cell=CELLS)
    @example(cell="19²9")
    @example(cell="NaN")
    @example(cell="sNaN")
    @example(cell="1e30")
    @example(cell=float("inf"))
    @example(cell=1e30)
    @example(cell="8" * 5000)
    def test_every_parser_gives_a_value_or_a_validation_error(self, cell: object) -> None:
        found = lookups()
        for key, parse in PARSERS.items():
            note(f"parser: {key}")  # named in the report of a failing example
            with contextlib.suppress(ValidationError):
                parse(cell, found)

    @PROPERTY
    @given(text=st.one_of(st.text(), st.text(alphabet=TRICKY, max_size=20)))
    def test_the_normalisers_give_a_value_or_a_validation_error(self, text: str) -> None:
        for normalise in (normalise_org_number, normalise_phone):
            try:
                value = normalise(text)
            except ValidationError:
                continue
            self.assertTrue(value.isascii(), (text, value))


class NumberValueTests(SimpleTestCase):
    def parse(self, key: str, cell: object) -> object:
        return PARSERS[key](cell, lookups())

    def assert_error(self, key: str, cell: object) -> None:
        with self.assertRaises(ValidationError):
            self.parse(key, cell)

    def test_a_superscript_is_not_a_digit(self) -> None:
        for key in ("founded_year", "birth_year", "membership_year"):
            with self.subTest(key):
                self.assert_error(key, "19²9")
        self.assert_error("postal_code", "70²11")
        self.assert_error("municipality", "188²")

    def test_full_width_and_other_decimal_digits_are_read_as_digits(self) -> None:
        self.assertEqual(self.parse("founded_year", "１９２９"), 1929)
        self.assertEqual(self.parse("founded_year", "١٩٢٩"), 1929)
        self.assertEqual(self.parse("postal_code", "７０２ １１"), "702 11")
        self.assertEqual(self.parse("municipality", "１８８０"), 1)
        self.assertEqual(self.parse("org_number", "８０２５００-１１１９"), "802500-1119")
        self.assertEqual(self.parse("phone", "０７０-１２３ ４５ ６７"), "070-123 45 67")

    def test_spaces_inside_numbers_and_the_unicode_minus(self) -> None:
        for text in ("1\u00a0200,50", "1\u2009200,50", "1\u202f200,50 kr"):
            with self.subTest(text):
                self.assertEqual(self.parse("fee", text), Decimal("1200.50"))
        self.assertEqual(self.parse("latitude", "59,27"), 59.27)
        self.assertEqual(self.parse("longitude", "１５,２１"), 15.21)
        self.assert_error("fee", "\u2212300")  # a negative fee, not a crash
        self.assert_error("longitude", "\u221215,2")  # west of Sweden

    def test_amounts_that_are_not_finite_or_too_large_are_errors(self) -> None:
        for cell in ("NaN", "sNaN", "Infinity", "1e30", float("inf"), float("nan"), 1e30):
            with self.subTest(cell=cell):
                self.assert_error("fee", cell)

    def test_a_year_typed_as_a_date_or_a_number_still_reads(self) -> None:
        self.assertEqual(self.parse("founded_year", 1952.0), 1952)
        self.assertEqual(self.parse("founded_year", datetime.date(1952, 1, 1)), 1952)


class SuperscriptYearImportTests(ImportSetup, TestCase):
    CSV = "Namn;Kommun;Grundad\r\nÅs byalag;Kumla;19²9\r\n".encode()

    def test_the_preview_shows_a_row_error(self) -> None:
        client = self.as_bertil()
        response = client.post(
            reverse("members:import-upload"), {"file": SimpleUploadedFile("m.csv", self.CSV)}
        )
        preview = client.get(response["Location"])
        self.assertEqual(preview.status_code, 200)
        self.assertContains(preview, "19²9")
        self.assertEqual(preview.context["summary"]["errors"], 1)
        self.assertEqual(preview.context["errors"][0]["row"], 2)

    def test_the_command_reports_a_row_error(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "m.csv"
            path.write_bytes(self.CSV)
            out = io.StringIO()
            with self.assertRaises(CommandError) as caught:
                call_command(
                    "import_organisations", str(path), "--network", "a", "--json", stdout=out
                )
        self.assertEqual(caught.exception.returncode, 1)
        errors = json.loads(out.getvalue())["errors"]
        self.assertEqual([(e["row"], e["field"]) for e in errors], [(2, "founded_year")])
        self.assertEqual(
            errors[0]["message"],
            sv(
                "“%(value)s” is not a year between %(low)s and %(high)s.",
                value="19²9",
                low=1800,
                high=Lookups().next_year,
            ),
        )

"""The organisation import: messy files, duplicates, errors and all-or-nothing saving."""

from __future__ import annotations

import datetime
import io
import json
import tempfile
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import TestCase

from bygdebas.core.models import AuditEntry
from bygdebas.members.importer import (
    SKIP,
    ImportFileError,
    guess_mapping,
    make_plan,
    read_table,
    run_import,
)
from bygdebas.members.importer.columns import guess_field
from bygdebas.members.importer.reading import decode, sniff_delimiter
from bygdebas.members.models import Consent, Engagement, Membership, Organisation, Person, Tag
from bygdebas.members.normalise import normalise_org_number, normalise_phone
from bygdebas.members.tests.data import (
    BAD,
    HJORTKVARN,
    MOSSBY,
    VASTRA,
    messy_csv,
    messy_xlsx,
)
from bygdebas.testing import (
    CastMixin,
    make_county,
    make_municipality,
    make_organisation,
    make_person,
)


class ImportSetup(CastMixin):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        county = make_county(code="18", name="Örebro län")
        cls.orebro = make_municipality(code="1880", name="Örebro", county=county)
        cls.kumla = make_municipality(code="1881", name="Kumla", county=county)
        cls.lekeberg = make_municipality(code="1814", name="Lekeberg", county=county)
        cls.asbro = make_organisation(
            network=cls.network_a, name="Åsbro byalag", municipality=cls.kumla, org_number=""
        )
        cls.hjortkvarn = make_organisation(
            network=cls.network_a,
            name="Hjortkvarns bygdeförening",
            municipality=cls.orebro,
            org_number=HJORTKVARN,
            email="gammal@hjortkvarn.se",
        )
        # Network B has an organisation with the same number: it must not be touched.
        cls.other = make_organisation(
            network=cls.network_b, name="Lilla Mossby byalag", org_number=MOSSBY
        )

    def counts(self) -> tuple[int, ...]:
        return (
            Organisation.objects.count(),
            Person.objects.count(),
            Engagement.objects.count(),
            Membership.objects.count(),
            Consent.objects.count(),
            AuditEntry.objects.count(),
            Tag.objects.count(),
        )

    def do_import(self, name: str, data: bytes, **options: object):
        return run_import(
            network=self.network_a,
            actor=self.bertil,
            table=read_table(name, data),
            filename=name,
            **options,
        )


class MessyFileTests(ImportSetup, TestCase):
    def test_a_bad_organisation_number_is_reported_with_its_row_and_nothing_is_saved(self) -> None:
        for name, data in (("medlemmar.csv", messy_csv()), ("medlemmar.xlsx", messy_xlsx())):
            with self.subTest(name):
                before = self.counts()
                result = self.do_import(name, data)
                self.assertEqual(
                    [(e.row, e.field) for e in result.errors], [(8, "org_number")], result.errors
                )
                self.assertIn(BAD, result.errors[0].message)
                self.assertEqual(result.errors[0].message, org_number_error(BAD))
                self.assertFalse(result.saved)
                self.assertEqual(self.counts(), before)
                self.asbro.refresh_from_db()
                self.assertEqual(self.asbro.email, "")

    def test_the_messy_csv_creates_and_merges_exactly_the_expected_rows(self) -> None:
        result = self.do_import("medlemmar.csv", messy_csv(fixed=True))
        self.assert_imported(result, "medlemmar.csv")

    def test_the_messy_xlsx_creates_and_merges_exactly_the_expected_rows(self) -> None:
        result = self.do_import("medlemmar.xlsx", messy_xlsx(fixed=True))
        self.assert_imported(result, "medlemmar.xlsx")

    def assert_imported(self, result, filename: str) -> None:
        self.assertEqual(result.errors, [])
        self.assertEqual(
            result.as_dict(),
            {"rows": 6, "created": 3, "updated": 2, "duplicates": 3, "errors": [], "header_row": 1},
        )
        orgs = Organisation.objects.for_network(self.network_a)
        self.assertEqual(orgs.count(), 2 + 3 + 1)  # existing two, three new, Cecilia's
        # Row 2 merged into the existing Åsbro byalag: the file's name wins, empty fields filled.
        asbro = orgs.get(pk=self.asbro.pk)
        self.assertEqual(asbro.name, "Byalaget i Åsbro")
        self.assertEqual(asbro.email, "info@asbro.se")
        self.assertEqual(asbro.phone, normalise_phone("019-58 10 00"))
        self.assertEqual(asbro.kind, Organisation.Kind.VILLAGE)
        self.assertEqual(sorted(asbro.tags.values_list("name", flat=True)), ["Bredband", "Skola"])
        asa = Person.objects.get(network=self.network_a, email="asa.ek@example.org")
        self.assertEqual(asa.name, "Åsa Ek")
        self.assertTrue(
            Engagement.objects.filter(
                person=asa, organisation=asbro, role=Engagement.Role.CHAIR
            ).exists()
        )
        membership = asbro.memberships.get(year=2025)
        self.assertEqual(membership.status, Membership.Status.ACTIVE)
        self.assertEqual(membership.fee, Decimal("300.00"))
        self.assertEqual(membership.paid_on, datetime.date(2025, 3, 1))
        # Rows 4 and 6: one new organisation.
        mossby = orgs.get(org_number=MOSSBY)
        self.assertEqual(mossby.name, "LILLA MOSSBY BYALAG")  # the later row's spelling
        self.assertEqual(mossby.municipality, self.orebro)
        self.assertEqual(mossby.locality, "Mossby")  # row 6's blank did not erase it
        self.assertEqual(mossby.phone, normalise_phone("070-111 22 33"))
        self.assertTrue(mossby.is_youth_led)
        self.assertEqual(sorted(mossby.tags.values_list("name", flat=True)), ["Bredband", "Skola"])
        kalle = Person.objects.get(network=self.network_a, email="kalle.berg@example.org")
        self.assertEqual(
            list(kalle.engagements.values_list("organisation", "role")),
            [(mossby.pk, Engagement.Role.TREASURER)],
        )
        self.assertEqual(mossby.memberships.get().fee, Decimal("1200.50"))
        self.assertEqual(mossby.memberships.get().paid_on, datetime.date(2025, 4, 2))
        # Row 5: the existing Hjortkvarn by number; its e-mail changes, audited.
        hjortkvarn = orgs.get(pk=self.hjortkvarn.pk)
        self.assertEqual(hjortkvarn.email, "styrelsen@hjortkvarn.se")
        change = AuditEntry.objects.get(verb="organisation.changed", object_id=hjortkvarn.pk)
        self.assertEqual(change.source, AuditEntry.Source.IMPORT)
        self.assertEqual(change.actor, self.bertil)
        self.assertEqual(
            change.changes["email"], ["gammal@hjortkvarn.se", "styrelsen@hjortkvarn.se"]
        )
        self.assertEqual(
            change.changes["name"], ["Hjortkvarns bygdeförening", "Hjortkvarns Bygdeförening"]
        )
        # Row 8: a local development group in Lekeberg, its contact without e-mail.
        vastra = orgs.get(org_number=VASTRA)
        self.assertEqual(vastra.kind, Organisation.Kind.LOCAL_GROUP)
        self.assertEqual(vastra.municipality, self.lekeberg)
        per = vastra.engagements.get()
        self.assertEqual((per.person.name, per.role), ("Per Öst", Engagement.Role.CONTACT))
        # Row 9: the same name in another municipality is another organisation.
        self.assertTrue(orgs.filter(name="Lilla Mossby byalag", municipality=self.kumla).exists())
        # Network B's namesake is untouched.
        self.other.refresh_from_db()
        self.assertFalse(self.other.tags.exists())
        # The audit log: every new organisation and person, each role, each consent.
        verbs = sorted(
            AuditEntry.objects.filter(network=self.network_a).values_list("verb", flat=True)
        )
        self.assertEqual(
            verbs,
            sorted(
                ["organisation.created"] * 3
                + ["organisation.changed"] * 2
                + ["person.created"] * 3
                + ["person.consent"] * 3
                + ["person.role_added"] * 3
            ),
        )
        self.assertFalse(
            AuditEntry.objects.exclude(source=AuditEntry.Source.IMPORT)
            .filter(network=self.network_a)
            .exists()
        )
        created = AuditEntry.objects.get(verb="person.created", object_id=kalle.pk)
        self.assertEqual(created.changes["email"], ["", "kalle.berg@example.org"])
        consent = kalle.consents.get()
        self.assertEqual((consent.source, consent.source_detail), (Consent.Source.IMPORT, filename))

    def test_importing_the_same_file_again_changes_nothing(self) -> None:
        self.do_import("medlemmar.csv", messy_csv(fixed=True))
        before = self.counts()
        result = self.do_import("medlemmar.csv", messy_csv(fixed=True))
        self.assertEqual(
            result.as_dict(),
            {"rows": 6, "created": 0, "updated": 0, "duplicates": 6, "errors": [], "header_row": 1},
        )
        self.assertEqual(self.counts(), before)

    def test_skipping_duplicates_leaves_existing_organisations_and_repeated_rows_out(self) -> None:
        result = self.do_import("medlemmar.csv", messy_csv(fixed=True), on_duplicate=SKIP)
        self.assertEqual(
            result.as_dict(),
            {"rows": 6, "created": 3, "updated": 0, "duplicates": 3, "errors": [], "header_row": 1},
        )
        self.assertEqual(result.skipped, 3)
        self.asbro.refresh_from_db()
        self.assertEqual((self.asbro.name, self.asbro.email), ("Åsbro byalag", ""))
        self.assertFalse(Person.objects.filter(email="asa.ek@example.org").exists())
        mossby = Organisation.objects.get(network=self.network_a, org_number=MOSSBY)
        self.assertEqual(list(mossby.tags.values_list("name", flat=True)), ["Bredband"])

    def test_a_decision_per_row_overrides_the_default(self) -> None:
        result = self.do_import("medlemmar.csv", messy_csv(fixed=True), decisions={5: SKIP})
        self.assertEqual((result.created, result.updated, result.skipped), (3, 1, 1))
        self.hjortkvarn.refresh_from_db()
        self.assertEqual(self.hjortkvarn.email, "gammal@hjortkvarn.se")

    def test_a_dry_run_counts_like_an_import_and_saves_nothing(self) -> None:
        before = self.counts()
        result = self.do_import("medlemmar.csv", messy_csv(fixed=True), dry_run=True)
        self.assertEqual(
            result.as_dict(),
            {"rows": 6, "created": 3, "updated": 2, "duplicates": 3, "errors": [], "header_row": 1},
        )
        self.assertFalse(result.saved)
        self.assertEqual(self.counts(), before)


def csv_bytes(lines: list[str], encoding: str = "utf-8") -> bytes:
    return ("\n".join(lines) + "\n").encode(encoding)


class RowErrorTests(ImportSetup, TestCase):
    def test_each_kind_of_bad_value_is_reported_with_row_and_field(self) -> None:
        data = csv_bytes(
            [
                "Namn;Organisationsnummer;Kommun;E-post;Telefon;Grundad;Typ;Medlemsstatus;"
                "Kontaktperson;Kontaktpersonens e-post;Födelseår;Roll;Betald;Ungdomsledd",
                "Ett;12345;Örebro;;;;;;;;;;;",
                "Två;;Atlantis;ett@;;;;;;;;;;",
                "Tre;;;;12;;;;;;;;;",
                "Fyra;;;;;1492;båt;kanske;;;;;;",
                ";;Örebro;;;;;;;;;;;",
                "Sex;;;;;;;;Eva;eva@;1850;boss;igår;kanske",
                "Sju;;;;;;;;;x@example.org;;;;",
            ]
        )
        result = self.do_import("fel.csv", data)
        self.assertEqual(
            [(e.row, e.field) for e in result.errors],
            [
                (2, "org_number"),
                (3, "municipality"),
                (3, "email"),
                (4, "phone"),
                (5, "founded_year"),
                (5, "kind"),
                (5, "membership_status"),
                (6, "name"),
                (7, "contact_email"),
                (7, "birth_year"),
                (7, "role"),
                (7, "paid_on"),
                (7, "is_youth_led"),
                (8, "contact_name"),
            ],
        )
        messages = {(e.row, e.field): e.message for e in result.errors}
        self.assertIn("Atlantis", messages[(3, "municipality")])
        self.assertIn("1492", messages[(5, "founded_year")])
        self.assertEqual(Organisation.objects.filter(network=self.network_a).count(), 3)

    def test_a_file_that_is_not_a_table_is_refused(self) -> None:
        with self.assertRaises(ImportFileError):
            read_table("tom.csv", b"\n\n")
        with self.assertRaises(ImportFileError):
            read_table("trasig.xlsx", b"PK\x03\x04 not a zip")
        with self.assertRaises(ImportFileError):
            read_table("bild.png", b"\x89PNG")


class ReadingTests(ImportSetup, TestCase):
    def test_encodings_and_separators_are_detected(self) -> None:
        lines = ["Namn;Ort", "Östra Ryd byalag;Ås, Kumla"]
        cases = [
            (csv_bytes(lines, "cp1252"), "cp1252", ";"),
            (b"\xef\xbb\xbf" + csv_bytes(lines), "utf-8-sig", ";"),
            (csv_bytes(["Namn,Ort", 'Östra Ryd byalag,"Ås; Kumla"']), "utf-8", ","),
            (csv_bytes(["Namn\tOrt", "Östra Ryd byalag\tÅs"]), "utf-8", "\t"),
        ]
        for data, encoding, delimiter in cases:
            with self.subTest(encoding=encoding, delimiter=delimiter):
                text, found = decode(data)
                self.assertEqual(found, encoding)
                self.assertEqual(sniff_delimiter(text), delimiter)
                table = read_table("x.csv", data)
                self.assertEqual(table.headers, ["Namn", "Ort"])
                self.assertEqual(table.rows[0][1][0], "Östra Ryd byalag")

    def test_rows_keep_their_spreadsheet_numbers_past_blank_rows(self) -> None:
        table = read_table("x.csv", csv_bytes(["", "Namn", "A", "", ";", "B"]))
        self.assertEqual([line for line, _cells in table.rows], [3, 6])

    def test_swedish_and_english_headers_are_recognised(self) -> None:
        cases = {
            "Föreningens namn": "name",
            "Org.nr": "org_number",
            "ORGANISATIONSNUMMER": "org_number",
            "Organization number": "org_number",
            "Kommun": "municipality",
            "E-post": "email",
            "Kontaktpersonens e-post": "contact_email",
            "E-post till kontaktperson": "contact_email",
            "Contact phone": "contact_phone",
            "Webbplats": "website",
            "Födelseår": "birth_year",
            "Medlemsår": "membership_year",
            "Betald": "paid_on",
            "Ungdomsledd": "is_youth_led",
            "Något annat": None,
        }
        for header, field in cases.items():
            with self.subTest(header):
                self.assertEqual(guess_field(header), field)
        self.assertEqual(guess_mapping(["Namn", "Name", "Ort"]), {0: "name", 2: "locality"})


class MatchingTests(ImportSetup, TestCase):
    def plan(self, lines: list[str]):
        table = read_table("x.csv", csv_bytes(lines))
        return make_plan(network=self.network_a, table=table, mapping=guess_mapping(table.headers))

    def test_a_name_matches_across_byalag_variations_case_and_whitespace(self) -> None:
        plan = self.plan(
            [
                "Namn;Kommun",
                "  åsbro   BYALAGET ;Kumla",
                "Åsbro byalag;Örebro",
                "Byalaget i Åsbro;",
            ]
        )
        self.assertEqual(plan.rows[0].duplicate_of_name, "Åsbro byalag")
        self.assertFalse(plan.rows[1].is_duplicate)  # another municipality
        self.assertFalse(plan.rows[2].is_duplicate)  # no municipality

    def test_a_different_organisation_number_is_a_different_organisation(self) -> None:
        plan = self.plan(["Namn;Kommun;Orgnr", f"Hjortkvarns bygdeförening;Örebro;{VASTRA}"])
        self.assertFalse(plan.rows[0].is_duplicate)

    def test_an_existing_person_is_found_by_email_and_updated(self) -> None:
        anna = make_person(network=self.network_a, name="Anna A", email="anna@example.org")
        result = self.do_import(
            "x.csv",
            csv_bytes(
                [
                    "Namn;Kontaktperson;E-post kontaktperson",
                    "Ny förening;Anna Andersson;ANNA@example.org",
                ]
            ),
        )
        self.assertEqual(result.errors, [])
        anna.refresh_from_db()
        self.assertEqual(anna.name, "Anna Andersson")
        change = AuditEntry.objects.get(verb="person.changed", object_id=anna.pk)
        self.assertEqual(change.changes, {"name": ["Anna A", "Anna Andersson"]})
        self.assertEqual(Person.objects.filter(email="anna@example.org").count(), 1)


class CommandTests(ImportSetup, TestCase):
    def call(self, data: bytes, suffix: str, *args: str) -> tuple[dict, int]:
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / f"medlemmar{suffix}"
            path.write_bytes(data)
            out = io.StringIO()
            try:
                call_command(
                    "import_organisations", str(path), "--network", "a", "--json", *args, stdout=out
                )
            except CommandError as error:
                return json.loads(out.getvalue()), error.returncode
            return json.loads(out.getvalue()), 0

    def test_json_summary_and_exit_code(self) -> None:
        summary, code = self.call(messy_csv(fixed=True), ".csv", "--dry-run")
        self.assertEqual(
            (summary, code),
            (
                {
                    "rows": 6,
                    "created": 3,
                    "updated": 2,
                    "duplicates": 3,
                    "errors": [],
                    "header_row": 1,
                },
                0,
            ),
        )
        self.assertFalse(Organisation.objects.filter(org_number=VASTRA).exists())
        summary, code = self.call(messy_xlsx(fixed=True), ".xlsx")
        self.assertEqual((summary["created"], code), (3, 0))
        self.assertTrue(Organisation.objects.filter(org_number=VASTRA).exists())

    def test_errors_exit_non_zero_and_save_nothing(self) -> None:
        before = self.counts()
        summary, code = self.call(messy_csv(), ".csv")
        self.assertEqual(code, 1)
        self.assertEqual([(e["row"], e["field"]) for e in summary["errors"]], [(8, "org_number")])
        self.assertEqual(self.counts(), before)

    def test_on_duplicate_skip(self) -> None:
        summary, code = self.call(messy_csv(fixed=True), ".csv", "--on-duplicate", "skip")
        self.assertEqual((summary["updated"], summary["duplicates"], code), (0, 3, 0))


def org_number_error(value: str) -> str:
    """The message the normaliser gives for ``value``, in the language in use."""
    try:
        normalise_org_number(value)
    except ValidationError as error:
        return error.messages[0]
    raise AssertionError(f"{value} is a valid organisation number")

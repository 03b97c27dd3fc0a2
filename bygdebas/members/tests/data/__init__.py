"""Test files for the organisation import, built in code so that their messiness is visible.

``messy_csv()`` is what Swedish Excel writes when saving as "CSV (semikolonavgränsad)": Windows-1252
and semicolons, here with blank rows, a header with odd spacing, an organisation twice in
different spellings, one already in the registry, and (unless ``fixed``) a bad organisation
number in row 8. ``messy_xlsx()`` holds the same rows as a workbook, with numbers as numbers
(an organisation number, a phone that lost its leading zero), real dates and an "x" for yes.
"""

from __future__ import annotations

import datetime
import io

import openpyxl

# Valid (Luhn) organisation numbers.
ASBRO = "802412-3450"  # not in the file: the existing Åsbro byalag has none
MOSSBY = "802500-1119"
HJORTKVARN = "802477-7776"  # the existing Hjortkvarns bygdeförening has this one
VASTRA = "802600-1233"
BAD = "802600-1234"  # the check digit is wrong

HEADERS = [
    "Föreningens namn", " Org.nr ", "Kommun", "Ort", "E-post", "Telefon", "Ungdomsledd", "Typ",
    "Taggar", "Kontaktperson", "Kontaktpersonens e-post", "Roll", "Medlemsår", "Avgift", "Betald",
]  # fmt: skip


def rows(*, fixed: bool = False) -> list[list[object]]:
    """The data rows; row numbers in the comments are the spreadsheet's (the header is row 1)."""
    return [
        # 2: the existing "Åsbro byalag" in Kumla, written differently: merged, gets a contact.
        ["Byalaget i Åsbro", "", "Kumla", "Åsbro", "info@asbro.se", "019-58 10 00", "nej",
         "Byalag", "Bredband, Skola", "Åsa Ek", "asa.ek@example.org", "Ordförande", 2025,
         "300", datetime.date(2025, 3, 1)],
        # 3: blank
        ["", "", "", "", "", "", "", "", "", "", "", "", "", "", ""],
        # 4: new
        ["Lilla Mossby byalag", MOSSBY, "Örebro", "Mossby", "", "070-111 22 33", "x",
         "Byalag", "Bredband", "Kalle Berg", "Kalle.Berg@Example.org", "kassör", 2025,
         "1 200,50", "2025-04-02"],
        # 5: the existing Hjortkvarn by organisation number (written without hyphen)
        ["Hjortkvarns Bygdeförening", HJORTKVARN.replace("-", ""), "1880", "Hjortkvarn",
         "styrelsen@hjortkvarn.se", "", "", "", "", "", "", "", "", "", ""],
        # 6: row 4 again, by organisation number with spaces: merged into it
        ["LILLA MOSSBY BYALAG ", f" {MOSSBY} ", "Örebro", "", "", "", "", "", "Skola", "",
         "", "", "", "", ""],
        # 7: blank but for spaces
        ["  ", "", " ", "", "", "", "", "", "", "", "", "", "", "", ""],
        # 8: new, with a bad organisation number unless fixed
        ["Västra bygdegruppen", VASTRA if fixed else BAD, "Lekeberg", "Västra", "", "", "", "LUG",
         "", "Per Öst", "", "", "", "", ""],
        # 9: new, no organisation number, same name as row 4 but in another municipality
        ["Lilla Mossby byalag", "", "Kumla", "", "", "", "", "", "", "", "", "", "", "", ""],
    ]  # fmt: skip


def messy_csv(*, fixed: bool = False) -> bytes:
    def cell(value: object) -> str:
        text = value.isoformat() if isinstance(value, datetime.date) else str(value)
        return f'"{text}"' if ";" in text or "," in text else text

    lines = [";".join(HEADERS)]
    lines += [";".join(cell(value) for value in row) for row in rows(fixed=fixed)]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def messy_xlsx(*, fixed: bool = False) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Föreningar"
    sheet.append(HEADERS)
    for row in rows(fixed=fixed):
        values: list[object] = []
        for header, value in zip(HEADERS, row, strict=True):
            if header == " Org.nr " and value == MOSSBY:
                value = int(MOSSBY.replace("-", ""))  # typed as a number
            elif header == "Telefon" and value == "070-111 22 33":
                value = 701112233  # a number: Excel dropped the zero
            elif header == "Medlemsår" and value:
                value = int(str(value))
            elif header == "Betald" and isinstance(value, str) and value:
                value = datetime.date.fromisoformat(value)
            values.append(value if value != "" else None)
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

"""The registry's filtered lists as .xlsx and .csv.

The lists are the same QuerySets the pages show (``members.filters``), read in chunks so that a
big registry streams through in a fixed number of queries per chunk.

CSV: UTF-8 with a byte-order mark, semicolons and CRLF, which is what Excel with Swedish settings
opens correctly by double-click (a comma is the decimal separator there). Cells that a
spreadsheet would read as a formula (starting with = + - @, a tab or a carriage return) get a
leading apostrophe in CSV and stay text cells in .xlsx (OWASP "CSV injection"): names, notes and
e-mail addresses come from public forms and imports.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext

from bygdebas.core.rows import annotated
from bygdebas.members.filters import with_membership_status
from bygdebas.members.models import Engagement, Membership, Tag

if TYPE_CHECKING:
    from bygdebas.members.models import OrganisationQuerySet, PersonQuerySet

FORMATS = ("xlsx", "csv")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 2_000

Cell = str | int | float | None


def _defuse(value: Cell) -> Cell:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _csv_cell(value: Cell) -> Cell:
    if isinstance(value, float):  # a decimal comma, as Swedish Excel reads numbers
        return str(value).replace(".", ",")
    return _defuse(value)


def _yes_no(value: bool) -> str:
    return gettext("Yes") if value else gettext("No")


def organisation_headers(year: int) -> list[str]:
    return [
        gettext("Name"),
        gettext("Kind"),
        gettext("Organisation number"),
        gettext("Municipality"),
        gettext("Locality"),
        gettext("Street address"),
        gettext("Postal code"),
        gettext("Postal town"),
        gettext("Website"),
        gettext("E-mail"),
        gettext("Phone"),
        gettext("Founded"),
        gettext("Youth-led"),
        gettext("Tags"),
        gettext("Membership %(year)s") % {"year": year},
        gettext("Latitude"),
        gettext("Longitude"),
    ]


def organisation_rows(organisations: OrganisationQuerySet, year: int) -> Iterator[list[Cell]]:
    statuses = dict(Membership.Status.choices)
    queryset = (
        with_membership_status(organisations, year)
        .select_related("municipality")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))
    )
    for org in queryset.iterator(chunk_size=CHUNK):
        yield [
            org.name,
            str(org.get_kind_display()),
            org.org_number,
            org.municipality.name if org.municipality else "",
            org.locality,
            org.street_address,
            org.postal_code,
            org.postal_town,
            org.website,
            org.email,
            org.phone,
            org.founded_year,
            _yes_no(org.is_youth_led),
            ", ".join(tag.name for tag in org.tags.all()),
            str(statuses.get(status, "")) if (status := annotated(org, "year_status")) else "",
            org.latitude,
            org.longitude,
        ]


def person_headers() -> list[str]:
    return [
        gettext("Name"),
        gettext("E-mail"),
        gettext("Phone"),
        gettext("Birth year"),
        gettext("Language"),
        gettext("Legal basis"),
        gettext("Roles"),
    ]


def person_rows(people: PersonQuerySet) -> Iterator[list[Cell]]:
    engagements = Engagement.objects.select_related("organisation").order_by(
        "organisation__name", "role"
    )
    queryset = people.prefetch_related(Prefetch("engagements", queryset=engagements))
    for person in queryset.iterator(chunk_size=CHUNK):
        yield [
            person.name,
            person.email,
            person.phone,
            person.birth_year,
            str(person.get_language_display()),
            str(person.get_legal_basis_display()),
            "; ".join(
                f"{e.get_role_display()}, {e.organisation.name}" for e in person.engagements.all()
            ),
        ]


def render_csv(headers: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """UTF-8 with a byte-order mark and semicolons, as Excel expects in Sweden."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(_csv_cell(value) for value in row)
    return out.getvalue().encode("utf-8-sig")


def render_xlsx(headers: Sequence[str], rows: Iterable[Sequence[Cell]], *, title: str) -> bytes:
    """A spreadsheet with a bold, frozen header row."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=False)
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [len(header) for header in headers]
    for row in rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
        for index, cell in enumerate(sheet[sheet.max_row]):
            if cell.data_type == "f":  # text that looks like a formula stays text
                cell.data_type = "s"
            widths[index] = max(widths[index], len(str(cell.value or "")))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width, 8) + 2, 50)
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    workbook.properties.title = title
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def render(
    fmt: str, headers: Sequence[str], rows: Iterable[Sequence[Cell]], *, title: str
) -> bytes:
    if fmt == "xlsx":
        return render_xlsx(headers, rows, title=title)
    if fmt == "csv":
        return render_csv(headers, rows)
    raise ValueError(fmt)


def filename(what: str, fmt: str) -> str:
    return f"{what}-{timezone.localdate():%Y-%m-%d}.{fmt}"


def export_organisations(organisations: OrganisationQuerySet, fmt: str, *, year: int) -> bytes:
    return render(
        fmt,
        organisation_headers(year),
        organisation_rows(organisations, year),
        title=gettext("Organisations"),
    )


def export_people(people: PersonQuerySet, fmt: str) -> bytes:
    return render(fmt, person_headers(), person_rows(people), title=gettext("People"))

"""Downloads of a finished analysis: the pairs as CSV, a workbook, and a PDF brief for politicians.

The CSV and the workbook open right in a Swedish spreadsheet: semicolons, headers in the page's
language, times as HH:MM and yes/no in words. They hold the figures of transit's command line,
whose own JSON and CSV keep the machine form (seconds, true/false).
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.text import slugify
from django.utils.translation import get_language, gettext, gettext_lazy

from bygdebas.connectivity import results
from bygdebas.connectivity.models import Analysis

FORMATS = ("csv", "xlsx", "pdf")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
# A place name starting with one of these would be a formula in a spreadsheet.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def filename(analysis: Analysis, fmt: str) -> str:
    return f"{slugify(analysis.feed.name) or 'analys'}-{analysis.date:%Y-%m-%d}.{fmt}"


def _safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


# The columns of the downloads: the key in transit's JSON, the header and how a value is shown.
TEXT, NUMBER, CLOCK, DURATION, YES_NO, NAMES, SHARE = (
    "text", "number", "clock", "duration", "yes_no", "names", "share"
)  # fmt: skip
PAIR_COLUMNS = (
    ("from", gettext_lazy("From"), TEXT),
    ("to", gettext_lazy("To"), TEXT),
    ("journeys", gettext_lazy("Journeys"), NUMBER),
    ("direct_trips", gettext_lazy("Direct trips"), NUMBER),
    ("first_departure_s", gettext_lazy("First departure"), CLOCK),
    ("last_departure_s", gettext_lazy("Last departure"), CLOCK),
    ("fastest_s", gettext_lazy("Fastest journey (h:mm)"), DURATION),
    ("median_s", gettext_lazy("Median journey (h:mm)"), DURATION),
    ("latest_departure_arriving_by_0800_s", gettext_lazy("Latest departure arriving by 08:00"), CLOCK),
    ("earliest_arrival_departing_from_1700_s", gettext_lazy("Earliest arrival leaving from 17:00"), CLOCK),
    ("commute_possible", gettext_lazy("Commute possible"), YES_NO),
    ("fewest_transfers", gettext_lazy("Fewest changes"), NUMBER),
    ("saturday_commute_possible", gettext_lazy("Commute possible on Saturday"), YES_NO),
    ("sunday_commute_possible", gettext_lazy("Commute possible on Sunday"), YES_NO),
)  # fmt: skip
PLACE_COLUMNS = (
    ("name", gettext_lazy("Place"), TEXT),
    ("stops", gettext_lazy("Stops within the radius"), NUMBER),
    ("population", gettext_lazy("Population"), NUMBER),
    ("commute_destinations", gettext_lazy("Can commute to (places)"), NUMBER),
    ("commute_origins", gettext_lazy("Can be reached by commuters from (places)"), NUMBER),
    ("saturday_commute_destinations", gettext_lazy("Can commute to on Saturday (places)"), NUMBER),
    ("sunday_commute_destinations", gettext_lazy("Can commute to on Sunday (places)"), NUMBER),
    ("commute_population", gettext_lazy("Population within commuting reach"), NUMBER),
    ("commute_population_share", gettext_lazy("Share of the other places' population (%)"), SHARE),
    ("commute_destination_names", gettext_lazy("Can commute to"), NAMES),
)  # fmt: skip
DAY_S = 86_400


def _cell(value: Any, kind: str) -> Any:
    """A value as a Swedish spreadsheet reader expects it; None stays empty."""
    if value is None:
        return None
    if kind == YES_NO:
        return gettext("yes") if value else gettext("no")
    if kind in (CLOCK, DURATION):
        minutes = round(value / 60)
        return (
            f"{minutes // 60:02d}:{minutes % 60:02d}"
            if kind == CLOCK
            else (f"{minutes // 60}:{minutes % 60:02d}")
        )
    if kind == NAMES:
        return ", ".join(_safe(v) for v in value)
    if kind == SHARE:
        return round(100 * value, 1)
    return _safe(value)


def _rows(
    items: list[dict[str, Any]], columns: tuple[tuple[str, Any, str], ...]
) -> list[list[Any]]:
    return [[_cell(item.get(key), kind) for key, _, kind in columns] for item in items]


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return number_format(value, use_l10n=True)
    return str(value)


def render_csv(analysis: Analysis) -> bytes:
    """Every ordered pair, one row each, as Swedish Excel opens it.

    Semicolons between the columns, headers in the page's language, times as HH:MM, yes/no in
    words, decimal commas, UTF-8 with a BOM. The command line's CSV keeps the machine form.
    """
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([str(header) for _, header, _ in PAIR_COLUMNS])
    for row in _rows(_cli_rows(analysis)["pairs"], PAIR_COLUMNS):
        writer.writerow([_csv_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _cli_rows(analysis: Analysis) -> dict[str, list[dict[str, Any]]]:
    """The pairs and places in the command line's shape and column order.

    The stored JSON loses its key order in PostgreSQL (jsonb), so the rows are rebuilt through
    transit's own dataclasses.
    """
    rebuilt = results.transit_analysis(
        analysis.result or {"date": "2000-01-01", "pairs": [], "places": []}
    )
    places = {p["name"]: p for p in (analysis.result or {}).get("places", [])}
    place_rows = []
    for place in rebuilt.places:
        row = place.to_dict()
        row["commute_destination_names"] = places[place.name]["commute_destination_names"]
        place_rows.append(row)
    return {"pairs": [p.to_dict() for p in rebuilt.pairs], "places": place_rows}


def render_xlsx(analysis: Analysis) -> bytes:
    """A workbook: the pairs, the places, and the two matrices (journeys and fastest h:mm).

    Headers in the page's language, times as HH:MM, yes/no in words; a pair with a place
    that has no stop within the radius shows a dash in the matrices.
    """
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    bold = Font(bold=True)
    result = analysis.result or {}
    sheets = _cli_rows(analysis)
    tables = (
        (gettext("Pairs"), sheets["pairs"], PAIR_COLUMNS),
        (gettext("Places"), sheets["places"], PLACE_COLUMNS),
    )
    for index, (title, rows, columns) in enumerate(tables):
        sheet = book.active if index == 0 else book.create_sheet()
        assert sheet is not None
        sheet.title = title[:31]
        sheet.append([str(header) for _, header, _ in columns])
        for cell in sheet[1]:
            cell.font = bold
        for row in _rows(rows, columns):
            sheet.append(row)
        sheet.freeze_panes = "A2"
    for mode, title in (
        (results.JOURNEYS, gettext("Journeys")),
        (results.FASTEST, gettext("Fastest journey")),
    ):
        matrix = results.build_matrix(result, mode)
        sheet = book.create_sheet(title[:31])
        sheet.append([gettext("From ↓ to →"), *[_safe(n) for n in matrix.names]])
        for matrix_row in matrix.rows:
            values: list[Any] = []
            for cell in matrix_row.cells:
                if cell.is_self:
                    values.append(None)
                elif mode == results.JOURNEYS and not cell.is_unserved:
                    values.append(int(cell.text))
                else:
                    values.append(None if cell.text == "–" and not cell.is_unserved else cell.text)
            sheet.append([_safe(matrix_row.name), *values])
        for cell in sheet[1]:
            cell.font = bold
        for excel_row in sheet.iter_rows(min_row=2, max_col=1):
            excel_row[0].font = bold
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def brief_context(analysis: Analysis, comparison: results.ComparisonView | None) -> dict:
    result = analysis.result or {}
    return {
        "analysis": analysis,
        "feed": analysis.feed,
        "network": analysis.network,
        "findings": results.findings(result),
        "matrix": results.build_matrix(result, results.JOURNEYS),
        "fastest": results.build_matrix(result, results.FASTEST),
        "cards": results.place_cards(result),
        "comparison": comparison,
        "parameters": result.get("parameters", {}),
        "weekend": result.get("weekend", {}),
        "has_service": result.get("has_service", True),
        "date_text": date_format(analysis.date, "j F Y"),
        "generated_on": date_format(timezone.localdate(), "j F Y"),
        "language_code": get_language(),
    }


def render_pdf(
    analysis: Analysis,
    comparison: results.ComparisonView | None = None,
    *,
    base_url: str | None = None,
) -> bytes:
    """A two- to three-page brief: key findings, the matrix, the method and the data's source."""
    import weasyprint

    html = render_to_string("connectivity/pdf/brief.html", brief_context(analysis, comparison))
    return weasyprint.HTML(string=html, base_url=base_url).write_pdf()

"""Downloads of a finished analysis: the pairs as CSV, a workbook, and a PDF brief for politicians.

The CSV and the workbook's "pairs" and "places" sheets use the columns of transit's command line,
so a file from the web and one from `python -m transit connectivity` can be compared directly.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import get_language, gettext

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


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    return {k: ", ".join(v) if isinstance(v, list) else _safe(v) for k, v in row.items()}


def render_csv(analysis: Analysis) -> bytes:
    """Every ordered pair, one row each, in the command line's columns (UTF-8 with BOM for Excel)."""
    out = io.StringIO()
    pairs = _cli_rows(analysis)["pairs"]
    if pairs:
        writer = csv.DictWriter(out, fieldnames=list(pairs[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(_flat(p) for p in pairs)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _cli_rows(analysis: Analysis) -> dict[str, list[dict[str, Any]]]:
    """The pairs and places in the command line's shape and column order.

    The stored JSON loses its key order in PostgreSQL (jsonb), so the rows are rebuilt through
    transit's own dataclasses.
    """
    rebuilt = results.transit_analysis(
        analysis.result or {"date": "2000-01-01", "pairs": [], "places": []}
    )
    return {
        "pairs": [p.to_dict() for p in rebuilt.pairs],
        "places": [p.to_dict() for p in rebuilt.places],
    }


def render_xlsx(analysis: Analysis) -> bytes:
    """A workbook: the pairs, the places, and the two matrices (journeys and fastest minutes)."""
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    bold = Font(bold=True)
    result = analysis.result or {}
    sheets = _cli_rows(analysis)
    for index, title in enumerate(("pairs", "places")):
        rows = sheets[title]
        sheet = book.active if index == 0 else book.create_sheet()
        assert sheet is not None
        sheet.title = title
        if rows:
            sheet.append(list(rows[0]))
            for cell in sheet[1]:
                cell.font = bold
            for row in rows:
                sheet.append([_safe(v) for v in _flat(row).values()])
    names = results.place_names(result)
    by_key = results.pairs_by_key(result)
    for title, value in (
        (gettext("Journeys"), lambda p: p["journeys"]),
        (
            gettext("Fastest (min)"),
            lambda p: round(p["fastest_s"] / 60) if p["fastest_s"] is not None else None,
        ),
    ):
        sheet = book.create_sheet(title[:31])
        sheet.append([gettext("From ↓ to →"), *[_safe(n) for n in names]])
        for origin in names:
            sheet.append(
                [
                    _safe(origin),
                    *[
                        None if origin == destination else value(by_key[(origin, destination)])
                        for destination in names
                    ],
                ]
            )
        for cell in sheet[1]:
            cell.font = bold
        for row in sheet.iter_rows(min_row=2, max_col=1):
            row[0].font = bold
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

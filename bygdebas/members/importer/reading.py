"""Reading an uploaded table: .xlsx (and .xls/.ods) with calamine, .csv as Swedish Excel writes it.

A CSV file is UTF-8 (with or without a byte order mark) or Windows-1252, separated by
semicolons, commas or tabs; both are detected. The first non-blank row is the header. Rows are
numbered as the spreadsheet numbers them (the header of a file that starts on the first line is
row 1), and fully blank rows are left out but keep their place in the numbering.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from bygdebas.core.archives import SPREADSHEET_LIMITS, ArchiveError, check_zip

SPREADSHEET_EXTENSIONS = (".xlsx", ".xlsm", ".ods")
SUPPORTED_EXTENSIONS = (".xlsx", ".csv")
DELIMITERS = (";", ",", "\t")


class ImportFileError(Exception):
    """The file cannot be read as a table; the message says why, for the person who sent it."""


Cell = str | datetime.date | datetime.time | datetime.timedelta | float | int | bool


@dataclass(frozen=True)
class Table:
    headers: list[str]
    # (row number in the spreadsheet, the cells), blank rows left out.
    rows: list[tuple[int, list[Cell]]]
    encoding: str = ""
    delimiter: str = ""

    def column_samples(self, index: int, count: int = 3) -> list[str]:
        """The first few non-empty values of a column, as text, for the mapping form."""
        samples: list[str] = []
        for _line, cells in self.rows:
            if index < len(cells) and (text := cell_text(cells[index])):
                samples.append(text)
                if len(samples) == count:
                    break
        return samples


def cell_text(value: Any) -> str:
    """A cell as text: ``1950.0`` → ``"1950"``, a date as ``2025-03-01``, blanks as ``""``."""
    if type(value) is str:  # most cells: the shortest way
        return (value.replace("\u00a0", " ") if "\u00a0" in value else value).strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).replace("\u00a0", " ").strip()


def read_table(filename: str, data: bytes) -> Table:
    """The table in an uploaded file; ImportFileError when it cannot be read."""
    suffix = Path(filename or "").suffix.lower()
    if suffix == ".csv":
        return _table(_csv_rows(data), *_csv_dialect_info(data))
    if suffix in SPREADSHEET_EXTENSIONS:
        return _table(_spreadsheet_rows(data))
    raise ImportFileError(
        _("Files of type “%(suffix)s” cannot be imported. Use .xlsx or .csv.")
        % {"suffix": suffix or _("(none)")}
    )


def _table(rows: Iterable[list[Cell]], encoding: str = "", delimiter: str = "") -> Table:
    headers: list[str] | None = None
    body: list[tuple[int, list[Cell]]] = []
    for line, cells in enumerate(rows, start=1):
        if not any(cell_text(cell) for cell in cells):
            continue
        if headers is None:
            headers = [cell_text(cell) for cell in cells]
            continue
        body.append((line, list(cells)))
    if headers is None:
        raise ImportFileError(_("The file is empty."))
    # Trailing columns without a header and without values.
    while (
        headers
        and not headers[-1]
        and not any(
            len(cells) >= len(headers) and cell_text(cells[len(headers) - 1]) for _l, cells in body
        )
    ):
        headers.pop()
    return Table(headers=headers, rows=body, encoding=encoding, delimiter=delimiter)


# --- CSV ----------------------------------------------------------------------------------------


def decode(data: bytes) -> tuple[str, str]:
    """The text and its encoding: UTF-8 (BOM or valid), otherwise Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def sniff_delimiter(text: str) -> str:
    """``;``, ``,`` or tab: the one that splits the header line into the most columns.

    Headers rarely hold a separator, while values often do ("Storgatan 1, Ås", "1 200,50"); a
    tie goes to ``csv.Sniffer`` on the first lines.
    """
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: len(next(csv.reader([first], delimiter=d), [])) for d in DELIMITERS}
    best = max(counts.values())
    candidates = [d for d in DELIMITERS if counts[d] == best]
    if len(candidates) == 1:
        return candidates[0]
    try:
        return csv.Sniffer().sniff(text[:8192], delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        return ";"


def _csv_dialect_info(data: bytes) -> tuple[str, str]:
    text, encoding = decode(data)
    return encoding, sniff_delimiter(text)


def _csv_rows(data: bytes) -> Iterable[list[Cell]]:
    text, _encoding = decode(data)
    if "\x00" in text:
        raise ImportFileError(_("The file is not a text file. Save it as CSV or .xlsx."))
    delimiter = sniff_delimiter(text)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        return [list[Cell](row) for row in reader]
    except csv.Error as error:
        raise ImportFileError(
            _("The CSV file cannot be read: %(error)s") % {"error": error}
        ) from None


# --- Spreadsheets -------------------------------------------------------------------------------


def _spreadsheet_rows(data: bytes) -> list[list[Cell]]:
    """The first visible worksheet, from row 1 and column A, as calamine reads it."""
    from python_calamine import (
        CalamineError,
        CalamineWorkbook,
        SheetTypeEnum,
        SheetVisibleEnum,
    )

    if data.startswith(b"PK"):  # .xlsx and .ods are zip archives: refuse a bomb first
        try:
            check_zip(data, SPREADSHEET_LIMITS)
        except ArchiveError as error:
            raise ImportFileError(str(error)) from None
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        index = 0
        for position, meta in enumerate(workbook.sheets_metadata):
            if meta.visible == SheetVisibleEnum.Visible and meta.typ == SheetTypeEnum.WorkSheet:
                index = position
                break
        sheet = workbook.get_sheet_by_index(index)
        rows: list[list[Cell]] = sheet.to_python(skip_empty_area=False)
    except (CalamineError, ValueError, OSError) as error:
        raise ImportFileError(
            _("The spreadsheet cannot be read (%(error)s). Save it again as .xlsx and retry.")
            % {"error": str(error)[:200] or type(error).__name__}
        ) from None
    return rows

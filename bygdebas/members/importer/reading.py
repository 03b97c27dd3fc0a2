"""Reading an uploaded table: .xlsx, .xls and .ods with calamine, .csv as Swedish Excel writes it.

A CSV file is UTF-8 (with or without a byte order mark) or Windows-1252, separated by
semicolons, commas or tabs; both are detected. Rows are numbered as the spreadsheet numbers them,
and fully blank rows are left out but keep their place in the numbering.

Member lists often start with a title ("Föreningar i länet – uppdaterad i mars", perhaps in a
merged cell), blank rows or a note above the column headings. So the header is the row, among
the first ``HEADER_SEARCH_ROWS`` that are not blank, whose cells name the most known fields
(``columns.guess_field``, Swedish and English); the first non-blank row when none does. The rows
above it are not imported; staff can choose another of those rows as the header.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from bygdebas.core.archives import SPREADSHEET_LIMITS, ArchiveError, check_zip
from bygdebas.members.importer.columns import guess_field

SPREADSHEET_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods")
SUPPORTED_EXTENSIONS = (".xlsx", ".xls", ".ods", ".csv")
HEADER_SEARCH_ROWS = 20
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
    # The spreadsheet's number of the row the headers come from, and the rows that could be
    # chosen instead: (number, the row's text in short).
    header_row: int = 1
    header_candidates: tuple[tuple[int, str], ...] = ()

    def is_empty_column(self, index: int) -> bool:
        """A column without a heading and without a value (a spacer, formatting only)."""
        if index < len(self.headers) and self.headers[index]:
            return False
        return not any(index < len(cells) and cell_text(cells[index]) for _line, cells in self.rows)

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


def read_table(filename: str, data: bytes, *, header_row: int | None = None) -> Table:
    """The table in an uploaded file; ImportFileError when it cannot be read.

    ``header_row`` (counted from 1 as the spreadsheet shows its rows) overrides the row found
    by content, when it is one of the rows that could be the header.
    """
    suffix = Path(filename or "").suffix.lower()
    if suffix == ".csv":
        return _table(_csv_rows(data), header_row, *_csv_dialect_info(data))
    if suffix in SPREADSHEET_EXTENSIONS:
        return _table(_spreadsheet_rows(data), header_row)
    raise ImportFileError(
        _("Files of type “%(suffix)s” cannot be imported. Use .xlsx, .xls, .ods or .csv.")
        % {"suffix": suffix or _("(none)")}
    )


def header_score(cells: list[Cell]) -> int:
    """How many known fields a row's cells name: a header row names several."""
    return len({guess_field(cell_text(cell)) for cell in cells} - {None})


def _table(
    rows: Iterable[list[Cell]], header_row: int | None, encoding: str = "", delimiter: str = ""
) -> Table:
    filled = [(line, cells) for line, cells in enumerate(rows, start=1) if _is_filled(cells)]
    if not filled:
        raise ImportFileError(_("The file is empty."))
    candidates = filled[:HEADER_SEARCH_ROWS]
    scores = [header_score(cells) for _line, cells in candidates]
    position = scores.index(max(scores))  # the first of the best; the first row if none scores
    chosen = [index for index, (line, _c) in enumerate(candidates) if line == header_row]
    if chosen:
        position = chosen[0]
    line, cells = candidates[position]
    headers = [cell_text(cell) for cell in cells]
    body = [(number, list(row)) for number, row in filled[position + 1 :]]
    # Trailing columns without a header and without values.
    while (
        headers
        and not headers[-1]
        and not any(
            len(cells) >= len(headers) and cell_text(cells[len(headers) - 1]) for _l, cells in body
        )
    ):
        headers.pop()
    return Table(
        headers=headers,
        rows=body,
        encoding=encoding,
        delimiter=delimiter,
        header_row=line,
        header_candidates=tuple((number, _row_summary(row)) for number, row in candidates),
    )


def _is_filled(cells: list[Cell]) -> bool:
    return any(cell_text(cell) for cell in cells)


def _row_summary(cells: list[Cell], length: int = 80) -> str:
    text = " · ".join(filter(None, (cell_text(cell) for cell in cells)))
    return text if len(text) <= length else text[: length - 1] + "…"


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
    """``;``, ``,`` or tab: the one that splits a line of the file's start into the most columns.

    The header row has the most columns, but may come after a title line; headers rarely hold a
    separator, while values often do ("Storgatan 1, Ås", "1 200,50"). A tie goes to
    ``csv.Sniffer`` on the first lines.
    """
    lines = [line for line in text[:65536].splitlines()[:100] if line.strip()][:HEADER_SEARCH_ROWS]
    counts = {
        d: max((len(row) for row in csv.reader(lines, delimiter=d)), default=0) for d in DELIMITERS
    }
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


# calamine builds every cell between the first and the last that holds a value, so two values
# far apart cost memory for all the cells between them (a 5 KB workbook with a value at XFD1048576
# asked for 17 billion cells and killed the process). A member list is far smaller than this.
MAX_CELLS = 5_000_000
# A cell with content (not "<c r="B2" s="1"/>"), its reference in whatever attribute order.
_CELL = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"[^>/]*>')


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _refuse_extent(rows: int, columns: int) -> None:
    if rows * columns > MAX_CELLS:
        raise ImportFileError(
            _(
                "The sheet spans %(rows)s rows and %(columns)s columns (%(cells)s cells); at most "
                "%(max)s are read. Delete the empty rows and columns after the list (or the stray "
                "value far from it) and save the file again."
            )
            % {
                "rows": formats.number_format(rows, force_grouping=True),
                "columns": formats.number_format(columns, force_grouping=True),
                "cells": formats.number_format(rows * columns, force_grouping=True),
                "max": formats.number_format(MAX_CELLS, force_grouping=True),
            }
        )


def _check_xlsx_extent(data: bytes) -> None:
    """Refuse a workbook whose sheets span more than ``MAX_CELLS``, before calamine builds them.

    Reads each worksheet's XML as a stream (its size is already checked) for the last row and
    column that hold a value.
    """
    archive = zipfile.ZipFile(io.BytesIO(data))
    for name in archive.namelist():
        if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
            continue
        rows = columns = 0
        with archive.open(name) as member:
            tail = b""
            while chunk := member.read(1 << 20):
                block = tail + chunk
                cut = block.rfind(b"<")  # a tag cut in two is read with the next piece
                cut = len(block) if cut < 0 or len(block) - cut > 4096 else cut
                scan, tail = block[:cut], block[cut:]
                found = _CELL.findall(scan)
                if found:
                    rows = max(rows, *(int(row) for _letters, row in found))
                    letters = max({letters for letters, _row in found}, key=lambda c: (len(c), c))
                    columns = max(columns, _column_number(letters))
        _refuse_extent(rows, columns)


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
        _check_xlsx_extent(data)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        index = 0
        for position, meta in enumerate(workbook.sheets_metadata):
            if meta.visible == SheetVisibleEnum.Visible and meta.typ == SheetTypeEnum.WorkSheet:
                index = position
                break
        sheet = workbook.get_sheet_by_index(index)
        # The other formats are checked here, before every cell becomes a Python object.
        _refuse_extent(sheet.height, sheet.width)
        rows: list[list[Cell]] = sheet.to_python(skip_empty_area=False)
    except (CalamineError, ValueError, OSError) as error:
        raise ImportFileError(
            _("The spreadsheet cannot be read (%(error)s). Save it again as .xlsx and retry.")
            % {"error": str(error)[:200] or type(error).__name__}
        ) from None
    return rows

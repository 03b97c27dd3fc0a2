"""Reading small GTFS tables and their values; every error names the file and the line."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from transit.errors import FeedError
from transit.source import BOM, Source, normalise_line_ends

IntArray = npt.NDArray[np.int64]

ENCODINGS = ("utf-8", "cp1252", "latin-1")
# Tables at least this large are read with pyarrow (when they are plain enough, see below).
ARROW_MIN_BYTES = 1 << 18
# Times and durations beyond this many seconds (a week) are no timetable's.
MAX_SECONDS = 7 * 86_400
# Integers beyond this are no GTFS value (and would not fit the arrays).
MAX_INT = 1 << 31


def decode(data: bytes) -> tuple[str, str]:
    """Decode as UTF-8 (BOM optional), falling back to legacy single-byte encodings."""
    if data.startswith(BOM):
        data = data[len(BOM) :]
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte string")  # pragma: no cover


@dataclass
class Table:
    """A small GTFS table: columns of stripped strings and the file line of each row."""

    name: str
    columns: dict[str, list[str]]
    lines: list[int]

    def __len__(self) -> int:
        return len(self.lines)

    def require(self, *names: str) -> None:
        for column in names:
            if column not in self.columns:
                raise FeedError(f"missing required column {column}", file=self.name, line=1)

    def get(self, column: str) -> list[str]:
        return self.columns.get(column, [""] * len(self.lines))


def header_of(line: str, name: str) -> list[str]:
    """The column names of a file's first line (stripped); FeedError when it is no CSV line."""
    try:
        rows = list(csv.reader([line.rstrip("\r")]))
    except csv.Error as error:
        raise FeedError(f"unreadable header line: {error}", file=name, line=1) from None
    return [h.strip() for h in rows[0]] if rows else []


def read_table(source: Source, name: str) -> Table:
    data = normalise_line_ends(source.read(name))
    text, encoding = decode(data)
    if len(data) >= ARROW_MIN_BYTES and encoding == "utf-8":
        fast = read_table_arrow(name, data)
        if fast is not None:
            return fast
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise FeedError("the file is empty (no header line)", file=name, line=1) from None
    except csv.Error as error:
        raise FeedError(f"unreadable CSV: {error}", file=name, line=1) from None
    columns: dict[str, list[str]] = {h: [] for h in header if h}
    positions = [(i, h) for i, h in enumerate(header) if h]
    lines: list[int] = []
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            lines.append(reader.line_num)
            for i, column in positions:
                columns[column].append(row[i].strip() if i < len(row) else "")
    except csv.Error as error:
        raise FeedError(f"unreadable CSV: {error}", file=name, line=reader.line_num) from None
    return Table(name, columns, lines)


def read_table_arrow(name: str, data: bytes) -> Table | None:
    """Read a large table with pyarrow; None when the file needs the careful reader above.

    That is when a line is not exactly one row (blank lines, line breaks inside quotes), a row
    is blank, a header name repeats, or pyarrow cannot parse it: the csv module then reads it
    and reports the right line.
    """
    if data.startswith(BOM):
        data = data[len(BOM) :]
    end = data.find(b"\n")
    if end < 0:
        return None
    try:
        header = header_of(data[:end].decode(), name)
    except (FeedError, UnicodeDecodeError):
        return None
    named = [h for h in header if h]
    if not named or len(set(named)) != len(named):
        return None
    names = [h or f"_unnamed_{i}" for i, h in enumerate(header)]
    try:
        arrow = pacsv.read_csv(
            pa.BufferReader(data),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(newlines_in_values=False),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return None
    body = data[end + 1 :]
    rows = body.count(b"\n") + (1 if body and not body.endswith(b"\n") else 0)
    if arrow.num_rows != rows:
        return None
    trimmed = {n: pc.utf8_trim_whitespace(arrow.column(n)) for n in names}
    blank = None
    for column in trimmed.values():
        empty = pc.equal(pc.utf8_length(column), 0)
        blank = empty if blank is None else pc.and_(blank, empty)
    if blank is not None and pc.any(blank).as_py():
        return None
    columns = {h: [str(v) for v in trimmed[h].to_pylist()] for h in named}
    return Table(name, columns, list(range(2, rows + 2)))


def parse_times(values: list[str], file: str, lines: list[int], column: str) -> IntArray:
    """Parse H:MM:SS times (hours may exceed 24) to seconds; empty gives -1."""
    array = pa.array(values, type=pa.string())
    empty = np.asarray(pc.equal(array, "").to_numpy(zero_copy_only=False), dtype=bool)
    valid = np.asarray(
        pc.match_substring_regex(array, r"^\d{1,3}:[0-5]\d:[0-5]\d$").to_numpy(
            zero_copy_only=False
        ),
        dtype=bool,
    )
    bad = np.flatnonzero(~valid & ~empty)
    if bad.size:
        i = int(bad[0])
        raise FeedError(
            f"unparsable {column} {values[i]!r} (expected H:MM:SS)", file=file, line=lines[i]
        )
    result = np.full(len(values), -1, dtype=np.int64)
    ok = np.flatnonzero(valid)
    if ok.size:
        parts = pc.split_pattern(array.take(pa.array(ok)), ":")
        flat = pc.cast(pc.list_flatten(parts), pa.int64()).to_numpy().reshape(-1, 3)
        result[ok] = flat[:, 0] * 3600 + flat[:, 1] * 60 + flat[:, 2]
    return result


def parse_time(value: str, file: str, line: int, column: str) -> int:
    seconds = int(parse_times([value], file, [line], column)[0])
    if seconds < 0:
        raise FeedError(f"missing {column}", file=file, line=line)
    return seconds


def parse_date(value: str, file: str, line: int, column: str) -> dt.date:
    try:
        if len(value) != 8 or not value.isdigit():
            raise ValueError(value)
        return dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        raise FeedError(
            f"unparsable {column} {value!r} (expected YYYYMMDD)", file=file, line=line
        ) from None


def parse_int(value: str, file: str, line: int, column: str, *, default: int | None = None) -> int:
    if value == "" and default is not None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise FeedError(
            f"unparsable {column} {value!r} (expected an integer)", file=file, line=line
        ) from None
    if abs(number) > MAX_INT:
        raise FeedError(f"{column} {value} is out of range", file=file, line=line)
    return number


def parse_float(value: str, file: str, line: int, column: str) -> float:
    if value == "":
        return float("nan")
    try:
        return float(value)
    except ValueError:
        raise FeedError(
            f"unparsable {column} {value!r} (expected a number)", file=file, line=line
        ) from None


def index_ids(ids: list[str], table: Table, column: str) -> None:
    seen: set[str] = set()
    for value, line in zip(ids, table.lines, strict=True):
        if value == "":
            raise FeedError(f"empty {column}", file=table.name, line=line)
        if value in seen:
            raise FeedError(f"duplicate {column} {value!r}", file=table.name, line=line)
        seen.add(value)


def lookup(index: dict[str, int], value: str, table: Table, line: int, column: str) -> int:
    try:
        return index[value]
    except KeyError:
        raise FeedError(f"unknown {column} {value!r}", file=table.name, line=line) from None


def codes(table: Table, column: str, index: dict[str, int]) -> IntArray:
    """Map a column of ids to indices, vectorised; the first unknown id raises FeedError."""
    values = table.get(column)
    if not values:
        return np.zeros(0, dtype=np.int64)
    keys = pa.array(list(index), type=pa.string())
    found = pc.index_in(pa.array(values, type=pa.string()), value_set=keys)
    if found.null_count:
        i = int(np.flatnonzero(np.asarray(found.is_null().to_numpy(zero_copy_only=False)))[0])
        lookup(index, values[i], table, table.lines[i], column)
    # index_in gives positions in the key list, which are the indices themselves.
    return np.asarray(found.to_numpy(zero_copy_only=False), dtype=np.int64)

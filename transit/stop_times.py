"""Reading stop_times.txt: pyarrow's buffers, compiled parsers, and the rows' checks."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from transit.errors import FeedError
from transit.kernels import parsing
from transit.source import Source, normalise_line_ends
from transit.tables import ENCODINGS, Table, decode, header_of, parse_times

IntArray = npt.NDArray[np.int64]
Int32Array = npt.NDArray[np.int32]
Int8Array = npt.NDArray[np.int8]

NAME = "stop_times.txt"


@dataclass(frozen=True)
class StopTimes:
    """stop_times sorted by (trip, stop_sequence); trip t owns rows trip_start[t]:trip_start[t+1]."""

    stop: Int32Array
    arr: IntArray
    dep: IntArray
    pickup: Int8Array
    dropoff: Int8Array
    trip_start: IntArray


def read_stop_times(
    source: Source, trip_index: dict[str, int], stop_index: dict[str, int], n_trips: int
) -> StopTimes:
    """Read, check and sort stop_times.txt; times left out at intermediate stops interpolated."""
    return _stop_times(_read_arrow(source), trip_index, stop_index, n_trips)


def _read_arrow(source: Source) -> pa.Table:
    """Read stop_times.txt with pyarrow, every column as an (untrimmed) string."""
    name = "stop_times.txt"
    data = normalise_line_ends(source.read(name))
    end = data.find(b"\n")
    first = data if end < 0 else data[:end]
    header_text, _ = decode(first)
    header = header_of(header_text, name)
    if not any(header):
        raise FeedError("the file is empty (no header line)", file=name, line=1)
    wanted = [
        "trip_id",
        "arrival_time",
        "departure_time",
        "stop_id",
        "stop_sequence",
        "pickup_type",
        "drop_off_type",
    ]
    Table(name, {h: [] for h in header if h}, []).require(
        "trip_id", "stop_id", "stop_sequence", "arrival_time", "departure_time"
    )
    # Blank header cells get placeholder names so that pyarrow accepts the header.
    names = [h or f"_unnamed_{i}" for i, h in enumerate(header)]
    include = [c for c in wanted if c in names]
    arrow: pa.Table | None = None
    for encoding in ENCODINGS:
        try:
            arrow = pacsv.read_csv(
                pa.BufferReader(data),
                read_options=pacsv.ReadOptions(
                    column_names=names, skip_rows=1, encoding=encoding, block_size=1 << 24
                ),
                parse_options=pacsv.ParseOptions(newlines_in_values=False),
                convert_options=pacsv.ConvertOptions(
                    column_types=dict.fromkeys(include, pa.string()),
                    include_columns=include,
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
            break
        except (pa.ArrowInvalid, UnicodeDecodeError) as error:
            if "UTF8" in str(error) or isinstance(error, UnicodeDecodeError):
                continue
            raise FeedError(f"unreadable CSV: {error}", file=name) from None
    assert arrow is not None
    return arrow


class _Column:
    """One string column of stop_times.txt as arrow buffers, for the compiled parsers."""

    def __init__(self, table: pa.Table, column: str) -> None:
        self.name = column
        chunked = table.column(column)
        array = chunked.combine_chunks() if chunked.num_chunks != 1 else chunked.chunk(0)
        if isinstance(array, pa.ChunkedArray):  # pragma: no cover - pyarrow < 17 returns this
            array = array.combine_chunks()
        self.array = array
        _, offsets, data = array.buffers()
        wide = pa.types.is_large_string(array.type)
        raw = np.frombuffer(offsets, dtype=np.int64 if wide else np.int32)
        self.offsets = raw[array.offset : array.offset + len(array) + 1].astype(np.int64)
        self.data = (
            np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, np.uint8)
        )
        # Compiled parsers trim ASCII blanks only; other text goes the Unicode-aware way.
        self.ascii = not bool((self.data[self.offsets[0] : self.offsets[-1]] >= 128).any())

    def text(self, i: int) -> str:
        """The trimmed cell of row i, as the error messages show it."""
        return str(self.array[i].as_py()).strip()

    def trimmed(self) -> list[str]:
        return [str(v) for v in pc.utf8_trim_whitespace(self.array).to_pylist()]


def _st_times(column: _Column, file: str) -> IntArray:
    if column.ascii:
        values, bad = parsing.parse_hms(column.offsets, column.data)
        if bad < 0:
            return values
    strings = column.trimmed()
    return parse_times(strings, file, list(range(2, len(strings) + 2)), column.name)


def _st_codes(column: _Column, index: dict[str, int], file: str) -> IntArray:
    """Map ids to indices through the column's distinct values; unknown ids raise FeedError."""
    encoded = pc.dictionary_encode(column.array)
    distinct = pc.utf8_trim_whitespace(encoded.dictionary)
    keys = pa.array(list(index), type=pa.string())
    found = pc.index_in(distinct, value_set=keys)
    if found.null_count:
        missing = np.flatnonzero(np.asarray(found.is_null().to_numpy(zero_copy_only=False)))
        rows = np.flatnonzero(np.isin(np.asarray(encoded.indices), missing))
        i = int(rows[0])
        raise FeedError(f"unknown {column.name} {column.text(i)!r}", file=file, line=i + 2)
    codes = np.asarray(found.to_numpy(zero_copy_only=False), dtype=np.int64)
    return codes[np.asarray(encoded.indices)]


def _st_sequence(column: _Column, file: str) -> IntArray:
    if column.ascii:
        values, bad = parsing.parse_uint(column.offsets, column.data)
        if bad < 0:
            return values
    strings = column.trimmed()
    seq_strings = pa.array(strings, type=pa.string())
    is_int = np.asarray(
        pc.match_substring_regex(seq_strings, r"^\d+$").to_numpy(zero_copy_only=False), dtype=bool
    )
    if not is_int.all():
        i = int(np.flatnonzero(~is_int)[0])
        raise FeedError(
            f"unparsable stop_sequence {strings[i]!r} (expected an integer)", file=file, line=i + 2
        )
    return np.asarray(pc.cast(seq_strings, pa.int64()).to_numpy(), dtype=np.int64)


def _st_flags(table: pa.Table, column: str) -> Int8Array:
    if column not in table.column_names:
        return np.zeros(table.num_rows, dtype=np.int8)
    col = _Column(table, column)
    if col.ascii:
        return parsing.parse_flag(col.offsets, col.data)
    values = col.trimmed()
    out = np.zeros(len(values), dtype=np.int8)
    for code in ("1", "2", "3"):
        out[np.asarray([v == code for v in values], dtype=bool)] = int(code)
    return out


def _stop_times(
    st: pa.Table, trip_index: dict[str, int], stop_index: dict[str, int], n_trips: int
) -> StopTimes:
    name = NAME
    n = st.num_rows
    trip = _st_codes(_Column(st, "trip_id"), trip_index, name)
    stop = _st_codes(_Column(st, "stop_id"), stop_index, name)
    seq = _st_sequence(_Column(st, "stop_sequence"), name) if n else np.zeros(0, np.int64)
    arr = _st_times(_Column(st, "arrival_time"), name)
    dep = _st_times(_Column(st, "departure_time"), name)
    # One of the two times may be left out; the other stands for both.
    arr = np.where(arr < 0, dep, arr)
    dep = np.where(dep < 0, arr, dep)
    pickup, dropoff = _st_flags(st, "pickup_type"), _st_flags(st, "drop_off_type")
    # Rows are usually in trip order already, in stop_sequence order within a trip.
    in_order = bool(
        n < 2 or ((trip[1:] > trip[:-1]) | ((trip[1:] == trip[:-1]) & (seq[1:] > seq[:-1]))).all()
    )
    order = np.arange(n, dtype=np.int64) if in_order else np.lexsort((seq, trip))
    if not in_order:
        trip, stop, seq, arr, dep = trip[order], stop[order], seq[order], arr[order], dep[order]
        pickup, dropoff = pickup[order], dropoff[order]
    line_of = order + 2

    same_trip = trip[1:] == trip[:-1]
    duplicate = np.flatnonzero(same_trip & (seq[1:] == seq[:-1]))
    if duplicate.size:
        i = int(duplicate[0]) + 1
        raise FeedError(f"duplicate stop_sequence {seq[i]}", file=name, line=int(line_of[i]))
    _check_times(trip, arr, dep, line_of)
    trip_start = np.searchsorted(trip, np.arange(n_trips + 1)).astype(np.int64)
    _interpolate(arr, dep, trip_start, line_of)
    return StopTimes(
        stop=stop.astype(np.int32),
        arr=arr,
        dep=dep,
        pickup=pickup,
        dropoff=dropoff,
        trip_start=trip_start,
    )


def _clock(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def _check_times(trip: IntArray, arr: IntArray, dep: IntArray, line_of: IntArray) -> None:
    """Times given must not go back, within a row or from one timed stop to the next.

    Checked before times left out are interpolated, so that the error names the row whose
    time is wrong, not a row interpolation filled from it.
    """
    backwards = np.flatnonzero((arr >= 0) & (dep < arr))
    if backwards.size:
        i = int(backwards[0])
        raise FeedError("departure_time is before arrival_time", file=NAME, line=int(line_of[i]))
    timed = np.flatnonzero(arr >= 0)
    earlier, later = timed[:-1], timed[1:]
    back = np.flatnonzero((trip[later] == trip[earlier]) & (arr[later] < dep[earlier]))
    if not back.size:
        return
    i, j = int(later[back[0]]), int(earlier[back[0]])
    message = (
        f"arrival_time {_clock(int(arr[i]))} is before the departure_time "
        f"{_clock(int(dep[j]))} of the trip's stop on line {int(line_of[j])}"
    )
    if dep[j] - arr[i] > 43_200 and arr[i] + 86_400 >= dep[j]:
        message += " (times after midnight are written 24:00:00 and later)"
    raise FeedError(message, file=NAME, line=int(line_of[i]))


def _interpolate(arr: IntArray, dep: IntArray, trip_start: IntArray, line_of: IntArray) -> None:
    """Fill times left out at intermediate stops, linearly by stop position; in place."""
    missing = np.flatnonzero(arr < 0)
    if not missing.size:
        return
    trips = np.unique(np.searchsorted(trip_start, missing, side="right") - 1)
    for t in trips:
        lo, hi = int(trip_start[t]), int(trip_start[t + 1])
        for end in (lo, hi - 1):
            if arr[end] < 0:
                raise FeedError(
                    "the first and last stop of a trip need times",
                    file=NAME,
                    line=int(line_of[end]),
                )
        known = np.flatnonzero(arr[lo:hi] >= 0)
        positions = np.arange(hi - lo)
        filled = np.interp(positions, known, dep[lo:hi][known]).round().astype(np.int64)
        gaps = arr[lo:hi] < 0
        arr[lo:hi][gaps] = filled[gaps]
        dep[lo:hi][gaps] = filled[gaps]

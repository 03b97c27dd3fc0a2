"""Loading a GTFS feed (a .zip or a folder) into integer-indexed numpy arrays."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from transit.kernels import connections, parsing
from transit.errors import FeedError
from transit.geo import haversine_m

if TYPE_CHECKING:
    from transit.timetable import Timetable

IntArray = npt.NDArray[np.int64]
Int32Array = npt.NDArray[np.int32]
Int8Array = npt.NDArray[np.int8]
FloatArray = npt.NDArray[np.float64]

BOM = b"\xef\xbb\xbf"
ENCODINGS = ("utf-8", "cp1252", "latin-1")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Tables at least this large are read with pyarrow (when they are plain enough, see below).
ARROW_MIN_BYTES = 1 << 18
REQUIRED_FILES = ("agency.txt", "stops.txt", "routes.txt", "trips.txt", "stop_times.txt")

# transfers.txt transfer_type values.
TRANSFER_RECOMMENDED = 0
TRANSFER_TIMED = 1
TRANSFER_MIN_TIME = 2
TRANSFER_FORBIDDEN = 3


@dataclass(frozen=True)
class Frequency:
    """One row of frequencies.txt: the trip runs every headway_s in [start_s, end_s)."""

    trip: int
    start_s: int
    end_s: int
    headway_s: int
    exact_times: bool


@dataclass(frozen=True)
class TransferRule:
    """One row of transfers.txt with ids resolved to indices (-1 = not given)."""

    from_stop: int
    to_stop: int
    transfer_type: int
    min_transfer_s: int | None
    from_trip: int = -1
    to_trip: int = -1
    from_route: int = -1
    to_route: int = -1
    line: int = 0

    @property
    def specificity(self) -> int:
        """Rank among rules for the same stops: trips count more than routes (GTFS order)."""
        trips = (self.from_trip >= 0) + (self.to_trip >= 0)
        routes = (self.from_route >= 0) + (self.to_route >= 0)
        return 3 * trips + routes


@dataclass(frozen=True)
class Calendar:
    """One row of calendar.txt."""

    weekdays: tuple[bool, bool, bool, bool, bool, bool, bool]
    start_on: dt.date
    end_on: dt.date


@dataclass
class Feed:
    """A loaded GTFS feed: ids map to dense integer indices used by every array."""

    agency_names: list[str]
    stop_ids: list[str]
    stop_names: list[str]
    stop_lat: FloatArray
    stop_lon: FloatArray
    location_type: Int8Array
    parent: Int32Array
    route_ids: list[str]
    route_short_names: list[str]
    route_type: Int32Array
    trip_ids: list[str]
    trip_route: Int32Array
    trip_service: Int32Array
    service_ids: list[str]
    calendars: dict[int, Calendar]
    calendar_dates: dict[int, dict[dt.date, int]]
    # stop_times sorted by (trip, stop_sequence); trip t owns rows trip_start[t]:trip_start[t+1].
    st_stop: Int32Array
    st_arr: IntArray
    st_dep: IntArray
    st_pickup: Int8Array
    st_dropoff: Int8Array
    trip_start: IntArray
    frequencies: list[Frequency]
    transfers: list[TransferRule]
    stop_index: dict[str, int] = field(default_factory=dict)
    route_index: dict[str, int] = field(default_factory=dict)
    trip_index: dict[str, int] = field(default_factory=dict)
    # Things derived from the arrays above on first use (not copied by dataclasses.replace).
    derived: dict[str, object] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self.stop_index = {s: i for i, s in enumerate(self.stop_ids)}
        self.route_index = {r: i for i, r in enumerate(self.route_ids)}
        self.trip_index = {t: i for i, t in enumerate(self.trip_ids)}

    @property
    def n_stops(self) -> int:
        """Return the number of stops (all location types)."""
        return len(self.stop_ids)

    @property
    def n_trips(self) -> int:
        """Return the number of trips."""
        return len(self.trip_ids)

    def stop_pairs(self) -> IntArray:
        """Return the distinct pairs of stops one trip calls at in a row, as low * n_stops + high."""
        cached = self.derived.get("stop_pairs")
        if isinstance(cached, np.ndarray):
            return cached
        pairs: IntArray = connections.stop_pairs(
            self.trip_start.astype(np.int64, copy=False),
            self.st_stop.astype(np.int32, copy=False),
            self.n_stops,
        )
        self.derived["stop_pairs"] = pairs
        return pairs

    def services_on(self, day: dt.date) -> npt.NDArray[np.bool_]:
        """Return a boolean mask over service indices: which services run on the day."""
        active = np.zeros(len(self.service_ids), dtype=bool)
        weekday = day.weekday()
        for service, cal in self.calendars.items():
            if cal.start_on <= day <= cal.end_on and cal.weekdays[weekday]:
                active[service] = True
        for service, exceptions in self.calendar_dates.items():
            kind = exceptions.get(day)
            if kind == 1:
                active[service] = True
            elif kind == 2:
                active[service] = False
        return active

    def validity(self) -> tuple[dt.date, dt.date] | None:
        """Return the first and last date any service runs, or None for an empty calendar."""
        days: list[dt.date] = []
        for cal in self.calendars.values():
            days += [cal.start_on, cal.end_on]
        for exceptions in self.calendar_dates.values():
            days += [d for d, kind in exceptions.items() if kind == 1]
        return (min(days), max(days)) if days else None

    def stops_near(self, lat: float, lon: float, radius_m: float = 1000.0) -> list[int]:
        """Return the indices of boardable stops (location_type 0 or empty) within radius_m."""
        cached = self.derived.get("stops_by_lat")
        if not isinstance(cached, tuple):
            # Boardable stops by latitude: a place's candidates are a band of it.
            boardable = np.flatnonzero((self.location_type == 0) & ~np.isnan(self.stop_lat))
            order = boardable[np.argsort(self.stop_lat[boardable], kind="stable")]
            cached = (order, self.stop_lat[order])
            self.derived["stops_by_lat"] = cached
        order, lat_sorted = cached
        # A degree of latitude is at least 110.5 km; the band is a little wider than needed.
        band = radius_m / 110_000.0 + 1e-9
        lo, hi = np.searchsorted(lat_sorted, [lat - band, lat + band], side="left")
        candidates = order[lo : max(hi, lo)]
        distance = haversine_m(lat, lon, self.stop_lat[candidates], self.stop_lon[candidates])
        hits = np.sort(candidates[distance <= radius_m])
        return [int(i) for i in hits]

    def timetable(
        self,
        date: dt.date,
        *,
        min_transfer_s: int = 120,
        walk_m: float = 0.0,
        terminals: Collection[int] | None = None,
        window: tuple[int, int] | None = None,
        horizon_s: int | None = None,
    ) -> Timetable:
        """Return the timetable of the date: connections sorted by departure and transfer links.

        With terminals, only the connections that can matter for journeys between those stops;
        with window, only those that journeys arriving by its first time or leaving at its
        second or later use; with horizon_s, only those leaving by then (see
        timetable.build_timetable).
        """
        from transit.timetable import build_timetable

        return build_timetable(
            self,
            date,
            min_transfer_s=min_transfer_s,
            walk_m=walk_m,
            terminals=terminals,
            window=window,
            horizon_s=horizon_s,
        )

    def prepare(
        self,
        *,
        min_transfer_s: int = 120,
        walk_m: float = 0.0,
        terminals: Collection[int] | None = None,
    ) -> None:
        """Derive now what every date's timetable with these parameters (and terminals) shares.

        Timetables made afterwards, also on several threads at once, only read it.
        """
        from transit.timetable import prepare

        prepare(self, min_transfer_s=min_transfer_s, walk_m=walk_m, terminals=terminals)


# --------------------------------------------------------------------------- reading files


class _Source:
    """A feed folder or zip archive from which the named files are read as bytes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.names: dict[str, str] = {}
        self.archive: zipfile.ZipFile | None = None
        if path.is_dir():
            for child in path.iterdir():
                if child.is_file():
                    self.names[child.name.lower()] = child.name
        elif path.is_file():
            try:
                self.archive = zipfile.ZipFile(path)
            except zipfile.BadZipFile as error:
                raise FeedError(f"not a zip archive or a folder: {path}") from error
            for info in self.archive.infolist():
                if not info.is_dir():
                    # Feeds are sometimes zipped with a top-level folder; use the base name.
                    self.names.setdefault(info.filename.rsplit("/", 1)[-1].lower(), info.filename)
        else:
            raise FeedError(f"no such file or folder: {path}")

    def has(self, name: str) -> bool:
        return name in self.names

    def read(self, name: str) -> bytes:
        stored = self.names[name]
        if self.archive is not None:
            return self.archive.read(stored)
        return (self.path / stored).read_bytes()


def _decode(data: bytes) -> tuple[str, str]:
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
class _Table:
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


def _read_table(source: _Source, name: str) -> _Table:
    data = source.read(name)
    text, encoding = _decode(data)
    if len(data) >= ARROW_MIN_BYTES and encoding == "utf-8":
        fast = _read_table_arrow(name, data)
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
    return _Table(name, columns, lines)


def _read_table_arrow(name: str, data: bytes) -> _Table | None:
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
    header = [h.strip() for h in next(csv.reader([data[:end].decode().rstrip("\r")]), [])]
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
    return _Table(name, columns, list(range(2, rows + 2)))


def _read_stop_times(source: _Source) -> pa.Table:
    """Read stop_times.txt with pyarrow, every column as an (untrimmed) string."""
    name = "stop_times.txt"
    data = source.read(name)
    if data.startswith(BOM):
        data = data[len(BOM) :]
    end = data.find(b"\n")
    first = data if end < 0 else data[:end]
    header_text, _ = _decode(first)
    header = [h.strip() for h in next(csv.reader([header_text.rstrip("\r")]), [])]
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
    _Table(name, {h: [] for h in header if h}, []).require(
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


# --------------------------------------------------------------------------- parsing values


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


def _parse_time(value: str, file: str, line: int, column: str) -> int:
    seconds = int(parse_times([value], file, [line], column)[0])
    if seconds < 0:
        raise FeedError(f"missing {column}", file=file, line=line)
    return seconds


def _parse_date(value: str, file: str, line: int, column: str) -> dt.date:
    try:
        if len(value) != 8 or not value.isdigit():
            raise ValueError(value)
        return dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        raise FeedError(
            f"unparsable {column} {value!r} (expected YYYYMMDD)", file=file, line=line
        ) from None


def _parse_int(value: str, file: str, line: int, column: str, *, default: int | None = None) -> int:
    if value == "" and default is not None:
        return default
    try:
        return int(value)
    except ValueError:
        raise FeedError(
            f"unparsable {column} {value!r} (expected an integer)", file=file, line=line
        ) from None


def _parse_float(value: str, file: str, line: int, column: str) -> float:
    if value == "":
        return float("nan")
    try:
        return float(value)
    except ValueError:
        raise FeedError(
            f"unparsable {column} {value!r} (expected a number)", file=file, line=line
        ) from None


def _index(ids: list[str], table: _Table, column: str) -> None:
    seen: set[str] = set()
    for value, line in zip(ids, table.lines, strict=True):
        if value == "":
            raise FeedError(f"empty {column}", file=table.name, line=line)
        if value in seen:
            raise FeedError(f"duplicate {column} {value!r}", file=table.name, line=line)
        seen.add(value)


def _lookup(index: dict[str, int], value: str, table: _Table, line: int, column: str) -> int:
    try:
        return index[value]
    except KeyError:
        raise FeedError(f"unknown {column} {value!r}", file=table.name, line=line) from None


# --------------------------------------------------------------------------- the loader


def load_feed(path: str | Path) -> Feed:
    """Load a GTFS feed from a .zip archive or a folder; raise FeedError for a broken feed."""
    source = _Source(Path(path))
    for name in REQUIRED_FILES:
        if not source.has(name):
            raise FeedError(f"missing required file {name}")
    if not source.has("calendar.txt") and not source.has("calendar_dates.txt"):
        raise FeedError("missing required file calendar.txt or calendar_dates.txt")

    agency = _read_table(source, "agency.txt")
    agency_names = agency.get("agency_name")

    stops = _read_table(source, "stops.txt")
    stops.require("stop_id")
    stop_ids = stops.get("stop_id")
    _index(stop_ids, stops, "stop_id")
    stop_index = {s: i for i, s in enumerate(stop_ids)}
    n_stops = len(stop_ids)
    location_type = np.zeros(n_stops, dtype=np.int8)
    parent = np.full(n_stops, -1, dtype=np.int32)
    lat = np.full(n_stops, np.nan)
    lon = np.full(n_stops, np.nan)
    for i, (line, kind, parent_id, la, lo) in enumerate(
        zip(
            stops.lines,
            stops.get("location_type"),
            stops.get("parent_station"),
            stops.get("stop_lat"),
            stops.get("stop_lon"),
            strict=True,
        )
    ):
        location_type[i] = _parse_int(kind, stops.name, line, "location_type", default=0)
        if parent_id:
            parent[i] = _lookup(stop_index, parent_id, stops, line, "parent_station")
        lat[i] = _parse_float(la, stops.name, line, "stop_lat")
        lon[i] = _parse_float(lo, stops.name, line, "stop_lon")
        if location_type[i] in (0, 1, 2) and (np.isnan(lat[i]) or np.isnan(lon[i])):
            raise FeedError("missing stop_lat or stop_lon", file=stops.name, line=line)

    routes = _read_table(source, "routes.txt")
    routes.require("route_id", "route_type")
    route_ids = routes.get("route_id")
    _index(route_ids, routes, "route_id")
    route_index = {r: i for i, r in enumerate(route_ids)}
    route_type = np.array(
        [
            _parse_int(v, routes.name, line, "route_type")
            for v, line in zip(routes.get("route_type"), routes.lines, strict=True)
        ],
        dtype=np.int32,
    )

    service_ids: list[str] = []
    service_index: dict[str, int] = {}

    def service(value: str) -> int:
        if value not in service_index:
            service_index[value] = len(service_ids)
            service_ids.append(value)
        return service_index[value]

    calendars: dict[int, Calendar] = {}
    if source.has("calendar.txt"):
        cal = _read_table(source, "calendar.txt")
        cal.require("service_id", *WEEKDAYS, "start_date", "end_date")
        for row, line in enumerate(cal.lines):
            flags = []
            for day in WEEKDAYS:
                flag = cal.columns[day][row]
                if flag not in ("0", "1"):
                    raise FeedError(f"{day} must be 0 or 1, not {flag!r}", file=cal.name, line=line)
                flags.append(flag == "1")
            calendars[service(cal.columns["service_id"][row])] = Calendar(
                weekdays=(flags[0], flags[1], flags[2], flags[3], flags[4], flags[5], flags[6]),
                start_on=_parse_date(cal.columns["start_date"][row], cal.name, line, "start_date"),
                end_on=_parse_date(cal.columns["end_date"][row], cal.name, line, "end_date"),
            )
    calendar_dates: dict[int, dict[dt.date, int]] = {}
    if source.has("calendar_dates.txt"):
        cd = _read_table(source, "calendar_dates.txt")
        cd.require("service_id", "date", "exception_type")
        for row, line in enumerate(cd.lines):
            exception = cd.columns["exception_type"][row]
            if exception not in ("1", "2"):
                raise FeedError(
                    f"exception_type must be 1 or 2, not {exception!r}", file=cd.name, line=line
                )
            on = _parse_date(cd.columns["date"][row], cd.name, line, "date")
            calendar_dates.setdefault(service(cd.columns["service_id"][row]), {})[on] = int(
                exception
            )

    trips = _read_table(source, "trips.txt")
    trips.require("route_id", "service_id", "trip_id")
    trip_ids = trips.get("trip_id")
    _index(trip_ids, trips, "trip_id")
    trip_index = {t: i for i, t in enumerate(trip_ids)}
    trip_route = _codes(trips, "route_id", route_index).astype(np.int32)
    # A service id that no calendar row names simply never runs.
    service_values = trips.get("service_id")
    for value in dict.fromkeys(service_values):
        service(value)
    trip_service = _codes(trips, "service_id", service_index).astype(np.int32)

    st = _read_stop_times(source)
    st_stop, st_arr, st_dep, st_pickup, st_dropoff, trip_start = _stop_times(
        st, trip_index, stop_index, len(trip_ids)
    )

    frequencies: list[Frequency] = []
    if source.has("frequencies.txt"):
        fq = _read_table(source, "frequencies.txt")
        fq.require("trip_id", "start_time", "end_time", "headway_secs")
        for row, line in enumerate(fq.lines):
            start = _parse_time(fq.columns["start_time"][row], fq.name, line, "start_time")
            end = _parse_time(fq.columns["end_time"][row], fq.name, line, "end_time")
            headway = _parse_int(fq.columns["headway_secs"][row], fq.name, line, "headway_secs")
            if headway <= 0:
                raise FeedError("headway_secs must be positive", file=fq.name, line=line)
            if end < start:
                raise FeedError("end_time is before start_time", file=fq.name, line=line)
            exact = fq.get("exact_times")[row]
            frequencies.append(
                Frequency(
                    trip=_lookup(trip_index, fq.columns["trip_id"][row], fq, line, "trip_id"),
                    start_s=start,
                    end_s=end,
                    headway_s=headway,
                    exact_times=exact == "1",
                )
            )

    transfers: list[TransferRule] = []
    if source.has("transfers.txt"):
        tr = _read_table(source, "transfers.txt")
        tr.require("from_stop_id", "to_stop_id", "transfer_type")
        for row, line in enumerate(tr.lines):
            transfer_type = _parse_int(
                tr.columns["transfer_type"][row], tr.name, line, "transfer_type", default=0
            )
            if transfer_type not in (0, 1, 2, 3):
                continue  # 4 and 5 (in-seat transfers) are not modelled.
            min_time = tr.get("min_transfer_time")[row]

            def ref(column: str, index: dict[str, int], row: int = row, line: int = line) -> int:
                value = tr.get(column)[row]
                return _lookup(index, value, tr, line, column) if value else -1

            from_stop, to_stop = ref("from_stop_id", stop_index), ref("to_stop_id", stop_index)
            if from_stop < 0 or to_stop < 0:
                raise FeedError("from_stop_id and to_stop_id are required", file=tr.name, line=line)
            transfers.append(
                TransferRule(
                    from_stop=from_stop,
                    to_stop=to_stop,
                    transfer_type=transfer_type,
                    min_transfer_s=(
                        _parse_int(min_time, tr.name, line, "min_transfer_time")
                        if min_time
                        else None
                    ),
                    from_trip=ref("from_trip_id", trip_index),
                    to_trip=ref("to_trip_id", trip_index),
                    from_route=ref("from_route_id", route_index),
                    to_route=ref("to_route_id", route_index),
                    line=line,
                )
            )

    return Feed(
        agency_names=agency_names,
        stop_ids=stop_ids,
        stop_names=stops.get("stop_name"),
        stop_lat=lat,
        stop_lon=lon,
        location_type=location_type,
        parent=parent,
        route_ids=route_ids,
        route_short_names=routes.get("route_short_name"),
        route_type=route_type,
        trip_ids=trip_ids,
        trip_route=trip_route,
        trip_service=trip_service,
        service_ids=service_ids,
        calendars=calendars,
        calendar_dates=calendar_dates,
        st_stop=st_stop,
        st_arr=st_arr,
        st_dep=st_dep,
        st_pickup=st_pickup,
        st_dropoff=st_dropoff,
        trip_start=trip_start,
        frequencies=frequencies,
        transfers=transfers,
    )


def _codes(table: _Table, column: str, index: dict[str, int]) -> IntArray:
    """Map a column of ids to indices, vectorised; the first unknown id raises FeedError."""
    values = table.get(column)
    if not values:
        return np.zeros(0, dtype=np.int64)
    keys = pa.array(list(index), type=pa.string())
    found = pc.index_in(pa.array(values, type=pa.string()), value_set=keys)
    if found.null_count:
        i = int(np.flatnonzero(np.asarray(found.is_null().to_numpy(zero_copy_only=False)))[0])
        _lookup(index, values[i], table, table.lines[i], column)
    # index_in gives positions in the key list, which are the indices themselves.
    return np.asarray(found.to_numpy(zero_copy_only=False), dtype=np.int64)


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
) -> tuple[Int32Array, IntArray, IntArray, Int8Array, Int8Array, IntArray]:
    name = "stop_times.txt"
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
    trip_start = np.searchsorted(trip, np.arange(n_trips + 1)).astype(np.int64)
    _interpolate(arr, dep, trip_start, line_of, name)

    backwards = np.flatnonzero(dep < arr)
    if backwards.size:
        i = int(backwards[0])
        raise FeedError("departure_time is before arrival_time", file=name, line=int(line_of[i]))
    travel_back = np.flatnonzero(same_trip & (arr[1:] < dep[:-1]))
    if travel_back.size:
        i = int(travel_back[0]) + 1
        raise FeedError(
            "arrival_time is before the departure_time of the previous stop",
            file=name,
            line=int(line_of[i]),
        )
    return stop.astype(np.int32), arr, dep, pickup, dropoff, trip_start


def _interpolate(
    arr: IntArray, dep: IntArray, trip_start: IntArray, line_of: IntArray, name: str
) -> None:
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
                    file=name,
                    line=int(line_of[end]),
                )
        known = np.flatnonzero(arr[lo:hi] >= 0)
        positions = np.arange(hi - lo)
        filled = np.interp(positions, known, dep[lo:hi][known]).round().astype(np.int64)
        gaps = arr[lo:hi] < 0
        arr[lo:hi][gaps] = filled[gaps]
        dep[lo:hi][gaps] = filled[gaps]

"""Reading a GTFS feed (a .zip or a folder) into a Feed; FeedError for what cannot be read.

Small tables go through the csv module (or pyarrow when large and plain), stop_times.txt
through pyarrow and compiled parsers. Every error names the file and, where there is one, the
line of the offending row. Defects whose meaning is clear are forgiven with a warning on the
feed (Feed.warnings) instead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from transit.errors import FeedError
from transit.feed import Calendar, Feed, Frequency
from transit.source import Limits, Source
from transit.stop_times import read_stop_times
from transit.tables import (
    MAX_SECONDS,
    codes,
    index_ids,
    lookup,
    parse_date,
    parse_float,
    parse_int,
    parse_time,
    read_table,
)
from transit.transfers import TransferRule

IntArray = npt.NDArray[np.int64]
Int32Array = npt.NDArray[np.int32]
Int8Array = npt.NDArray[np.int8]
FloatArray = npt.NDArray[np.float64]

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
REQUIRED_FILES = ("agency.txt", "stops.txt", "routes.txt", "trips.txt", "stop_times.txt")
# stops.txt location_type values (0 or empty: a stop or platform; 1 a station; 2-4 entrances,
# generic nodes and boarding areas).
LOCATION_TYPES = range(5)


# --------------------------------------------------------------------------- the loader


def load_feed(path: str | Path, *, limits: Limits | None = None) -> Feed:
    """Load a GTFS feed from a .zip archive or a folder; raise FeedError for a broken feed.

    limits bounds what a zip archive may unpack to (source.Limits); nothing larger is unpacked.
    """
    source = Source(Path(path), limits)
    for name in REQUIRED_FILES:
        if not source.has(name):
            raise FeedError(f"missing required file {name}")
    if not source.has("calendar.txt") and not source.has("calendar_dates.txt"):
        raise FeedError("missing required file calendar.txt or calendar_dates.txt")
    warnings: list[str] = []
    agency = read_table(source, "agency.txt")
    stops = _read_stops(source, warnings)
    routes = _read_routes(source)
    services = _Services()
    calendars = _read_calendar(source, services)
    calendar_dates = _read_calendar_dates(source, services)
    trips = _read_trips(source, routes.index, services)
    st = read_stop_times(source, trips.index, stops.index, len(trips.ids))
    frequencies = _read_frequencies(source, trips.index)
    transfers = _read_transfers(source, stops.index, trips.index, routes.index)
    return Feed(
        agency_names=agency.get("agency_name"),
        stop_ids=stops.ids,
        stop_names=stops.names,
        stop_lat=stops.lat,
        stop_lon=stops.lon,
        location_type=stops.location_type,
        parent=stops.parent,
        route_ids=routes.ids,
        route_short_names=routes.short_names,
        route_type=routes.route_type,
        trip_ids=trips.ids,
        trip_route=trips.route,
        trip_service=trips.service,
        service_ids=services.ids,
        calendars=calendars,
        calendar_dates=calendar_dates,
        st_stop=st.stop,
        st_arr=st.arr,
        st_dep=st.dep,
        st_pickup=st.pickup,
        st_dropoff=st.dropoff,
        trip_start=st.trip_start,
        frequencies=frequencies,
        transfers=transfers,
        warnings=warnings,
    )


@dataclass
class _Stops:
    ids: list[str]
    names: list[str]
    index: dict[str, int]
    lat: FloatArray
    lon: FloatArray
    location_type: Int8Array
    parent: Int32Array


def _read_stops(source: Source, warnings: list[str]) -> _Stops:
    stops = read_table(source, "stops.txt")
    stops.require("stop_id")
    ids = stops.get("stop_id")
    index_ids(ids, stops, "stop_id")
    index = {s: i for i, s in enumerate(ids)}
    n = len(ids)
    location_type = np.zeros(n, dtype=np.int8)
    parent = np.full(n, -1, dtype=np.int32)
    lat = np.full(n, np.nan)
    lon = np.full(n, np.nan)
    unknown_parents: list[int] = []
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
        value = parse_int(kind, stops.name, line, "location_type", default=0)
        if value not in LOCATION_TYPES:
            raise FeedError(
                f"location_type must be 0 to 4, not {kind!r}", file=stops.name, line=line
            )
        location_type[i] = value
        if parent_id:
            found = index.get(parent_id)
            if found is None:
                # The stop stands alone: its meaning is clear, so the feed is still read.
                unknown_parents.append(line)
            else:
                parent[i] = found
        lat[i] = parse_float(la, stops.name, line, "stop_lat")
        lon[i] = parse_float(lo, stops.name, line, "stop_lon")
        if value in (0, 1, 2) and (np.isnan(lat[i]) or np.isnan(lon[i])):
            raise FeedError("missing stop_lat or stop_lon", file=stops.name, line=line)
        if not (-90 <= lat[i] <= 90 and -180 <= lon[i] <= 180) and not np.isnan(lat[i] + lon[i]):
            raise FeedError(
                f"stop_lat {la} and stop_lon {lo} are not a position on Earth",
                file=stops.name,
                line=line,
            )
    if unknown_parents:
        count = len(unknown_parents)
        warnings.append(
            f"stops.txt: {count} stop{'s' if count != 1 else ''}"
            f" name{'' if count != 1 else 's'} a parent_station that is"
            f" not in the file (first on line {unknown_parents[0]}); "
            f"{'they are' if count != 1 else 'it is'} read as stops without a station"
        )
    return _Stops(
        ids=ids,
        names=stops.get("stop_name"),
        index=index,
        lat=lat,
        lon=lon,
        location_type=location_type,
        parent=parent,
    )


@dataclass
class _Routes:
    ids: list[str]
    short_names: list[str]
    index: dict[str, int]
    route_type: Int32Array


def _read_routes(source: Source) -> _Routes:
    routes = read_table(source, "routes.txt")
    routes.require("route_id", "route_type")
    ids = routes.get("route_id")
    index_ids(ids, routes, "route_id")
    route_type = np.array(
        [
            parse_int(v, routes.name, line, "route_type")
            for v, line in zip(routes.get("route_type"), routes.lines, strict=True)
        ],
        dtype=np.int64,
    )
    if route_type.size and (route_type.min() < 0 or route_type.max() > 1_999):
        i = int(np.flatnonzero((route_type < 0) | (route_type > 1_999))[0])
        raise FeedError(
            f"route_type {route_type[i]} is not a GTFS route type",
            file=routes.name,
            line=routes.lines[i],
        )
    return _Routes(
        ids=ids,
        short_names=routes.get("route_short_name"),
        index={r: i for i, r in enumerate(ids)},
        route_type=route_type.astype(np.int32),
    )


class _Services:
    """Service ids in the order first met (calendar, calendar_dates, trips), as indices."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.index: dict[str, int] = {}

    def __call__(self, value: str) -> int:
        if value not in self.index:
            self.index[value] = len(self.ids)
            self.ids.append(value)
        return self.index[value]


def _read_calendar(source: Source, service: _Services) -> dict[int, Calendar]:
    calendars: dict[int, Calendar] = {}
    if not source.has("calendar.txt"):
        return calendars
    cal = read_table(source, "calendar.txt")
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
            start_on=parse_date(cal.columns["start_date"][row], cal.name, line, "start_date"),
            end_on=parse_date(cal.columns["end_date"][row], cal.name, line, "end_date"),
        )
    return calendars


def _read_calendar_dates(source: Source, service: _Services) -> dict[int, dict[dt.date, int]]:
    calendar_dates: dict[int, dict[dt.date, int]] = {}
    if not source.has("calendar_dates.txt"):
        return calendar_dates
    cd = read_table(source, "calendar_dates.txt")
    cd.require("service_id", "date", "exception_type")
    for row, line in enumerate(cd.lines):
        exception = cd.columns["exception_type"][row]
        if exception not in ("1", "2"):
            raise FeedError(
                f"exception_type must be 1 or 2, not {exception!r}", file=cd.name, line=line
            )
        on = parse_date(cd.columns["date"][row], cd.name, line, "date")
        calendar_dates.setdefault(service(cd.columns["service_id"][row]), {})[on] = int(exception)
    return calendar_dates


@dataclass
class _Trips:
    ids: list[str]
    index: dict[str, int]
    route: Int32Array
    service: Int32Array


def _read_trips(source: Source, route_index: dict[str, int], service: _Services) -> _Trips:
    trips = read_table(source, "trips.txt")
    trips.require("route_id", "service_id", "trip_id")
    ids = trips.get("trip_id")
    index_ids(ids, trips, "trip_id")
    route = codes(trips, "route_id", route_index).astype(np.int32)
    # A service id that no calendar row names simply never runs.
    for value in dict.fromkeys(trips.get("service_id")):
        service(value)
    return _Trips(
        ids=ids,
        index={t: i for i, t in enumerate(ids)},
        route=route,
        service=codes(trips, "service_id", service.index).astype(np.int32),
    )


def _read_frequencies(source: Source, trip_index: dict[str, int]) -> list[Frequency]:
    frequencies: list[Frequency] = []
    if not source.has("frequencies.txt"):
        return frequencies
    fq = read_table(source, "frequencies.txt")
    fq.require("trip_id", "start_time", "end_time", "headway_secs")
    for row, line in enumerate(fq.lines):
        start = parse_time(fq.columns["start_time"][row], fq.name, line, "start_time")
        end = parse_time(fq.columns["end_time"][row], fq.name, line, "end_time")
        headway = parse_int(fq.columns["headway_secs"][row], fq.name, line, "headway_secs")
        if not 0 < headway <= MAX_SECONDS:
            raise FeedError(
                "headway_secs must be positive and at most a week", file=fq.name, line=line
            )
        if end < start:
            raise FeedError("end_time is before start_time", file=fq.name, line=line)
        frequencies.append(
            Frequency(
                trip=lookup(trip_index, fq.columns["trip_id"][row], fq, line, "trip_id"),
                start_s=start,
                end_s=end,
                headway_s=headway,
                exact_times=fq.get("exact_times")[row] == "1",
            )
        )
    return frequencies


def _read_transfers(
    source: Source,
    stop_index: dict[str, int],
    trip_index: dict[str, int],
    route_index: dict[str, int],
) -> list[TransferRule]:
    transfers: list[TransferRule] = []
    if not source.has("transfers.txt"):
        return transfers
    tr = read_table(source, "transfers.txt")
    tr.require("from_stop_id", "to_stop_id", "transfer_type")
    for row, line in enumerate(tr.lines):
        transfer_type = parse_int(
            tr.columns["transfer_type"][row], tr.name, line, "transfer_type", default=0
        )
        if transfer_type not in (0, 1, 2, 3):
            continue  # 4 and 5 (in-seat transfers) are not modelled.
        min_time = tr.get("min_transfer_time")[row]

        def ref(column: str, index: dict[str, int], row: int = row, line: int = line) -> int:
            value = tr.get(column)[row]
            return lookup(index, value, tr, line, column) if value else -1

        from_stop, to_stop = ref("from_stop_id", stop_index), ref("to_stop_id", stop_index)
        if from_stop < 0 or to_stop < 0:
            raise FeedError("from_stop_id and to_stop_id are required", file=tr.name, line=line)
        seconds = parse_int(min_time, tr.name, line, "min_transfer_time") if min_time else None
        if seconds is not None and not 0 <= seconds <= MAX_SECONDS:
            raise FeedError(f"min_transfer_time {min_time} is not a time", file=tr.name, line=line)
        transfers.append(
            TransferRule(
                from_stop=from_stop,
                to_stop=to_stop,
                transfer_type=transfer_type,
                min_transfer_s=seconds,
                from_trip=ref("from_trip_id", trip_index),
                to_trip=ref("to_trip_id", trip_index),
                from_route=ref("from_route_id", route_index),
                to_route=ref("to_route_id", route_index),
                line=line,
            )
        )
    return transfers

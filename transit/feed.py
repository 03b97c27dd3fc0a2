"""A loaded GTFS feed: its tables as integer-indexed numpy arrays (loading.py reads them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from transit.geo import haversine_m
from transit.kernels import connections
from transit.transfers import TransferRule

if TYPE_CHECKING:
    from transit.timetable import Timetable

IntArray = npt.NDArray[np.int64]
Int32Array = npt.NDArray[np.int32]
Int8Array = npt.NDArray[np.int8]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Frequency:
    """One row of frequencies.txt: the trip runs every headway_s in [start_s, end_s)."""

    trip: int
    start_s: int
    end_s: int
    headway_s: int
    exact_times: bool


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
    # What the loader forgave (defects whose meaning is clear), one line each.
    warnings: list[str] = field(default_factory=list)
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

    def trips_per_day(self, first: dt.date, last: dt.date) -> IntArray:
        """Return how many trips run on each day from first to last (both included)."""
        n_days = (last - first).days + 1
        if n_days <= 0:
            return np.zeros(0, dtype=np.int64)
        days = [first + dt.timedelta(days=i) for i in range(n_days)]
        weekday = np.asarray([d.weekday() for d in days])
        ordinal = np.asarray([d.toordinal() for d in days])
        running = np.zeros((len(self.service_ids), n_days), dtype=bool)
        for service, cal in self.calendars.items():
            on_weekday = np.asarray(cal.weekdays, dtype=bool)[weekday]
            inside = (ordinal >= cal.start_on.toordinal()) & (ordinal <= cal.end_on.toordinal())
            running[service] = on_weekday & inside
        for service, exceptions in self.calendar_dates.items():
            for day, kind in exceptions.items():
                i = (day - first).days
                if 0 <= i < n_days:
                    running[service, i] = kind == 1
        trips = np.bincount(self.trip_service, minlength=len(self.service_ids))
        result: IntArray = trips.astype(np.int64) @ running.astype(np.int64)
        return result

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

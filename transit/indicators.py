"""Connectivity indicators between places on one date: journeys, times, direct trips, commuting.

All times are seconds after midnight of the analysed date. A commute from A to B is possible
when A→B has a journey arriving by 08:00 and B→A has a journey leaving at 17:00 or later; the
same test is repeated on the Saturday and Sunday of the date's ISO week.
"""

from __future__ import annotations

import datetime as dt
import statistics
import threading
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from transit import journeys, kernels
from transit.feed import Feed
from transit.journeys import LANES, THREADS, Journey
from transit.places import Place, place_stops, stop_members
from transit.timetable import DAY_S, Timetable, trips_running

IntArray = npt.NDArray[np.int64]
Int32Array = npt.NDArray[np.int32]

ARRIVE_BY_S = 8 * 3600
LEAVE_FROM_S = 17 * 3600
# The date's first scans leave out connections leaving after noon of the next day (see analyse).
HORIZON_S = 36 * 3600
SATURDAY = 5
SUNDAY = 6

# Called as progress(done, total) after each destination of each day has been scanned.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class PairIndicators:
    """The indicators of one ordered pair of places on the analysed date."""

    origin: str
    destination: str
    journeys: int
    direct_trips: int
    first_departure_s: int | None
    last_departure_s: int | None
    fastest_s: int | None
    median_s: float | None
    latest_departure_arriving_by_0800_s: int | None
    earliest_arrival_departing_from_1700_s: int | None
    commute_possible: bool
    fewest_transfers: int | None
    saturday_commute_possible: bool
    sunday_commute_possible: bool

    def to_dict(self) -> dict[str, Any]:
        """Return the pair in the JSON shape of the command line (required keys first)."""
        return {
            "from": self.origin,
            "to": self.destination,
            "journeys": self.journeys,
            "direct_trips": self.direct_trips,
            "first_departure_s": self.first_departure_s,
            "last_departure_s": self.last_departure_s,
            "fastest_s": self.fastest_s,
            "median_s": _number(self.median_s),
            "latest_departure_arriving_by_0800_s": self.latest_departure_arriving_by_0800_s,
            "earliest_arrival_departing_from_1700_s": self.earliest_arrival_departing_from_1700_s,
            "commute_possible": self.commute_possible,
            "fewest_transfers": self.fewest_transfers,
            "saturday_commute_possible": self.saturday_commute_possible,
            "sunday_commute_possible": self.sunday_commute_possible,
        }


@dataclass(frozen=True)
class PlaceIndicators:
    """What one place can reach by commuting; population figures when any place has one."""

    name: str
    stops: int
    population: int | None
    commute_destinations: tuple[str, ...]
    commute_origins: tuple[str, ...]
    saturday_commute_destinations: tuple[str, ...]
    sunday_commute_destinations: tuple[str, ...]
    # Sum of the populations of the places this one can commute to, and its share of the
    # population of all the other places; a place without a population counts as none.
    commute_population: int | None
    commute_population_share: float | None

    def to_dict(self) -> dict[str, Any]:
        """Return the place in the JSON shape of the command line (name and stops first)."""
        return {
            "name": self.name,
            "stops": self.stops,
            "population": self.population,
            "commute_destinations": len(self.commute_destinations),
            "commute_origins": len(self.commute_origins),
            "saturday_commute_destinations": len(self.saturday_commute_destinations),
            "sunday_commute_destinations": len(self.sunday_commute_destinations),
            "commute_population": self.commute_population,
            "commute_population_share": self.commute_population_share,
            "commute_destination_names": list(self.commute_destinations),
        }


@dataclass(frozen=True)
class Analysis:
    """The indicators of every place and every ordered pair of different places on one date."""

    date: dt.date
    places: list[PlaceIndicators]
    pairs: list[PairIndicators]

    def pair(self, origin: str, destination: str) -> PairIndicators:
        """Return the indicators of one ordered pair; KeyError when there is no such pair."""
        for pair in self.pairs:
            if pair.origin == origin and pair.destination == destination:
                return pair
        raise KeyError((origin, destination))

    def place(self, name: str) -> PlaceIndicators:
        """Return the indicators of one place; KeyError when there is no such place."""
        for place in self.places:
            if place.name == name:
                return place
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        """Return the analysis in the JSON shape of the command line."""
        return {
            "date": self.date.isoformat(),
            "places": [p.to_dict() for p in self.places],
            "pairs": [p.to_dict() for p in self.pairs],
        }


def _number(value: float | None) -> float | int | None:
    """Seconds that happen to be whole are written as integers."""
    if value is None or not float(value).is_integer():
        return value
    return int(value)


def weekend_of(date: dt.date) -> tuple[dt.date, dt.date]:
    """Return the Saturday and Sunday of the ISO week containing the date."""
    monday = date - dt.timedelta(days=date.weekday())
    return monday + dt.timedelta(days=SATURDAY), monday + dt.timedelta(days=SUNDAY)


def latest_departure_arriving_by(
    found: Sequence[Journey], limit_s: int = ARRIVE_BY_S
) -> int | None:
    """Return the latest departure among journeys arriving by limit_s, or None."""
    departures = [j.departure_s for j in found if j.arrival_s <= limit_s]
    return max(departures) if departures else None


def earliest_arrival_departing_from(
    found: Sequence[Journey], limit_s: int = LEAVE_FROM_S
) -> int | None:
    """Return the earliest arrival among journeys departing at or after limit_s, or None."""
    arrivals = [j.arrival_s for j in found if j.departure_s >= limit_s]
    return min(arrivals) if arrivals else None


def is_commute_possible(outward: Sequence[Journey], homeward: Sequence[Journey]) -> bool:
    """Return whether one can arrive by 08:00 on the outward leg and leave at 17:00 or later."""
    return (
        latest_departure_arriving_by(outward) is not None
        and earliest_arrival_departing_from(homeward) is not None
    )


def pair_indicators(
    origin: str,
    destination: str,
    found: Sequence[Journey],
    homeward: Sequence[Journey],
    *,
    direct_trips: int = 0,
    saturday_commute_possible: bool = False,
    sunday_commute_possible: bool = False,
) -> PairIndicators:
    """Return the indicators of a pair from its journeys and those of the way back."""
    durations = [j.duration_s for j in found]
    return PairIndicators(
        origin=origin,
        destination=destination,
        journeys=len(found),
        direct_trips=direct_trips,
        first_departure_s=min((j.departure_s for j in found), default=None),
        last_departure_s=max((j.departure_s for j in found), default=None),
        fastest_s=min(durations, default=None),
        median_s=float(statistics.median(durations)) if durations else None,
        latest_departure_arriving_by_0800_s=latest_departure_arriving_by(found),
        earliest_arrival_departing_from_1700_s=earliest_arrival_departing_from(found),
        commute_possible=is_commute_possible(found, homeward),
        fewest_transfers=min((j.transfers for j in found), default=None),
        saturday_commute_possible=saturday_commute_possible,
        sunday_commute_possible=sunday_commute_possible,
    )


class DirectTrips:
    """Counts trips that call at a stop of one place and later at a stop of another."""

    def __init__(self, timetable: Timetable) -> None:
        self.timetable = timetable
        self._first_board: dict[tuple[int, ...], IntArray] = {}
        self._last_alight: dict[tuple[int, ...], IntArray] = {}

    def _mask(self, stops: Collection[int]) -> npt.NDArray[np.bool_]:
        mask = np.zeros(self.timetable.feed.n_stops, dtype=bool)
        mask[list(stops)] = True
        return mask

    def first_board(self, stops: Collection[int]) -> IntArray:
        """Per trip instance, the first connection boardable at these stops in the window."""
        key = tuple(sorted(stops))
        if key not in self._first_board:
            tt = self.timetable
            at = self._mask(stops)[tt.dep_stop]
            # Connections are sorted by departure, and within one trip that is its stop order.
            chosen = np.flatnonzero(tt.can_board & at & (tt.dep_s >= 0) & (tt.dep_s < DAY_S))
            first = np.full(tt.n_trips, np.iinfo(np.int64).max, dtype=np.int64)
            trips, index = np.unique(tt.trip[chosen], return_index=True)
            first[trips] = chosen[index]
            self._first_board[key] = first
        return self._first_board[key]

    def last_alight(self, stops: Collection[int]) -> IntArray:
        """Per trip instance, the last connection that lets passengers off at these stops."""
        key = tuple(sorted(stops))
        if key not in self._last_alight:
            tt = self.timetable
            at = self._mask(stops)[tt.arr_stop]
            chosen = np.flatnonzero(tt.can_alight & at)[::-1]
            last = np.full(tt.n_trips, -1, dtype=np.int64)
            trips, index = np.unique(tt.trip[chosen], return_index=True)
            last[trips] = chosen[index]
            self._last_alight[key] = last
        return self._last_alight[key]

    def count(self, origin_stops: Collection[int], destination_stops: Collection[int]) -> int:
        """Return the number of trip instances leaving an origin stop in [00:00, 24:00) for the destination."""
        if not origin_stops or not destination_stops:
            return 0
        board = self.first_board(origin_stops)
        alight = self.last_alight(destination_stops)
        return int(np.count_nonzero(board <= alight))


def direct_trip_counts_on(feed: Feed, date: dt.date, stops: Sequence[Collection[int]]) -> IntArray:
    """What direct_trip_counts gives for the date's timetable, from the feed's trips directly.

    For feeds without frequencies (their trips run at their own times, shifted by whole days).
    """
    if feed.frequencies:
        raise ValueError("direct_trip_counts_on needs a feed without frequencies")
    running, shifts = trips_running(feed, date)
    member_start, member_place = stop_members(feed.n_stops, stops)
    return kernels.direct_counts_of_trips(
        feed.trip_start.astype(np.int64, copy=False),
        feed.st_stop.astype(np.int32, copy=False),
        feed.st_dep.astype(np.int64, copy=False),
        feed.st_pickup.astype(np.int8, copy=False),
        feed.st_dropoff.astype(np.int8, copy=False),
        running,
        shifts,
        member_start,
        member_place,
        len(stops),
        DAY_S,
    )


def direct_trip_counts(timetable: Timetable, stops: Sequence[Collection[int]]) -> IntArray:
    """Return counts[o, d]: what DirectTrips.count gives for every pair of places at once."""
    tt = timetable
    member_start, member_place = stop_members(tt.feed.n_stops, stops)
    return kernels.direct_counts(
        tt.dep_stop.astype(np.int32, copy=False),
        tt.arr_stop.astype(np.int32, copy=False),
        tt.dep_s.astype(np.int64, copy=False),
        tt.trip.astype(np.int32, copy=False),
        tt.can_board.astype(bool, copy=False),
        tt.can_alight.astype(bool, copy=False),
        member_start,
        member_place,
        len(stops),
        DAY_S,
    )


def _pair_from_stats(
    origin: str,
    destination: str,
    stats: IntArray,
    median: float,
    *,
    direct_trips: int,
    commute_possible: bool,
    saturday_commute_possible: bool,
    sunday_commute_possible: bool,
) -> PairIndicators:
    """The indicators of a pair from its row of kernels.pareto_stats."""

    def given(column: int) -> int | None:
        value = int(stats[column])
        return None if value < 0 else value

    return PairIndicators(
        origin=origin,
        destination=destination,
        journeys=int(stats[kernels.JOURNEYS]),
        direct_trips=direct_trips,
        first_departure_s=given(kernels.FIRST_DEP),
        last_departure_s=given(kernels.LAST_DEP),
        fastest_s=given(kernels.FASTEST),
        median_s=None if np.isnan(median) else float(median),
        latest_departure_arriving_by_0800_s=given(kernels.LATEST_DEP_BY),
        earliest_arrival_departing_from_1700_s=given(kernels.EARLIEST_ARR_FROM),
        commute_possible=commute_possible,
        fewest_transfers=given(kernels.FEWEST),
        saturday_commute_possible=saturday_commute_possible,
        sunday_commute_possible=sunday_commute_possible,
    )


@dataclass(frozen=True)
class _Day:
    """One analysed day: its timetable and what scans from the places' stops cover."""

    timetable: Timetable
    board: Any


def analyse(
    feed: Feed,
    places: Sequence[Place],
    date: dt.date,
    *,
    radius_m: float = 1000.0,
    min_transfer_s: int = 120,
    walk_m: float = 0.0,
    progress: Progress | None = None,
    threads: int = THREADS,
    horizon_s: int | None = HORIZON_S,
) -> Analysis:
    """Return the connectivity indicators of every pair of places on the date and its weekend.

    The date, its Saturday and its Sunday are analysed side by side on `threads` threads: the
    days' timetables first, then one scan per day and batch of up to LANES destinations. The
    progress callback is called from the calling thread only.

    The date's scans first leave out connections leaving after horizon_s (by default noon of
    the next day): journeys leaving before midnight seldom arrive later. Destinations some
    place's last departure cannot reach by then are scanned again without the horizon, so
    the result is the same whatever the horizon (None: no first pass).
    """
    if horizon_s is not None and horizon_s < DAY_S:
        raise ValueError("horizon_s must be midnight after the date or later")
    names = [p.name for p in places]
    if len(set(names)) != len(names):
        duplicates = sorted({n for n in names if names.count(n) > 1})
        raise ValueError(f"place names must be unique: {', '.join(duplicates)}")
    stops = place_stops(feed, list(places), radius_m)
    saturday, sunday = weekend_of(date)
    days = list(dict.fromkeys((date, saturday, sunday)))
    total = len(days) * len(places)
    # Places without stops have no journeys: they count as done from the start.
    done = len(days) * sum(1 for name in names if not stops[name])
    served = [name for name in names if stops[name]]
    n_batches = -(-len(served) // LANES)
    batches = [served[b::n_batches] for b in range(n_batches)]
    if progress is not None and done:
        progress(done, total)
    # Timetables hold only the connections that can matter between the places' stops. What
    # they derive from the feed is made once, before the threads start.
    terminals = frozenset(s for name in served for s in stops[name])
    feed.prepare(min_transfer_s=min_transfer_s, walk_m=walk_m, terminals=terminals)

    def build(day: dt.date) -> _Day:
        # The weekend's days only tell whether one can commute: whether journeys arrive by
        # 08:00 and leave at 17:00 or later, which connections in between never serve.
        tt = feed.timetable(
            day,
            min_transfer_s=min_transfer_s,
            walk_m=walk_m,
            terminals=terminals,
            window=None if day == date else (ARRIVE_BY_S, LEAVE_FROM_S),
            horizon_s=horizon_s if day == date else None,
        )
        return _Day(timetable=tt, board=journeys.boardings(tt, stops, served_stops))

    def build_whole_date() -> _Day:
        tt = feed.timetable(date, min_transfer_s=min_transfer_s, walk_m=walk_m, terminals=terminals)
        return _Day(timetable=tt, board=journeys.boardings(tt, stops, served_stops))

    served_stops = {name: stops[name] for name in served}
    width = max((len(batch) for batch in batches), default=0)
    # Each thread keeps one work space for its scans, grown when a day needs more.
    local = threading.local()

    # The date without the horizon, made by the first scan that needs it.
    whole: list[_Day] = []
    whole_lock = threading.Lock()
    # Set when the date's first batch showed that most destinations outrun the horizon.
    skip_horizon = threading.Event()

    def whole_date() -> _Day:
        with whole_lock:
            if not whole:
                whole.append(build_whole_date())
            return whole[0]

    def run(
        day: dt.date, batch: list[str], again: bool = False
    ) -> tuple[IntArray, npt.NDArray[np.float64]]:
        with_horizon = day == date and horizon_s is not None and not again
        if again or (with_horizon and skip_horizon.is_set()):
            built, with_horizon = whole_date(), False
        else:
            # Builds are queued before every scan, so the one awaited here has started already.
            built = builds[day].result()
        sizes = [(built.timetable, built.board.inputs)]
        work = getattr(local, "work", None)
        if work is None or not journeys.fits(work, sizes, width):
            work = local.work = journeys.work_space(sizes, width)
        found, middle = journeys.scan_stats(
            built.timetable,
            built.board,
            [stops[name] for name in batch],
            work,
            arrive_by_s=ARRIVE_BY_S,
            leave_from_s=LEAVE_FROM_S,
        )
        if with_horizon and not skip_horizon.is_set():
            # Where most destinations of a batch need a second scan (long journeys, late
            # departures), the date's batches not yet started are scanned whole at once.
            unsettled = found[:, :, kernels.SETTLED] == 0
            for lane, name in enumerate(batch):
                unsettled[index[name], lane] = False
            if 2 * int(unsettled.any(axis=0).sum()) > len(batch):
                skip_horizon.set()
        return found, middle

    workers = max(1, min(threads, len(days) * max(n_batches, 1)))
    index = {name: i for i, name in enumerate(names)}
    stats_of = {
        day: np.full((len(names), len(names), kernels.N_STATS), -1, dtype=np.int64) for day in days
    }
    median_of = {day: np.full((len(names), len(names)), np.nan) for day in days}
    for found in stats_of.values():
        found[:, :, kernels.JOURNEYS] = 0
    with ThreadPoolExecutor(max_workers=workers) as pool:
        # The builds first (the date's, whose scans are the longest, first of all), then the
        # scans in the same order: a scan waits for its day's build only while it is running.
        builds = {day: pool.submit(build, day) for day in days}
        scans = {pool.submit(run, day, batch): (day, batch) for day in days for batch in batches}
        place_stops_in_order = [stops[name] for name in names]
        if feed.frequencies:
            direct_future = pool.submit(
                lambda: direct_trip_counts(whole_date().timetable, place_stops_in_order)
            )
        else:
            direct_future = pool.submit(direct_trip_counts_on, feed, date, place_stops_in_order)
        for future in as_completed(scans):
            day_of, batch = scans[future]
            found, middle = future.result()
            columns = [index[name] for name in batch]
            stats_of[day_of][:, columns] = found
            median_of[day_of][:, columns] = middle
            done += len(batch)
            if progress is not None:
                progress(done, total)
        # Destinations some other place's last departure of the date may reach only after the
        # horizon: their figures may be wrong. Scan them again with every connection.
        settled = stats_of[date][:, :, kernels.SETTLED] != 0
        np.fill_diagonal(settled, True)
        again = [name for name in served if not settled[:, index[name]].all()]
        n_again = -(-len(again) // LANES)
        rescans = [pool.submit(run, date, again[b::n_again], True) for b in range(n_again)]
        for b, future in enumerate(rescans):
            found, middle = future.result()
            columns = [index[name] for name in again[b::n_again]]
            stats_of[date][:, columns] = found
            median_of[date][:, columns] = middle
        direct = direct_future.result()

    def commutes(day: dt.date) -> npt.NDArray[np.bool_]:
        # A journey arrives by 08:00 from o to d, and one leaves d for o at 17:00 or later.
        stats = stats_of[day]
        arrives = stats[:, :, kernels.LATEST_DEP_BY] >= 0
        leaves = stats[:, :, kernels.EARLIEST_ARR_FROM] >= 0
        return arrives & leaves.T

    weekday, on_saturday, on_sunday = commutes(date), commutes(saturday), commutes(sunday)
    stats, median = stats_of[date], median_of[date]
    pairs: list[PairIndicators] = []
    for o, origin in enumerate(names):
        for d, destination in enumerate(names):
            if o == d:
                continue
            pairs.append(
                _pair_from_stats(
                    origin,
                    destination,
                    stats[o, d],
                    float(median[o, d]),
                    direct_trips=int(direct[o, d]),
                    commute_possible=bool(weekday[o, d]),
                    saturday_commute_possible=bool(on_saturday[o, d]),
                    sunday_commute_possible=bool(on_sunday[o, d]),
                )
            )
    return Analysis(date=date, places=place_indicators(places, stops, pairs), pairs=pairs)


def place_indicators(
    places: Sequence[Place], stops: Mapping[str, Collection[int]], pairs: Sequence[PairIndicators]
) -> list[PlaceIndicators]:
    """Return, per place, where it can commute to and the population that represents."""
    population = {p.name: p.population for p in places}
    has_population = any(p.population is not None for p in places)
    outgoing_of: dict[str, list[PairIndicators]] = {p.name: [] for p in places}
    commute_origins: dict[str, list[str]] = {p.name: [] for p in places}
    for pair in pairs:
        outgoing_of[pair.origin].append(pair)
        if pair.commute_possible:
            commute_origins[pair.destination].append(pair.origin)
    result: list[PlaceIndicators] = []
    for place in places:
        outgoing = outgoing_of[place.name]
        destinations = tuple(p.destination for p in outgoing if p.commute_possible)
        commute_population: int | None = None
        share: float | None = None
        if has_population:
            commute_population = sum(population[d] or 0 for d in destinations)
            others = sum(population[p.destination] or 0 for p in outgoing)
            share = commute_population / others if others else 0.0
        result.append(
            PlaceIndicators(
                name=place.name,
                stops=len(stops[place.name]),
                population=place.population,
                commute_destinations=destinations,
                commute_origins=tuple(commute_origins[place.name]),
                saturday_commute_destinations=tuple(
                    p.destination for p in outgoing if p.saturday_commute_possible
                ),
                sunday_commute_destinations=tuple(
                    p.destination for p in outgoing if p.sunday_commute_possible
                ),
                commute_population=commute_population,
                commute_population_share=share,
            )
        )
    return result

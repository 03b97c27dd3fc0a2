"""Connectivity indicators between places on one date: journeys, times, direct trips, commuting.

All times are seconds after midnight of the analysed date. A commute from A to B is possible
when A→B has a journey arriving by 08:00 and B→A has a journey leaving at 17:00 or later; the
same test is repeated on the Saturday and Sunday of the date's ISO week.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from transit import journeys
from transit.feed import Feed
from transit.journeys import LANES, THREADS, Lane, lane_of_pair, lanes_for
from transit.kernels import counting, scanning
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


def direct_trip_counts_on(feed: Feed, date: dt.date, stops: Sequence[Collection[int]]) -> IntArray:
    """Return counts[o, d]: the trip instances leaving a stop of o in [00:00, 24:00) of the date
    and later letting passengers off at a stop of d that is not one of o's.

    For feeds without frequencies (their trips run at their own times, shifted by whole days).
    """
    if feed.frequencies:
        raise ValueError("direct_trip_counts_on needs a feed without frequencies")
    running, shifts = trips_running(feed, date)
    member_start, member_place = stop_members(feed.n_stops, stops)
    return counting.direct_counts_of_trips(
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
        overlaps(stops),
    )


def direct_trip_counts(timetable: Timetable, stops: Sequence[Collection[int]]) -> IntArray:
    """Return what direct_trip_counts_on gives, from a timetable's connections (any feed)."""
    tt = timetable
    member_start, member_place = stop_members(tt.feed.n_stops, stops)
    return counting.direct_counts(
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
        overlaps(stops),
    )


def overlaps(stops: Sequence[Collection[int]]) -> npt.NDArray[np.bool_]:
    """Return overlap[o, d]: whether different places o and d share a stop."""
    sets = [frozenset(s) for s in stops]
    n = len(sets)
    found = np.zeros((n, n), dtype=bool)
    for o in range(n):
        for d in range(n):
            found[o, d] = o != d and not sets[o].isdisjoint(sets[d])
    return found


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
    """The indicators of a pair from its row of scanning.pareto_stats."""

    def given(column: int) -> int | None:
        value = int(stats[column])
        return None if value < 0 else value

    return PairIndicators(
        origin=origin,
        destination=destination,
        journeys=int(stats[scanning.JOURNEYS]),
        direct_trips=direct_trips,
        first_departure_s=given(scanning.FIRST_DEP),
        last_departure_s=given(scanning.LAST_DEP),
        fastest_s=given(scanning.FASTEST),
        median_s=None if np.isnan(median) else float(median),
        latest_departure_arriving_by_0800_s=given(scanning.LATEST_DEP_BY),
        earliest_arrival_departing_from_1700_s=given(scanning.EARLIEST_ARR_FROM),
        commute_possible=commute_possible,
        fewest_transfers=given(scanning.FEWEST),
        saturday_commute_possible=saturday_commute_possible,
        sunday_commute_possible=sunday_commute_possible,
    )


@dataclass(frozen=True)
class _Day:
    """One analysed day: its timetable and what scans from the places' stops cover."""

    timetable: Timetable
    board: journeys.Boardings


@dataclass
class _Plan:
    """What is scanned: the lanes (destinations), which origins each answers, in batches."""

    names: list[str]
    stops: list[list[int]]
    lanes: list[Lane]
    # Per lane, the origins (indices of names) whose figures it gives.
    answers: list[list[int]]
    # Per lane, the index of its destination among the names.
    column: list[int]
    batches: list[list[int]]

    @classmethod
    def of(cls, names: list[str], stops: Mapping[str, list[int]]) -> _Plan:
        in_order = [stops[name] for name in names]
        lanes = lanes_for(in_order, {name: stops[name] for name in names})
        answers: list[list[int]] = [[] for _ in lanes]
        for (o, _destination), lane in lane_of_pair(lanes, in_order).items():
            answers[lane].append(o)
        n_batches = -(-len(lanes) // LANES)
        batches = [list(range(b, len(lanes), n_batches)) for b in range(n_batches)]
        index = {name: i for i, name in enumerate(names)}
        return cls(
            names=names,
            stops=in_order,
            lanes=lanes,
            answers=answers,
            column=[index[str(lane.destination)] for lane in lanes],
            batches=batches,
        )

    def terminals(self) -> frozenset[int]:
        return frozenset(s for stops in self.stops for s in stops)

    def places_done(self, batch: list[int]) -> int:
        """How many destinations a batch completes (a place's own lanes for one origin: none)."""
        return sum(1 for lane in batch if self.lanes[lane].origin < 0)

    def unsettled(self, batch: list[int], found: IntArray) -> list[int]:
        """The lanes of a batch whose figures a horizon may have made wrong."""
        return [
            lane
            for i, lane in enumerate(batch)
            if any(found[o, i, scanning.SETTLED] == 0 for o in self.answers[lane])
        ]

    def put(
        self, batch: list[int], found: IntArray, middle: npt.NDArray[np.float64],
        stats: IntArray, median: npt.NDArray[np.float64],
    ) -> None:  # fmt: skip
        """Write a batch's figures into stats[o, d] and median[o, d] of the pairs it answers."""
        for i, lane in enumerate(batch):
            d = self.column[lane]
            for o in self.answers[lane]:
                stats[o, d] = found[o, i]
                median[o, d] = middle[o, i]


class _Scans:
    """The scans of the date and its weekend, on a pool of threads (see analyse)."""

    def __init__(
        self,
        feed: Feed,
        plan: _Plan,
        date: dt.date,
        *,
        min_transfer_s: int,
        walk_m: float,
        horizon_s: int | None,
    ) -> None:
        self.feed = feed
        self.plan = plan
        self.date = date
        self.min_transfer_s = min_transfer_s
        self.walk_m = walk_m
        self.horizon_s = horizon_s
        self.terminals = plan.terminals()
        self.width = max((len(batch) for batch in plan.batches), default=0)
        # Each thread keeps one work space for its scans, grown when a day needs more.
        self.local = threading.local()
        # The date without the horizon, made by the first scan that needs it.
        self.whole: list[_Day] = []
        self.whole_lock = threading.Lock()
        # Set when the date's first batch showed that most destinations outrun the horizon.
        self.skip_horizon = threading.Event()
        self.builds: dict[dt.date, Future[_Day]] = {}

    def _day(self, day: dt.date, *, whole: bool = False) -> _Day:
        # The weekend's days only tell whether one can commute: whether journeys arrive by
        # 08:00 and leave at 17:00 or later, which connections in between never serve.
        is_date = day == self.date
        tt = self.feed.timetable(
            day,
            min_transfer_s=self.min_transfer_s,
            walk_m=self.walk_m,
            terminals=self.terminals,
            window=None if is_date else (ARRIVE_BY_S, LEAVE_FROM_S),
            horizon_s=self.horizon_s if is_date and not whole else None,
        )
        served = [stops for stops in self.plan.stops if stops]
        return _Day(timetable=tt, board=journeys.Boardings.of(tt, self.plan.stops, served))

    def whole_date(self) -> _Day:
        """The date without a horizon (made once)."""
        with self.whole_lock:
            if not self.whole:
                self.whole.append(self._day(self.date, whole=True))
            return self.whole[0]

    def run(
        self, day: dt.date, batch: list[int], again: bool = False
    ) -> tuple[IntArray, npt.NDArray[np.float64]]:
        """Scan a batch of lanes on a day: (stats, medians) per origin and lane of the batch."""
        with_horizon = day == self.date and self.horizon_s is not None and not again
        if again or (with_horizon and self.skip_horizon.is_set()):
            built, with_horizon = self.whole_date(), False
        else:
            # Builds are queued before every scan, so the one awaited here has started already.
            built = self.builds[day].result()
        sizes = [(built.timetable, built.board.inputs)]
        work = getattr(self.local, "work", None)
        if work is None or not journeys.fits(work, sizes, self.width):
            work = self.local.work = journeys.work_space(sizes, self.width)
        found, middle = journeys.scan_stats(
            built.timetable,
            built.board,
            [self.plan.lanes[lane].stops for lane in batch],
            work,
            arrive_by_s=ARRIVE_BY_S,
            leave_from_s=LEAVE_FROM_S,
        )
        # Where most destinations of a batch need a second scan (long journeys, late
        # departures), the date's batches not yet started are scanned whole at once.
        outrun = with_horizon and 2 * len(self.plan.unsettled(batch, found)) > len(batch)
        if outrun:
            self.skip_horizon.set()
        return found, middle


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
    plan = _Plan.of(names, stops)
    saturday, sunday = weekend_of(date)
    days = list(dict.fromkeys((date, saturday, sunday)))
    # Timetables hold only the connections that can matter between the places' stops. What
    # they derive from the feed is made once, before the threads start.
    feed.prepare(min_transfer_s=min_transfer_s, walk_m=walk_m, terminals=plan.terminals())
    scans = _Scans(
        feed, plan, date, min_transfer_s=min_transfer_s, walk_m=walk_m, horizon_s=horizon_s
    )
    stats_of, median_of, direct = _run(scans, days, threads, progress)

    def commutes(day: dt.date) -> npt.NDArray[np.bool_]:
        # A journey arrives by 08:00 from o to d, and one leaves d for o at 17:00 or later.
        stats = stats_of[day]
        arrives = stats[:, :, scanning.LATEST_DEP_BY] >= 0
        leaves = stats[:, :, scanning.EARLIEST_ARR_FROM] >= 0
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


def _run(
    scans: _Scans, days: list[dt.date], threads: int, progress: Progress | None
) -> tuple[dict[dt.date, IntArray], dict[dt.date, npt.NDArray[np.float64]], IntArray]:
    """Build the days and scan every batch on each; return (stats, medians, direct trips)."""
    plan, date = scans.plan, scans.date
    n = len(plan.names)
    stats_of = {day: np.full((n, n, scanning.N_STATS), -1, dtype=np.int64) for day in days}
    median_of = {day: np.full((n, n), np.nan) for day in days}
    for found in stats_of.values():
        found[:, :, scanning.JOURNEYS] = 0
    total = len(days) * n
    # Places without stops have no journeys: they count as done from the start.
    done = len(days) * sum(1 for stops in plan.stops if not stops)
    if progress is not None and done:
        progress(done, total)
    workers = max(1, min(threads, len(days) * max(len(plan.batches), 1)))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        # The builds first (the date's, whose scans are the longest, first of all), then the
        # scans in the same order: a scan waits for its day's build only while it is running.
        scans.builds = {day: pool.submit(scans._day, day) for day in days}
        running = {
            pool.submit(scans.run, day, batch): (day, batch)
            for day in days
            for batch in plan.batches
        }
        if scans.feed.frequencies:
            direct_future = pool.submit(
                lambda: direct_trip_counts(scans.whole_date().timetable, plan.stops)
            )
        else:
            direct_future = pool.submit(direct_trip_counts_on, scans.feed, date, plan.stops)
        for future in as_completed(running):
            day, batch = running[future]
            found, middle = future.result()
            plan.put(batch, found, middle, stats_of[day], median_of[day])
            done += plan.places_done(batch)
            if progress is not None:
                progress(done, total)
        # Destinations some other place's last departure of the date may reach only after the
        # horizon: their figures may be wrong. Scan them again with every connection.
        again = [
            lane
            for lane in range(len(plan.lanes))
            if any(
                stats_of[date][o, plan.column[lane], scanning.SETTLED] == 0
                for o in plan.answers[lane]
            )
        ]
        n_again = -(-len(again) // LANES)
        batches = [again[b::n_again] for b in range(n_again)]
        rescans = [pool.submit(scans.run, date, batch, True) for batch in batches]
        for batch, future in zip(batches, rescans, strict=True):
            found, middle = future.result()
            plan.put(batch, found, middle, stats_of[date], median_of[date])
        direct = direct_future.result()
    return stats_of, median_of, direct


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

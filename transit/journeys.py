"""Journeys between places: a profile Connection Scan towards several destinations at once.

One backward scan over the connections (latest departure first) computes, for every
connection one may board, the earliest arrival at each destination when boarding it, and the
fewest vehicle changes that reach that arrival. The journeys from any origin then follow from
the boardings at the origin's stops, so one scan serves every origin at once.

Values are packed into one integer, arrival_s * 256 + changes, so that the lexicographic
minimum of (arrival, changes) is an ordinary minimum and one more change is + 1.

The journeys of a date (docs/transit.md): the Pareto set over every departure of the
timeline (the trips of the day before, the date and the day after), of which those leaving in
[0, 24 h) are the date's. A journey leaves its origin: where the origin's and the
destination's stops overlap, the destination is its stops that are not the origin's.
"""

from __future__ import annotations

import itertools
import os
import queue
from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from transit.kernels import SHIFT, scanning
from transit.kernels.scanning import Connections, Slots, Targets, Transfers, Trips, WorkSpace
from transit.links import rule_seconds
from transit.places import stop_members
from transit.timetable import DAY_S, Timetable, dead_end_stops

IntArray = npt.NDArray[np.int64]

INF = 1 << 62
# Packed values fit in int32 below this (half the memory and twice the lanes per vector).
SMALL_INF = 1 << 30
# Destinations scanned together in one pass: per stop and departure, one value per lane.
LANES = 32
# Scans run side by side on this many threads (each with its own work space: memory grows).
THREADS = min(os.cpu_count() or 1, 2)

__all__ = ["SHIFT"]


class Journey(NamedTuple):
    """A Pareto-optimal journey: leave at departure_s, arrive at arrival_s, with transfers changes."""

    departure_s: int
    arrival_s: int
    transfers: int

    @property
    def duration_s(self) -> int:
        """Return the travel time in seconds."""
        return self.arrival_s - self.departure_s


# --------------------------------------------------------------------------- lanes


@dataclass(frozen=True)
class Lane:
    """One destination of a scan: its stops, for every origin or for one origin only.

    A lane for every origin (origin -1) serves the origins that share no stop with the
    destination; an origin that does gets a lane of its own, without its stops.
    """

    destination: Hashable
    stops: tuple[int, ...]
    origin: int = -1


def lanes_for(
    origins: Sequence[Collection[int]], destinations: Mapping[Any, Collection[int]]
) -> list[Lane]:
    """The lanes that answer every (origin, destination) pair (see Lane); none without stops."""
    lanes: list[Lane] = []
    origin_sets = [frozenset(int(s) for s in stops) for stops in origins]
    for name, stops in destinations.items():
        own = frozenset(int(s) for s in stops)
        if not own:
            continue
        lanes.append(Lane(name, tuple(sorted(own))))
        for o, origin in enumerate(origin_sets):
            apart = own - origin
            if apart != own and apart:
                lanes.append(Lane(name, tuple(sorted(apart)), o))
    return lanes


def lane_of_pair(
    lanes: Sequence[Lane], origins: Sequence[Collection[int]]
) -> dict[tuple[int, Any], int]:
    """The lane answering each (origin index, destination); pairs without one have none."""
    origin_sets = [frozenset(int(s) for s in stops) for stops in origins]
    found: dict[tuple[int, Any], int] = {}
    for i, lane in enumerate(lanes):
        if lane.origin >= 0:
            found[(lane.origin, lane.destination)] = i
            continue
        for o, origin in enumerate(origin_sets):
            if origin and origin.isdisjoint(lane.stops):
                found[(o, lane.destination)] = i
    return found


# --------------------------------------------------------------------------- the scan's inputs


@dataclass(frozen=True)
class ScanInputs:
    """The timetable's arrays as the compiled scan takes them, made once per timetable."""

    conn: Connections
    trips: Trips
    transfers: Transfers
    slots: Slots
    dtype: type[np.signedinteger[Any]]
    inf: int
    # The timetable's connections these are (positions), or None for all of them.
    kept: IntArray | None = None

    @property
    def profile_rows(self) -> int:
        """Return the rows of profile entries a scan can write."""
        return int(self.slots.prof_start[-1])


def scan_inputs(tt: Timetable, terminals: frozenset[int] | None = None) -> ScanInputs:
    """The scan's arrays: of all connections, or of those that can matter between terminals."""
    cached = tt.scan_cache.get("inputs")
    if isinstance(cached, tuple) and cached[0] == terminals and isinstance(cached[1], ScanInputs):
        return cached[1]
    keep = None
    # A timetable made for these terminals (or more) has only useful connections already.
    if terminals is not None and not (tt.terminals is not None and terminals <= tt.terminals):
        keep = useful_connections(tt, terminals)
    result = _make_inputs(tt, keep)
    tt.scan_cache["inputs"] = (terminals, result)
    return result


def _special_rules(tt: Timetable) -> tuple[IntArray, IntArray]:
    """Rules naming a trip or a route, per link in the order they are tried: (rule_start, table).

    The table's columns: from_trip, to_trip, from_route, to_route, seconds.
    """
    rule_link: list[int] = []
    rules: list[tuple[int, int, int, int, int]] = []
    for (v, w), found in tt.special_rules.items():
        lo, hi = int(tt.link_start[v]), int(tt.link_start[v + 1])
        k = lo + int(np.searchsorted(tt.link_to[lo:hi], w))
        assert k < hi and int(tt.link_to[k]) == w
        walk = tt._walk_s(v, w)
        for rule in found:
            rule_link.append(k)
            seconds = rule_seconds(rule, walk, tt.min_transfer_s)
            rules.append((rule.from_trip, rule.to_trip, rule.from_route, rule.to_route, seconds))
    links = np.asarray(rule_link, dtype=np.int64)
    order = np.argsort(links, kind="stable")
    table = np.asarray(rules, dtype=np.int64).reshape(-1, 5)[order]
    rule_start = np.searchsorted(links[order], np.arange(len(tt.link_to) + 1)).astype(np.int64)
    return rule_start, table


def _make_inputs(tt: Timetable, keep: npt.NDArray[np.bool_] | None) -> ScanInputs:
    kept = None if keep is None else np.flatnonzero(keep)

    def conn[T: np.generic](array: npt.NDArray[T]) -> npt.NDArray[T]:
        return array if kept is None else array[kept]

    dep_stop, arr_stop, dep_s, arr_s = (
        conn(tt.dep_stop),
        conn(tt.arr_stop),
        conn(tt.dep_s),
        conn(tt.arr_s),
    )
    trip, can_board, can_alight = conn(tt.trip), conn(tt.can_board), conn(tt.can_alight)
    rule_start, table = _special_rules(tt)
    special = tt.trip_is_special[trip] if len(trip) else np.zeros(0, dtype=bool)
    plain_boardings = can_board & ~special
    per_stop = np.bincount(dep_stop[plain_boardings], minlength=tt.feed.n_stops)
    prof_start = np.concatenate(([0], np.cumsum(per_stop))).astype(np.int64)
    special_boardings = can_board & special
    sp_slot = np.full(len(trip), -1, dtype=np.int64)
    sp_slot[special_boardings] = np.arange(int(special_boardings.sum()), dtype=np.int64)
    latest = int(arr_s.max()) if len(arr_s) else 0
    small = (latest + 2) * SHIFT < SMALL_INF
    # The scan numbers trips in the order it meets them (values do not depend on the numbers).
    new_id = scanning.trips_by_last_use(trip.astype(np.int32, copy=False), tt.n_trips)
    by_new_id = np.empty(tt.n_trips, dtype=np.int64)
    by_new_id[new_id] = np.arange(tt.n_trips, dtype=np.int64)
    return ScanInputs(
        conn=Connections(
            dep_stop.astype(np.int32, copy=False),
            arr_stop.astype(np.int32, copy=False),
            dep_s.astype(np.int64, copy=False),
            arr_s.astype(np.int64, copy=False),
            new_id[trip].astype(np.int32),
            can_board.astype(bool, copy=False),
            can_alight.astype(bool, copy=False),
        ),
        trips=Trips(
            tt.trip_is_special[by_new_id].astype(bool),
            tt.trip_feed[by_new_id].astype(np.int32),
            tt.feed.trip_route.astype(np.int32),
        ),
        transfers=Transfers(
            tt.link_start.astype(np.int64),
            tt.link_to.astype(np.int32),
            tt.link_s.astype(np.int64),
            rule_start,
            table[:, 0].astype(np.int32),
            table[:, 1].astype(np.int32),
            table[:, 2].astype(np.int32),
            table[:, 3].astype(np.int32),
            table[:, 4].astype(np.int64),
        ),
        slots=Slots(prof_start, sp_slot),
        dtype=np.int32 if small else np.int64,
        inf=SMALL_INF if small else INF,
        kept=kept,
    )


def useful_connections(timetable: Timetable, terminals: Collection[int]) -> npt.NDArray[np.bool_]:
    """Return which of the timetable's connections can matter for journeys between terminals.

    See timetable.dead_end_stops: connections into or inside a peeled tree are dropped.
    """
    tt = timetable
    gone = dead_end_stops(
        tt.feed,
        terminals,
        tt.link_start,
        tt.link_to,
        tt.special_rules,
        no_boarding=tt.dep_stop[~tt.can_board],
        no_alighting=tt.arr_stop[~tt.can_alight],
    )
    keep: npt.NDArray[np.bool_] = ~gone[tt.dep_stop] & ~gone[tt.arr_stop]
    return keep


# --------------------------------------------------------------------------- work space


def work_space(sizes: Iterable[tuple[Timetable, ScanInputs]], lanes: int) -> WorkSpace:
    """A work space large enough for scans of up to `lanes` destinations in every timetable.

    numpy maps large arrays on huge pages where the system allows, and reuse saves the page
    faults of fresh memory: both matter, since the scan reads and writes them at random.
    """
    sizes = list(sizes)
    trips = max((tt.n_trips for tt, _ in sizes), default=0)
    rows = max((inputs.profile_rows for _, inputs in sizes), default=0)
    # 64-bit, so that a scan of 32-bit values can view it as such (pages untouched are free).
    return WorkSpace(
        np.empty(trips * lanes, dtype=np.int64),
        np.empty(rows, dtype=np.int64),
        np.empty(rows, dtype=np.int64),
        np.empty(rows * lanes, dtype=np.int64),
    )


def fits(work: WorkSpace, sizes: Iterable[tuple[Timetable, ScanInputs]], lanes: int) -> bool:
    """Whether a work space serves scans of up to `lanes` destinations in these timetables."""
    for tt, inputs in sizes:
        rows = inputs.profile_rows
        per = np.dtype(inputs.dtype).itemsize
        if (
            work.seated.nbytes < tt.n_trips * lanes * per
            or len(work.prof_dep) < rows
            or work.prof_val.nbytes < rows * lanes * per
        ):
            return False
    return True


def _shaped(tt: Timetable, inputs: ScanInputs, lanes: int, work: WorkSpace) -> WorkSpace:
    """The work space viewed as the scan's dtype and shapes."""
    rows = inputs.profile_rows
    # A work space made for 64-bit values serves 32-bit ones too, viewed as twice as many.
    return WorkSpace(
        work.seated.view(inputs.dtype)[: tt.n_trips * lanes].reshape(tt.n_trips, lanes),
        work.prof_dep,
        work.prof_pos,
        work.prof_val.view(inputs.dtype)[: rows * lanes].reshape(rows, lanes),
    )


# --------------------------------------------------------------------------- scanning


def scan(
    timetable: Timetable,
    destinations: Sequence[Collection[int]],
    out_row: IntArray,
    n_rows: int,
    *,
    work: WorkSpace | None = None,
    inputs: ScanInputs | None = None,
) -> tuple[npt.NDArray[Any], int]:
    """Run one backward scan for several destinations at once.

    Returns (values, inf): values[r, d] is the packed best (arrival, changes) at destination d
    when boarding any connection c with out_row[c] == r (inf where none reaches it). The
    connections are those of `inputs` (by default all of the timetable's).
    """
    tt = timetable
    inputs = inputs or scan_inputs(tt)
    n_stops = tt.feed.n_stops
    pairs = sorted({(int(s), lane) for lane, stops in enumerate(destinations) for s in stops})
    target_stop = np.asarray([p[0] for p in pairs], dtype=np.int64)
    target_lane = np.asarray([p[1] for p in pairs], dtype=np.int32)
    target_start = np.searchsorted(target_stop, np.arange(n_stops + 1)).astype(np.int64)
    lanes = len(destinations)
    out = np.full((n_rows, lanes), inputs.inf, dtype=inputs.dtype)
    if lanes:
        work = work if work is not None else work_space([(tt, inputs)], lanes)
        scanning.profile_scan(
            inputs.conn,
            inputs.trips,
            inputs.transfers,
            inputs.slots,
            Targets(target_start, target_lane, out_row),
            out,
            inputs.dtype(inputs.inf),
            _shaped(tt, inputs, lanes, work),
        )
    return out, inputs.inf


@dataclass(frozen=True)
class Boardings:
    """The connections a scan between places covers, and the origins' boardings among them."""

    inputs: ScanInputs
    # Each scanned connection's row of the scan's output (-1: none; see
    # scanning.origin_boardings), and each row's departure.
    out_row: IntArray
    departures: IntArray
    # Origin o's boardings: positions origin_rows[origin_start[o]:origin_start[o + 1]] of rows.
    origin_start: IntArray
    origin_rows: IntArray
    inf: Any

    @classmethod
    def of(
        cls,
        tt: Timetable,
        origins: Sequence[Collection[int]],
        destinations: Iterable[Collection[int]],
    ) -> Boardings:
        """The boardings at the origins' stops, among the connections that can matter."""
        terminals = frozenset(int(s) for stops in (*origins, *destinations) for s in stops)
        inputs = scan_inputs(tt, terminals)
        member_start, member_origin = stop_members(tt.feed.n_stops, origins)
        out_row, departures, origin_start, origin_rows = scanning.origin_boardings(
            inputs.conn.dep_stop,
            inputs.conn.can_board,
            inputs.conn.dep_s,
            member_start,
            member_origin,
            len(origins),
            DAY_S,
        )
        return cls(
            inputs=inputs,
            out_row=out_row,
            departures=departures,
            origin_start=origin_start,
            origin_rows=origin_rows,
            inf=inputs.dtype(inputs.inf),
        )

    def rows_of_origins(self) -> list[IntArray]:
        """Each origin's rows of the scan's output, in the order of the origins."""
        bounds = self.origin_start.tolist()
        return [self.origin_rows[lo:hi] for lo, hi in itertools.pairwise(bounds)]


def scan_stats(
    timetable: Timetable,
    board: Boardings,
    destinations: Sequence[Collection[int]],
    work: WorkSpace,
    *,
    arrive_by_s: int,
    leave_from_s: int,
) -> tuple[IntArray, npt.NDArray[np.float64]]:
    """One scan towards a batch of destinations, summarised by scanning.pareto_stats.

    In a timetable with a horizon (connections leaving after it left out), the SETTLED column
    tells which figures are exact.
    """
    values, _ = scan(
        timetable,
        destinations,
        board.out_row,
        len(board.departures),
        work=work,
        inputs=board.inputs,
    )
    horizon = timetable.horizon_s if timetable.horizon_s is not None else -1
    return scanning.pareto_stats(
        board.departures,
        values,
        board.inf,
        board.origin_start,
        board.origin_rows,
        arrive_by_s,
        leave_from_s,
        horizon,
        DAY_S,
    )


# --------------------------------------------------------------------------- journey lists


def journeys(
    timetable: Timetable, origin_stops: Collection[int], destination_stops: Collection[int]
) -> list[Journey]:
    """Return the date's Pareto-optimal journeys from the origin stops to the destination, by departure."""
    found = journeys_between(timetable, {0: origin_stops}, {1: destination_stops})
    return found[(0, 1)]


def all_pairs[K: Hashable](
    timetable: Timetable, places: Mapping[K, Collection[int]]
) -> dict[tuple[K, K], list[Journey]]:
    """Return the journeys between every ordered pair of different places."""
    found = journeys_between(timetable, places, places)
    return {pair: js for pair, js in found.items() if pair[0] != pair[1]}


def journeys_between[K: Hashable, L: Hashable](
    timetable: Timetable,
    origins: Mapping[K, Collection[int]],
    destinations: Mapping[L, Collection[int]],
    *,
    lanes: int = LANES,
    threads: int = THREADS,
) -> dict[tuple[K, L], list[Journey]]:
    """Return the date's journeys from every origin to every destination (pairs of one place: none).

    The destinations are scanned together, up to `lanes` in one backward scan.
    """
    keys = list(origins)
    origin_stops = [origins[k] for k in keys]
    all_lanes = lanes_for(origin_stops, destinations)
    lane_of = lane_of_pair(all_lanes, origin_stops)
    board = Boardings.of(timetable, origin_stops, destinations.values())

    def reduce(values: npt.NDArray[Any]) -> list[tuple[IntArray, IntArray, IntArray, IntArray]]:
        return [
            scanning.pareto(board.departures[rows], values[rows], board.inf, DAY_S)
            for rows in board.rows_of_origins()
        ]

    per_lane: dict[int, tuple[int, list[tuple[IntArray, IntArray, IntArray, IntArray]]]] = {}
    batches = _batches(list(range(len(all_lanes))), lanes, threads)
    scanned = _scan_batches(
        timetable, board, [[all_lanes[i].stops for i in b] for b in batches], reduce, threads
    )
    for batch, found in zip(batches, scanned, strict=True):
        for position, lane in enumerate(batch):
            per_lane[lane] = (position, found)
    result: dict[tuple[K, L], list[Journey]] = {}
    for o, key in enumerate(keys):
        for destination in destinations:
            answering = lane_of.get((o, destination))
            if answering is None:
                result[(key, destination)] = []
                continue
            position, found = per_lane[answering]
            lane_start, dep, arr, chg = found[o]
            lo, hi = int(lane_start[position]), int(lane_start[position + 1])
            result[(key, destination)] = list(
                map(
                    Journey._make,
                    zip(dep[lo:hi].tolist(), arr[lo:hi].tolist(), chg[lo:hi].tolist(), strict=True),
                )
            )
    return result


def _batches[T](items: list[T], lanes: int, threads: int) -> list[list[T]]:
    """Items in batches of up to `lanes`, and at least one batch per thread."""
    n = min(len(items), max(-(-len(items) // lanes), threads))
    return [items[b::n] for b in range(n)]


def _scan_batches[R](
    tt: Timetable,
    board: Boardings,
    batches: list[list[tuple[int, ...]]],
    reduce: Callable[[npt.NDArray[Any]], R],
    threads: int,
) -> Iterator[R]:
    """Scan each batch of destinations (stops per lane); yield reduce(values) of each in order.

    values[r, lane] is the packed best at the lane's destination when boarding at row r.
    """
    width = max((len(batch) for batch in batches), default=0)
    spaces: queue.Queue[WorkSpace] = queue.Queue()
    workers = max(1, min(threads, len(batches)))
    for _ in range(workers):
        spaces.put(work_space([(tt, board.inputs)], width))

    def run(batch: list[tuple[int, ...]]) -> R:
        work = spaces.get()
        try:
            values, _ = scan(
                tt, batch, board.out_row, len(board.departures), work=work, inputs=board.inputs
            )
        finally:
            spaces.put(work)
        return reduce(values)

    if workers == 1:
        yield from map(run, batches)
        return
    # The compiled code releases the GIL: scan batches side by side, one work space each.
    with ThreadPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(run, batches)

"""Journeys between places: a profile Connection Scan towards one destination.

One backward scan over the connections (latest departure first) computes, for every
connection one may board, the earliest arrival at the destination when boarding it, and the
fewest vehicle changes that reach that arrival. The journeys from any origin then follow from
the boardings at the origin's stops, so one scan serves every origin at once.

Values are packed into one integer, arrival_s * 256 + changes, so that the lexicographic
minimum of (arrival, changes) is an ordinary minimum and one more change is + 1.
"""

from __future__ import annotations

import itertools
import os
import queue
from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, NamedTuple, cast

import numpy as np
import numpy.typing as npt

from transit import kernels
from transit.places import stop_members
from transit.timetable import DAY_S, Timetable, dead_end_stops, rule_seconds

IntArray = npt.NDArray[np.int64]

SHIFT = kernels.SHIFT
INF = 1 << 62
# Packed values fit in int32 below this (half the memory and twice the lanes per vector).
SMALL_INF = 1 << 30
# Destinations scanned together in one pass: per stop and departure, one value per lane.
LANES = 32
# seated, prof_dep, prof_pos, prof_val: see kernels.profile_scan.
WorkSpace = tuple[npt.NDArray[Any], IntArray, IntArray, npt.NDArray[Any]]
# Scans run side by side on this many threads (each with its own work space: memory grows).
THREADS = min(os.cpu_count() or 1, 2)
# Positions of dep_stop, dep_s, can_board and prof_start among the arrays of _Inputs.static.
DEP_STOP = 0
DEP_S = 2
CAN_BOARD = 5
PROF_START = 19


class Journey(NamedTuple):
    """A Pareto-optimal journey: leave at departure_s, arrive at arrival_s, with transfers changes."""

    departure_s: int
    arrival_s: int
    transfers: int

    @property
    def duration_s(self) -> int:
        """Return the travel time in seconds."""
        return self.arrival_s - self.departure_s


@dataclass
class _Inputs:
    """The timetable's arrays as the compiled scan takes them, made once per timetable."""

    static: tuple[npt.NDArray[Any], ...]
    dtype: type[np.signedinteger[Any]]
    inf: int
    # The timetable's connections these are (positions), or None for all of them.
    connections: IntArray | None = None


def _inputs(tt: Timetable, terminals: frozenset[int] | None = None) -> _Inputs:
    """The scan's arrays: of all connections, or of those that can matter between terminals."""
    cached = tt.scan_cache.get("inputs")
    if isinstance(cached, tuple) and cached[0] == terminals:
        return cast(_Inputs, cached[1])
    keep = None
    # A timetable made for these terminals (or more) has only useful connections already.
    if terminals is not None and not (tt.terminals is not None and terminals <= tt.terminals):
        keep = useful_connections(tt, terminals)
    result = _make_inputs(tt, keep)
    tt.scan_cache["inputs"] = (terminals, result)
    return result


def _make_inputs(tt: Timetable, keep: npt.NDArray[np.bool_] | None) -> _Inputs:
    feed = tt.feed
    connections = None if keep is None else np.flatnonzero(keep)

    def conn[T: np.generic](array: npt.NDArray[T]) -> npt.NDArray[T]:
        return array if connections is None else array[connections]

    dep_stop, arr_stop, dep_s, arr_s = (
        conn(tt.dep_stop),
        conn(tt.arr_stop),
        conn(tt.dep_s),
        conn(tt.arr_s),
    )
    trip, can_board, can_alight = conn(tt.trip), conn(tt.can_board), conn(tt.can_alight)
    n_links = len(tt.link_to)
    # Rules naming a trip or a route, per link, in the order in which they are tried.
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
    order = np.argsort(np.asarray(rule_link, dtype=np.int64), kind="stable")
    table = np.asarray(rules, dtype=np.int64).reshape(-1, 5)[order]
    rule_start = np.searchsorted(
        np.asarray(rule_link, dtype=np.int64)[order], np.arange(n_links + 1)
    ).astype(np.int64)
    special = tt.trip_is_special[trip] if len(trip) else np.zeros(0, dtype=bool)
    plain_boardings = can_board & ~special
    per_stop = np.bincount(dep_stop[plain_boardings], minlength=feed.n_stops)
    prof_start = np.concatenate(([0], np.cumsum(per_stop))).astype(np.int64)
    special_boardings = can_board & special
    sp_slot = np.full(len(trip), -1, dtype=np.int64)
    sp_slot[special_boardings] = np.arange(int(special_boardings.sum()), dtype=np.int64)
    latest = int(arr_s.max()) if len(arr_s) else 0
    small = (latest + 2) * SHIFT < SMALL_INF
    # The scan numbers trips in the order it meets them (values do not depend on the numbers).
    new_id = kernels.trips_by_last_use(trip.astype(np.int32, copy=False), tt.n_trips)
    by_new_id = np.empty(tt.n_trips, dtype=np.int64)
    by_new_id[new_id] = np.arange(tt.n_trips, dtype=np.int64)
    return _Inputs(
        static=(
            dep_stop.astype(np.int32, copy=False),
            arr_stop.astype(np.int32, copy=False),
            dep_s.astype(np.int64, copy=False),
            arr_s.astype(np.int64, copy=False),
            new_id[trip].astype(np.int32),
            can_board.astype(bool, copy=False),
            can_alight.astype(bool, copy=False),
            tt.trip_is_special[by_new_id].astype(bool),
            tt.trip_feed[by_new_id].astype(np.int32),
            feed.trip_route.astype(np.int32),
            tt.link_start.astype(np.int64),
            tt.link_to.astype(np.int32),
            tt.link_s.astype(np.int64),
            rule_start,
            table[:, 0].astype(np.int32),
            table[:, 1].astype(np.int32),
            table[:, 2].astype(np.int32),
            table[:, 3].astype(np.int32),
            table[:, 4].astype(np.int64),
            prof_start,
            sp_slot,
        ),
        dtype=np.int32 if small else np.int64,
        inf=SMALL_INF if small else INF,
        connections=connections,
    )


def scan(
    timetable: Timetable,
    destinations: Sequence[Collection[int]],
    rows: IntArray,
    *,
    work: WorkSpace | None = None,
    inputs: _Inputs | None = None,
) -> tuple[npt.NDArray[Any], int]:
    """Run one backward scan for several destinations at once.

    Returns (values, inf): values[i, d] is the packed best (arrival, changes) at destination d
    when boarding connection rows[i] (inf where it cannot be reached). Rows count among the
    connections of `inputs` (by default all of the timetable's).
    """
    tt = timetable
    inputs = inputs or _inputs(tt)
    n_stops = tt.feed.n_stops
    pairs = sorted({(int(s), lane) for lane, stops in enumerate(destinations) for s in stops})
    target_stop = np.asarray([p[0] for p in pairs], dtype=np.int64)
    target_lane = np.asarray([p[1] for p in pairs], dtype=np.int32)
    target_start = np.searchsorted(target_stop, np.arange(n_stops + 1)).astype(np.int64)
    out_row = np.full(len(inputs.static[DEP_S]), -1, dtype=np.int64)
    out_row[rows] = np.arange(len(rows), dtype=np.int64)
    lanes = len(destinations)
    out = np.empty((len(rows), lanes), dtype=inputs.dtype)
    inf = inputs.dtype(inputs.inf)
    if lanes:
        if work is None:
            cached = tt.scan_cache.get("work")
            if (
                not isinstance(cached, tuple)
                or len(cached[0]) < tt.n_trips * lanes
                or len(cached[3]) < int(inputs.static[PROF_START][-1]) * lanes
            ):
                cached = _new_work_space(tt, inputs, lanes)
                tt.scan_cache["work"] = cached
            work = cached
        run: Callable[..., None] = kernels.profile_scan
        run(
            *inputs.static,
            target_start,
            target_lane,
            out_row,
            out,
            inf,
            *_shaped(tt, inputs, lanes, work),
        )
    return out, inputs.inf


def _new_work_space(tt: Timetable, inputs: _Inputs, lanes: int) -> WorkSpace:
    """Arrays a scan of up to `lanes` destinations overwrites; reused from scan to scan.

    numpy maps large arrays on huge pages where the system allows, and reuse saves the page
    faults of fresh memory: both matter, since the scan reads and writes them at random.
    """
    rows = int(inputs.static[PROF_START][-1])
    return (
        np.empty(tt.n_trips * lanes, dtype=inputs.dtype),
        np.empty(rows, dtype=np.int64),
        np.empty(rows, dtype=np.int64),
        np.empty(rows * lanes, dtype=inputs.dtype),
    )


def _shaped(
    tt: Timetable,
    inputs: _Inputs,
    lanes: int,
    work: WorkSpace,
) -> WorkSpace:
    seated, prof_dep, prof_pos, prof_val = work
    rows = int(inputs.static[PROF_START][-1])
    # A work space made for 64-bit values serves 32-bit ones too, viewed as twice as many.
    return (
        seated.view(inputs.dtype)[: tt.n_trips * lanes].reshape(tt.n_trips, lanes),
        prof_dep,
        prof_pos,
        prof_val.view(inputs.dtype)[: rows * lanes].reshape(rows, lanes),
    )


def board_values(timetable: Timetable, destination_stops: Iterable[int]) -> IntArray:
    """Return, per connection, the packed best (arrival, changes) at the destination when boarding it."""
    rows = np.arange(timetable.n_connections, dtype=np.int64)
    values, inf = scan(timetable, [list(destination_stops)], rows)
    result = values[:, 0].astype(np.int64)
    result[result >= inf] = INF
    return result


def journeys_from_values(
    timetable: Timetable, values: IntArray, origin_stops: Collection[int]
) -> list[Journey]:
    """Return the Pareto-optimal journeys from the origin stops, given board_values of a destination."""
    tt = timetable
    origin = np.zeros(tt.feed.n_stops, dtype=bool)
    origin[list(origin_stops)] = True
    mask = tt.can_board & origin[tt.dep_stop] & (tt.dep_s < DAY_S) & (values < INF)
    chosen = np.flatnonzero(mask)
    if not chosen.size:
        return []
    dep = tt.dep_s[chosen]
    val = values[chosen]
    # Connections are sorted by departure: reduce each departure time to its best value.
    bounds = np.flatnonzero(np.diff(dep)) + 1
    starts = np.concatenate(([0], bounds))
    group_dep = dep[starts]
    group_val = np.minimum.reduceat(val, starts)
    result: list[Journey] = []
    best_arrival = INF
    for d, value in zip(group_dep[::-1].tolist(), group_val[::-1].tolist(), strict=True):
        arrival = value // SHIFT
        if arrival < best_arrival:
            best_arrival = arrival
            result.append(Journey(d, arrival, value % SHIFT))
    result.reverse()
    return result


def journeys(
    timetable: Timetable, origin_stops: Collection[int], destination_stops: Collection[int]
) -> list[Journey]:
    """Return the Pareto-optimal journeys from any origin stop to any destination stop, by departure."""
    found = journeys_between(timetable, {0: origin_stops}, {1: destination_stops})
    return found[(0, 1)]


def journeys_to[K: Hashable](
    timetable: Timetable, origins: Mapping[K, Collection[int]], destination_stops: Collection[int]
) -> dict[K, list[Journey]]:
    """Return the journeys from every origin place to one destination, from a single scan."""
    found = journeys_between(timetable, origins, {None: destination_stops})
    return {key: found[(key, None)] for key in origins}


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
) -> dict[tuple[K, L], list[Journey]]:
    """Return the journeys from every origin to every destination (pairs of one place included).

    The destinations are scanned together, up to `lanes` in one backward scan; only boardings
    at the origins' stops before 24:00 are kept from each scan.
    """
    tt = timetable
    result: dict[tuple[K, L], list[Journey]] = {}
    for key, names, (lane_start, dep, arr, chg) in pareto_between(
        tt, origins, destinations, lanes=lanes
    ):
        dep_list, arr_list, chg_list = dep.tolist(), arr.tolist(), chg.tolist()
        bounds = lane_start.tolist()
        for lane, destination in enumerate(names):
            lo, hi = bounds[lane], bounds[lane + 1]
            result[(key, destination)] = list(
                map(
                    Journey._make,
                    zip(dep_list[lo:hi], arr_list[lo:hi], chg_list[lo:hi], strict=True),
                )
            )
    return result


def pareto_between[K: Hashable, L: Hashable](
    timetable: Timetable,
    origins: Mapping[K, Collection[int]],
    destinations: Mapping[L, Collection[int]],
    *,
    lanes: int = LANES,
    threads: int = THREADS,
) -> Iterator[tuple[K, list[L], tuple[IntArray, IntArray, IntArray, IntArray]]]:
    """Yield (origin, destinations, Pareto journeys as arrays, see kernels.pareto) per batch.

    Every (origin, destination) pair is yielded once; a destination without stops comes in a
    batch of its own, scanned by no one, with no journeys.
    """
    board = boardings(timetable, origins, destinations)
    keys = list(origins)

    def reduce(values: npt.NDArray[Any]) -> list[tuple[IntArray, IntArray, IntArray, IntArray]]:
        return [
            kernels.pareto(board.departures[rows], values[rows], board.inf)
            for rows in board.rows_of_origins()
        ]

    unserved = [name for name, stops in destinations.items() if not stops]
    if unserved:
        empty = np.zeros(0, dtype=np.int64)
        nothing = (np.zeros(len(unserved) + 1, dtype=np.int64), empty, empty, empty)
        for key in keys:
            yield key, unserved, nothing
    for batch, found in _scan_batches(timetable, board, destinations, reduce, lanes, threads):
        for key, journeys_of_key in zip(keys, found, strict=True):
            yield key, batch, journeys_of_key


def boardings(
    timetable: Timetable,
    origins: Mapping[Any, Collection[int]],
    destinations: Mapping[Any, Collection[int]],
) -> _Boardings:
    """What scans from the origins towards the destinations cover (see _Boardings)."""
    return _Boardings.of(timetable, origins, destinations)


@dataclass
class _Boardings:
    """The connections a scan between places covers, and the origins' boardings among them."""

    inputs: _Inputs
    # Rows among the scanned connections of the boardings at any origin before 24:00.
    rows: IntArray
    departures: IntArray
    # Origin o's boardings: positions origin_rows[origin_start[o]:origin_start[o + 1]] of rows.
    origin_start: IntArray
    origin_rows: IntArray
    inf: Any

    @classmethod
    def of(
        cls,
        tt: Timetable,
        origins: Mapping[Any, Collection[int]],
        destinations: Mapping[Any, Collection[int]],
    ) -> _Boardings:
        terminals = frozenset(
            int(s) for stops in (*origins.values(), *destinations.values()) for s in stops
        )
        inputs = _inputs(tt, terminals)
        member_start, member_origin = stop_members(tt.feed.n_stops, list(origins.values()))
        rows, departures, origin_start, origin_rows = kernels.origin_boardings(
            inputs.static[DEP_STOP],
            inputs.static[CAN_BOARD],
            inputs.static[DEP_S],
            DAY_S,
            member_start,
            member_origin,
            len(origins),
        )
        return cls(
            inputs=inputs,
            rows=rows,
            departures=departures,
            origin_start=origin_start,
            origin_rows=origin_rows,
            inf=inputs.dtype(inputs.inf),
        )

    def rows_of_origins(self) -> list[IntArray]:
        """Each origin's boardings, as positions of rows, in the order of the origins."""
        bounds = self.origin_start.tolist()
        return [self.origin_rows[lo:hi] for lo, hi in itertools.pairwise(bounds)]


def _scan_batches[L: Hashable, R](
    tt: Timetable,
    board: _Boardings,
    destinations: Mapping[L, Collection[int]],
    reduce: Callable[[npt.NDArray[Any]], R],
    lanes: int,
    threads: int,
) -> Iterator[tuple[list[L], R]]:
    """Scan the served destinations in batches of up to `lanes`; yield (batch, reduce(values)).

    values[i, lane] is the packed best at the lane's destination when boarding board.rows[i].
    """
    served = [name for name, stops in destinations.items() if stops]
    # At least one batch per thread: each scans fewer lanes, side by side.
    n_batches = min(len(served), max(-(-len(served) // lanes), threads))
    batches = [served[b::n_batches] for b in range(n_batches)]
    width = max((len(batch) for batch in batches), default=0)
    spaces: queue.Queue[WorkSpace] = queue.Queue()
    workers = max(1, min(threads, n_batches))
    for _ in range(workers):
        spaces.put(_new_work_space(tt, board.inputs, width))

    def run(batch: list[L]) -> R:
        work = spaces.get()
        try:
            values, _ = scan(
                tt,
                [destinations[name] for name in batch],
                board.rows,
                work=work,
                inputs=board.inputs,
            )
        finally:
            spaces.put(work)
        return reduce(values)

    if workers == 1:
        for batch in batches:
            yield batch, run(batch)
        return
    # The compiled code releases the GIL: scan batches side by side, one work space each.
    with ThreadPoolExecutor(max_workers=workers) as pool:
        yield from zip(batches, pool.map(run, batches), strict=True)


def scan_stats(
    timetable: Timetable,
    board: _Boardings,
    destinations: Sequence[Collection[int]],
    work: WorkSpace,
    *,
    arrive_by_s: int,
    leave_from_s: int,
) -> tuple[IntArray, npt.NDArray[np.float64]]:
    """One scan towards a batch of destinations, summarised by kernels.pareto_stats.

    In a timetable with a horizon (connections leaving after it left out), the SETTLED column
    tells which figures are exact.
    """
    values, _ = scan(timetable, destinations, board.rows, work=work, inputs=board.inputs)
    horizon = timetable.horizon_s if timetable.horizon_s is not None else -1
    return kernels.pareto_stats(
        board.departures,
        values,
        board.inf,
        board.origin_start,
        board.origin_rows,
        arrive_by_s,
        leave_from_s,
        horizon,
    )


def fits(work: WorkSpace, sizes: Iterable[tuple[Timetable, _Inputs]], lanes: int) -> bool:
    """Whether a work space serves scans of up to `lanes` destinations in these timetables."""
    seated, prof_dep, _, prof_val = work
    for tt, inputs in sizes:
        rows = int(inputs.static[PROF_START][-1])
        per = np.dtype(inputs.dtype).itemsize
        if (
            seated.nbytes < tt.n_trips * lanes * per
            or len(prof_dep) < rows
            or prof_val.nbytes < rows * lanes * per
        ):
            return False
    return True


def work_space(sizes: Iterable[tuple[Timetable, _Inputs]], lanes: int) -> WorkSpace:
    """A work space large enough for scans of up to `lanes` destinations in every timetable."""
    trips = max((tt.n_trips for tt, _ in sizes), default=0)
    rows = max((int(inputs.static[PROF_START][-1]) for _, inputs in sizes), default=0)
    # 64-bit, so that a scan of 32-bit values can view it as such (pages untouched are free).
    return (
        np.empty(trips * lanes, dtype=np.int64),
        np.empty(rows, dtype=np.int64),
        np.empty(rows, dtype=np.int64),
        np.empty(rows * lanes, dtype=np.int64),
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

"""The timetable of one date: connections sorted by departure, and the transfer rules between them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import numpy.typing as npt

from transit.geo import haversine_m
from transit.kernels import connections
from transit.links import feed_links, rule_seconds, walk_seconds
from transit.transfers import TransferRule

if TYPE_CHECKING:
    from transit.feed import Feed

IntArray = npt.NDArray[np.int64]
Int32Array = npt.NDArray[np.int32]
BoolArray = npt.NDArray[np.bool_]

DAY_S = 86_400
# A time no timetable reaches (for windows with one side open).
NEVER = 1 << 62
FORBIDDEN = -1


@dataclass
class Timetable:
    """Connections of one date, sorted by departure, with transfer links between stops.

    Times are seconds after midnight of the date; trips of the day before run at negative
    times and trips of the day after at times of 24:00 and later. A trip here is a trip
    instance: one run of a feed trip on one day (and, for frequencies, at one start time).
    """

    feed: Feed
    date: dt.date
    min_transfer_s: int
    walk_m: float
    # One row per connection (a vehicle going from one stop to the next), sorted by departure.
    dep_stop: Int32Array
    arr_stop: Int32Array
    dep_s: IntArray
    arr_s: IntArray
    trip: Int32Array
    can_board: BoolArray
    can_alight: BoolArray
    # One row per trip instance.
    trip_feed: Int32Array
    trip_shift_s: IntArray
    trip_is_special: BoolArray
    # Transfer links out of each stop (CSR): link_to[link_start[s]:link_start[s+1]] with the
    # default time in link_s (FORBIDDEN when only trip- or route-specific rules allow it).
    link_start: IntArray
    link_to: Int32Array
    link_s: IntArray
    # Rules naming a trip or a route, per (from_stop, to_stop), most specific first.
    special_rules: dict[tuple[int, int], list[TransferRule]] = field(default_factory=dict)
    _cache: dict[tuple[int, int, int, int], int] = field(default_factory=dict, repr=False)
    # What the compiled scan needs, made from the arrays above on first use (journeys.py).
    scan_cache: dict[str, object] = field(default_factory=dict, repr=False)
    # When set, only the connections that can matter for journeys between these stops are
    # here (see dead_end_stops); journeys between other stops need a full timetable.
    terminals: frozenset[int] | None = None
    # When set to (arrive_by_s, leave_from_s), only the connections arriving by the first or
    # leaving at the second or later (NEVER: none) are here: all that journeys arriving by the
    # first or leaving at the second or later use, and so exact for those journeys only.
    window: tuple[int, int] | None = None
    # When set, only the connections leaving by this time are here: exact for journeys that
    # arrive by then, too late or missing for others (see kernels.pareto_stats).
    horizon_s: int | None = None

    @property
    def n_connections(self) -> int:
        """Return the number of connections."""
        return len(self.dep_s)

    @property
    def n_trips(self) -> int:
        """Return the number of trip instances."""
        return len(self.trip_feed)

    def links(self, stop: int) -> list[tuple[int, int]]:
        """Return the (to_stop, default_transfer_s) links out of a stop; FORBIDDEN means none."""
        lo, hi = int(self.link_start[stop]), int(self.link_start[stop + 1])
        return [
            (int(w), int(s)) for w, s in zip(self.link_to[lo:hi], self.link_s[lo:hi], strict=True)
        ]

    def transfer_s(self, from_stop: int, to_stop: int, from_trip: int, to_trip: int) -> int:
        """Return the minimum transfer time between two trip instances, or FORBIDDEN."""
        from_feed = int(self.trip_feed[from_trip]) if from_trip >= 0 else -1
        to_feed = int(self.trip_feed[to_trip]) if to_trip >= 0 else -1
        return self.transfer_s_feed(from_stop, to_stop, from_feed, to_feed)

    def transfer_s_feed(self, from_stop: int, to_stop: int, from_feed: int, to_feed: int) -> int:
        """Like transfer_s, with feed trip indices; -1 stands for a trip no rule names."""
        key = (from_stop, to_stop, from_feed, to_feed)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        result = self._default_s(from_stop, to_stop)
        route = self.feed.trip_route
        from_route = int(route[from_feed]) if from_feed >= 0 else -2
        to_route = int(route[to_feed]) if to_feed >= 0 else -2
        for rule in self.special_rules.get((from_stop, to_stop), ()):
            if (
                (rule.from_trip < 0 or rule.from_trip == from_feed)
                and (rule.to_trip < 0 or rule.to_trip == to_feed)
                and (rule.from_route < 0 or rule.from_route == from_route)
                and (rule.to_route < 0 or rule.to_route == to_route)
            ):
                result = rule_seconds(rule, self._walk_s(from_stop, to_stop), self.min_transfer_s)
                break
        self._cache[key] = result
        return result

    def _default_s(self, from_stop: int, to_stop: int) -> int:
        lo, hi = int(self.link_start[from_stop]), int(self.link_start[from_stop + 1])
        hit = np.flatnonzero(self.link_to[lo:hi] == to_stop)
        return int(self.link_s[lo + int(hit[0])]) if hit.size else FORBIDDEN

    def _walk_s(self, from_stop: int, to_stop: int) -> int:
        feed = self.feed
        distance = float(
            haversine_m(
                float(feed.stop_lat[from_stop]),
                float(feed.stop_lon[from_stop]),
                feed.stop_lat[to_stop : to_stop + 1],
                feed.stop_lon[to_stop : to_stop + 1],
            )[0]
        )
        return walk_seconds(distance, self.min_transfer_s)


def build_timetable(
    feed: Feed,
    date: dt.date,
    *,
    min_transfer_s: int = 120,
    walk_m: float = 0.0,
    terminals: Collection[int] | None = None,
    window: tuple[int, int] | None = None,
    horizon_s: int | None = None,
) -> Timetable:
    """Build the timetable of a date from a feed (see Feed.timetable).

    With terminals, only the connections that can matter for journeys between those stops.
    With window (arrive_by_s, leave_from_s), only the connections arriving by the first or
    leaving at the second or later (NEVER for no such time): all that journeys arriving by
    arrive_by_s or leaving at leave_from_s or later use, and so exact for those journeys.
    With horizon_s, only the connections leaving by then: exact for journeys arriving by then.
    """
    if min_transfer_s < 0:
        raise ValueError("min_transfer_s must not be negative")
    if walk_m < 0:
        raise ValueError("walk_m must not be negative")
    ends = None if terminals is None else frozenset(int(s) for s in terminals)
    trip_feed, trip_shift = _trip_instances(feed, date)
    conn: tuple[npt.NDArray[Any], ...]
    if feed.frequencies:
        conn = _connections(feed, trip_feed, trip_shift)
    else:
        gone = None if ends is None else dead_stops(feed, ends, min_transfer_s, walk_m)
        conn = _connections_of_day(feed, date, gone, window, horizon_s)
    link_start, link_to, link_s, special = feed_links(feed, min_transfer_s, walk_m)

    special_trips = np.zeros(feed.n_trips, dtype=bool)
    special_routes = np.zeros(len(feed.route_ids), dtype=bool)
    for rules in special.values():
        for rule in rules:
            for t in (rule.from_trip, rule.to_trip):
                if t >= 0:
                    special_trips[t] = True
            for r in (rule.from_route, rule.to_route):
                if r >= 0:
                    special_routes[r] = True
    special_trips |= special_routes[feed.trip_route]

    timetable = Timetable(
        feed=feed,
        date=date,
        min_transfer_s=min_transfer_s,
        walk_m=walk_m,
        dep_stop=conn[0].astype(np.int32, copy=False),
        arr_stop=conn[1].astype(np.int32, copy=False),
        dep_s=conn[2],
        arr_s=conn[3],
        trip=conn[4].astype(np.int32, copy=False),
        can_board=conn[5].astype(bool, copy=False),
        can_alight=conn[6].astype(bool, copy=False),
        trip_feed=trip_feed.astype(np.int32),
        trip_shift_s=trip_shift,
        trip_is_special=special_trips[trip_feed],
        link_start=link_start,
        link_to=link_to,
        link_s=link_s,
        special_rules=special,
        terminals=ends if not feed.frequencies else None,
        window=window if not feed.frequencies else None,
        horizon_s=horizon_s if not feed.frequencies else None,
    )
    if feed.frequencies and (ends is not None or window is not None or horizon_s is not None):
        # Frequencies make trips as the timetable is built: leave connections out afterwards.
        timetable = _restricted(timetable, ends, window, horizon_s)
    return timetable


def _restricted(
    timetable: Timetable,
    terminals: frozenset[int] | None,
    window: tuple[int, int] | None,
    horizon_s: int | None,
) -> Timetable:
    """The timetable with only the connections that can matter (see build_timetable)."""
    tt = timetable
    keep = np.ones(tt.n_connections, dtype=bool)
    if terminals is not None:
        gone = dead_end_stops(
            tt.feed,
            terminals,
            tt.link_start,
            tt.link_to,
            tt.special_rules,
            no_boarding=tt.dep_stop[~tt.can_board],
            no_alighting=tt.arr_stop[~tt.can_alight],
        )
        keep &= ~gone[tt.dep_stop] & ~gone[tt.arr_stop]
    if window is not None:
        arrive_by_s, leave_from_s = window
        keep &= (tt.arr_s <= arrive_by_s) | (tt.dep_s >= leave_from_s)
    if horizon_s is not None:
        keep &= tt.dep_s <= horizon_s
    return dataclasses.replace(
        tt,
        dep_stop=tt.dep_stop[keep],
        arr_stop=tt.arr_stop[keep],
        dep_s=tt.dep_s[keep],
        arr_s=tt.arr_s[keep],
        trip=tt.trip[keep],
        can_board=tt.can_board[keep],
        can_alight=tt.can_alight[keep],
        _cache={},
        scan_cache={},
        terminals=terminals,
        window=window,
        horizon_s=horizon_s,
    )


def dead_stops(
    feed: Feed, terminals: frozenset[int], min_transfer_s: int, walk_m: float
) -> BoolArray:
    """The dead-end stops for journeys between terminals on any date (see dead_end_stops).

    Made once per feed, terminals and parameters on the graph of all the feed's trips, with
    every stop where some trip does not pick up or let off passengers kept: a superset of any
    date's, which only keeps more.
    """
    key = f"dead:{min_transfer_s}:{walk_m!r}"
    cached = feed.derived.get(key)
    if isinstance(cached, tuple) and cached[0] == terminals:
        return cast(BoolArray, cached[1])
    link_start, link_to, _, special = feed_links(feed, min_transfer_s, walk_m)
    gone = dead_end_stops(
        feed,
        terminals,
        link_start,
        link_to,
        special,
        no_boarding=feed.st_stop[feed.st_pickup == 1],
        no_alighting=feed.st_stop[feed.st_dropoff == 1],
    )
    feed.derived[key] = (terminals, gone)
    return gone


def dead_end_stops(
    feed: Feed,
    terminals: Collection[int],
    link_start: IntArray,
    link_to: Int32Array,
    special_rules: Mapping[tuple[int, int], object],
    *,
    no_boarding: npt.NDArray[np.integer[Any]],
    no_alighting: npt.NDArray[np.integer[Any]],
) -> BoolArray:
    """Return the stops that are dead ends for journeys between terminal stops.

    Stops are peeled off like leaves: a stop that is no terminal and touches (by connections and
    transfer links, in either direction) at most one other stop is a dead end. A journey that
    boards or alights in a dead-end tree must enter it and leave it through the one stop the
    tree hangs on, so leaving the vehicle there and boarding the one it comes back with arrives
    at the same time with fewer changes: such journeys never change the answer. That holds
    when the stop the tree hangs on is an ordinary one, so trees are never hung on a terminal
    (the departure time would move), nor on a stop with a pickup or drop-off restriction
    (no_boarding, no_alighting) or a transfers.txt rule; those stops are never peeled either.
    Connections into or inside a peeled tree can be dropped; a vehicle passing through keeps
    its other connections, and no connection at a terminal is ever dropped.

    The graph is that of all the feed's trips (a superset of any date's connections, which
    only keeps more stops) and of the transfer links.
    """
    n = feed.n_stops
    link_from = np.repeat(np.arange(n, dtype=np.int64), np.diff(link_start))
    to = link_to.astype(np.int64)
    low, high = np.minimum(link_from, to), np.maximum(link_from, to)
    links = low[low != high] * n + high[low != high]
    pairs = np.unique(np.concatenate((feed.stop_pairs(), links)))
    u, v = pairs // n, pairs % n
    ends = np.concatenate((u, v))
    others = np.concatenate((v, u))
    order = np.argsort(ends, kind="stable")
    start = np.searchsorted(ends[order], np.arange(n + 1)).tolist()
    neighbours = others[order].tolist()
    degree = np.diff(np.asarray(start)).tolist()

    blocked = np.zeros(n, dtype=bool)
    blocked[list(terminals)] = True
    blocked[no_boarding] = True
    blocked[no_alighting] = True
    for v_stop, w_stop in special_rules:
        blocked[[v_stop, w_stop]] = True
    for rule in feed.transfers:
        for stop in (rule.from_stop, rule.to_stop):
            blocked[stop] = True
            blocked[(feed.parent == stop) & (feed.location_type == 0)] = True
    is_blocked = blocked.tolist()

    removed = [False] * n
    stack = [s for s in range(n) if not is_blocked[s] and degree[s] <= 1]
    while stack:
        s = stack.pop()
        if removed[s] or degree[s] > 1:
            continue
        left = [t for t in neighbours[start[s] : start[s + 1]] if not removed[t]]
        if left and is_blocked[left[0]]:
            continue
        removed[s] = True
        for t in left:
            degree[t] -= 1
            if not is_blocked[t] and degree[t] <= 1:
                stack.append(t)
    return np.asarray(removed, dtype=bool)


def prepare(
    feed: Feed,
    *,
    min_transfer_s: int = 120,
    walk_m: float = 0.0,
    terminals: Collection[int] | None = None,
) -> None:
    """Make the feed's derived data that timetables with these parameters share (Feed.prepare)."""

    def compiled() -> None:
        feed.stop_pairs()
        if not feed.frequencies:
            _span(feed)

    # The stop pairs (compiled code, without the GIL) are made while the links are.
    side = threading.Thread(target=compiled)
    side.start()
    try:
        feed_links(feed, min_transfer_s, walk_m)
    finally:
        side.join()
    if not feed.frequencies and terminals is not None:
        dead_stops(feed, frozenset(int(s) for s in terminals), min_transfer_s, walk_m)


def _trip_instances(feed: Feed, date: dt.date) -> tuple[IntArray, IntArray]:
    """Return (feed trip, time shift) of every trip run that can matter on the date."""
    has_frequencies = np.zeros(feed.n_trips, dtype=bool)
    for frequency in feed.frequencies:
        has_frequencies[frequency.trip] = True
    first_dep = np.full(feed.n_trips, -1, dtype=np.int64)
    last_arr = np.full(feed.n_trips, -1, dtype=np.int64)
    nonempty = feed.trip_start[1:] > feed.trip_start[:-1]
    first_dep[nonempty] = feed.st_dep[feed.trip_start[:-1][nonempty]]
    last_arr[nonempty] = feed.st_arr[feed.trip_start[1:][nonempty] - 1]
    latest = int(last_arr.max()) if feed.n_trips else 0
    for frequency in feed.frequencies:
        span = int(last_arr[frequency.trip] - first_dep[frequency.trip])
        latest = max(latest, frequency.end_s + span)
    trips: list[IntArray] = []
    shifts: list[IntArray] = []
    # Trips of earlier days matter while they still run after midnight of the date.
    for offset in range(-(latest // DAY_S), 2):
        day = date + dt.timedelta(days=offset)
        running = feed.services_on(day)[feed.trip_service] & nonempty
        plain = np.flatnonzero(running & ~has_frequencies)
        trips.append(plain.astype(np.int64))
        shifts.append(np.full(len(plain), offset * DAY_S, dtype=np.int64))
        for frequency in feed.frequencies:
            if not running[frequency.trip]:
                continue
            starts = np.arange(
                frequency.start_s, frequency.end_s, frequency.headway_s, dtype=np.int64
            )
            trips.append(np.full(len(starts), frequency.trip, dtype=np.int64))
            shifts.append(starts - first_dep[frequency.trip] + offset * DAY_S)
    return np.concatenate(trips), np.concatenate(shifts)


def _connections(
    feed: Feed, trip_feed: IntArray, trip_shift: IntArray
) -> tuple[IntArray, IntArray, IntArray, IntArray, IntArray, IntArray, IntArray]:
    """Expand trip instances into connections sorted by (departure, arrival, trip, position)."""
    start = feed.trip_start[trip_feed]
    count = np.maximum(feed.trip_start[trip_feed + 1] - start - 1, 0)
    # A run whose last connection leaves before midnight of the date has nothing to offer.
    last_dep = feed.st_dep[np.maximum(start + count - 1, 0)] + trip_shift if len(start) else start
    count[last_dep < 0] = 0
    instance = np.repeat(np.arange(len(trip_feed), dtype=np.int64), count)
    # Row of the departure stop_time: start of its trip plus its position in the trip.
    offsets = np.cumsum(count) - count
    position = np.arange(int(count.sum()), dtype=np.int64) - np.repeat(offsets, count)
    row = np.repeat(start, count) + position
    shift = trip_shift[instance]
    dep = feed.st_dep[row] + shift
    arr = feed.st_arr[row + 1] + shift
    # Nobody can board a connection that leaves before midnight of the date.
    keep = dep >= 0
    row, instance, dep, arr = row[keep], instance[keep], dep[keep], arr[keep]
    # Rows are made in (instance, row) order, so a stable sort by (departure, arrival) gives
    # the order (departure, arrival, instance, row).
    if len(dep):
        span = int((arr - dep).max()) + 1
        order = np.argsort(dep * span + (arr - dep), kind="stable")
    else:
        order = np.zeros(0, dtype=np.int64)
    row, instance, dep, arr = row[order], instance[order], dep[order], arr[order]
    return (
        feed.st_stop[row].astype(np.int64),
        feed.st_stop[row + 1].astype(np.int64),
        dep,
        arr,
        instance,
        (feed.st_pickup[row] != 1).astype(np.int64),
        (feed.st_dropoff[row + 1] != 1).astype(np.int64),
    )


def _span(feed: Feed) -> int:
    """A number of seconds above every connection's travel time (made once per feed)."""
    cached = feed.derived.get("span")
    if isinstance(cached, int):
        return cached
    ends = np.ones(max(len(feed.st_dep) - 1, 0), dtype=bool)
    last = feed.trip_start[1:-1] - 1
    ends[last[(last >= 0) & (last < len(ends))]] = False
    travel = feed.st_arr[1:][ends] - feed.st_dep[:-1][ends]
    span = int(travel.max()) + 1 if len(travel) else 1
    feed.derived["span"] = span
    return span


def trips_running(feed: Feed, date: dt.date) -> tuple[BoolArray, IntArray]:
    """The trips with stop_times running on each day that matters for the date.

    Returns (running, shifts): running[p, trip] for the days from the earliest whose trips
    still run after midnight of the date to the day after it, and each day's time shift.
    """
    nonempty = feed.trip_start[1:] > feed.trip_start[:-1]
    latest = int(feed.st_arr[feed.trip_start[1:][nonempty] - 1].max()) if nonempty.any() else 0
    offsets = range(-(latest // DAY_S), 2)
    running = np.empty((len(offsets), feed.n_trips), dtype=bool)
    for p, offset in enumerate(offsets):
        day = date + dt.timedelta(days=offset)
        running[p] = feed.services_on(day)[feed.trip_service] & nonempty
    shifts = np.asarray([offset * DAY_S for offset in offsets], dtype=np.int64)
    return running, shifts


def _connections_of_day(
    feed: Feed,
    date: dt.date,
    gone: BoolArray | None = None,
    window: tuple[int, int] | None = None,
    horizon_s: int | None = None,
) -> tuple[Int32Array, Int32Array, IntArray, IntArray, Int32Array, BoolArray, BoolArray]:
    """What _connections gives for a feed without frequencies, made in one compiled pass.

    Trip instances are numbered as _trip_instances numbers them (day by day, by trip), and
    connections touching a stop with gone[stop] are left out, as are those outside the
    window or leaving after the horizon (see build_timetable).
    """
    arrive_by_s, leave_from_s = window if window is not None else (NEVER, NEVER)
    running, shifts = trips_running(feed, date)
    counts = running.sum(axis=1)
    first_instance = (np.cumsum(counts) - counts).astype(np.int64)
    return connections.day_connections(
        feed.trip_start.astype(np.int64, copy=False),
        feed.st_stop.astype(np.int32, copy=False),
        feed.st_dep.astype(np.int64, copy=False),
        feed.st_arr.astype(np.int64, copy=False),
        feed.st_pickup.astype(np.int8, copy=False),
        feed.st_dropoff.astype(np.int8, copy=False),
        running,
        first_instance,
        shifts,
        np.zeros(0, dtype=bool) if gone is None else gone,
        _span(feed),
        arrive_by_s,
        leave_from_s,
        NEVER if horizon_s is None else horizon_s,
    )

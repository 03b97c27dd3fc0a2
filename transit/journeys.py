"""Journeys between places: a profile Connection Scan towards one destination.

One backward scan over the connections (latest departure first) computes, for every
connection one may board, the earliest arrival at the destination when boarding it, and the
fewest vehicle changes that reach that arrival. The journeys from any origin then follow from
the boardings at the origin's stops, so one scan serves every origin at once.

Values are packed into one integer, arrival_s * 256 + changes, so that the lexicographic
minimum of (arrival, changes) is an ordinary minimum and one more change is + 1.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Collection, Hashable, Iterable, Mapping
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from transit.timetable import DAY_S, FORBIDDEN, Timetable

IntArray = npt.NDArray[np.int64]

SHIFT = 256
INF = 1 << 62


class Journey(NamedTuple):
    """A Pareto-optimal journey: leave at departure_s, arrive at arrival_s, with transfers changes."""

    departure_s: int
    arrival_s: int
    transfers: int

    @property
    def duration_s(self) -> int:
        """Return the travel time in seconds."""
        return self.arrival_s - self.departure_s


def board_values(timetable: Timetable, destination_stops: Iterable[int]) -> IntArray:
    """Return, per connection, the packed best (arrival, changes) at the destination when boarding it."""
    tt = timetable
    targets = set(destination_stops)
    n = tt.n_connections
    dep_stop = tt.dep_stop.tolist()
    arr_stop = tt.arr_stop.tolist()
    dep_s = tt.dep_s.tolist()
    arr_s = tt.arr_s.tolist()
    trip = tt.trip.tolist()
    can_board = tt.can_board.tolist()
    can_alight = tt.can_alight.tolist()
    is_special = tt.trip_is_special.tolist()
    trip_feed = tt.trip_feed.tolist()
    link_start = tt.link_start.tolist()
    link_to = tt.link_to.tolist()
    link_s = tt.link_s.tolist()
    transfer_s_feed = tt.transfer_s_feed

    seated: list[int] = [INF] * tt.n_trips
    values = [INF] * n
    # Per stop, boardings of trips no special rule names: a Pareto profile appended in order
    # of decreasing departure, each entry better than all before it.
    prof_neg_dep: list[list[int]] = [[] for _ in range(tt.feed.n_stops)]
    prof_val: list[list[int]] = [[] for _ in range(tt.feed.n_stops)]
    # Per stop, every boarding of a trip a special rule names: (departure, trip, value).
    special: list[list[tuple[int, int, int]]] = [[] for _ in range(tt.feed.n_stops)]

    def evaluate(c: int) -> int:
        y: int = trip[c]
        best: int = seated[y]
        if not can_alight[c]:
            return best
        v = arr_stop[c]
        a = arr_s[c]
        if v in targets:
            best = min(best, a * SHIFT)
        y_special = is_special[y]
        y_feed = trip_feed[y]
        for k in range(link_start[v], link_start[v + 1]):
            w = link_to[k]
            wait = transfer_s_feed(v, w, y_feed, -1) if y_special else link_s[k]
            if wait != FORBIDDEN and prof_val[w]:
                j = bisect_right(prof_neg_dep[w], -(a + wait))
                if j:
                    best = min(best, prof_val[w][j - 1] + 1)
            for dep, other, value in special[w]:
                if dep < a:
                    break
                if value + 1 >= best or other == y:
                    continue
                wait = transfer_s_feed(v, w, y_feed, trip_feed[other])
                if wait != FORBIDDEN and dep >= a + wait:
                    best = value + 1
        return best

    def record(c: int, value: int) -> None:
        y = trip[c]
        seated[y] = value
        values[c] = value
        if not can_board[c] or value >= INF:
            return
        w = dep_stop[c]
        if is_special[y]:
            special[w].append((dep_s[c], y, value))
        elif not prof_val[w] or value < prof_val[w][-1]:
            prof_neg_dep[w].append(-dep_s[c])
            prof_val[w].append(value)

    # Groups of connections with one departure time, latest first.
    dep_array = tt.dep_s
    bounds = np.flatnonzero(np.diff(dep_array)) + 1
    starts = np.concatenate(([0], bounds)).tolist() if n else []
    ends = np.concatenate((bounds, [n])).tolist() if n else []
    zero = (tt.arr_s == tt.dep_s).tolist()
    for lo, hi in zip(reversed(starts), reversed(ends), strict=True):
        if not any(zero[lo:hi]):
            for c in range(hi - 1, lo - 1, -1):
                record(c, evaluate(c))
            continue
        # A connection that takes no time can feed a change to another that leaves at the same
        # instant, in an order the sort cannot know: repeat the group until nothing improves.
        group_trips = {trip[c] for c in range(lo, hi)}
        saved = {y: seated[y] for y in group_trips}
        previous: list[int] | None = None
        while True:
            for y, value in saved.items():
                seated[y] = value
            current = []
            for c in range(hi - 1, lo - 1, -1):
                value = evaluate(c)
                record(c, value)
                current.append(value)
            if current == previous:
                break
            previous = current
    return np.asarray(values, dtype=np.int64)


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
    return journeys_from_values(timetable, board_values(timetable, destination_stops), origin_stops)


def journeys_to[K: Hashable](
    timetable: Timetable, origins: Mapping[K, Collection[int]], destination_stops: Collection[int]
) -> dict[K, list[Journey]]:
    """Return the journeys from every origin place to one destination, from a single scan."""
    values = board_values(timetable, destination_stops)
    return {key: journeys_from_values(timetable, values, stops) for key, stops in origins.items()}


def all_pairs[K: Hashable](
    timetable: Timetable, places: Mapping[K, Collection[int]]
) -> dict[tuple[K, K], list[Journey]]:
    """Return the journeys between every ordered pair of different places (one scan per destination)."""
    result: dict[tuple[K, K], list[Journey]] = {}
    for destination, stops in places.items():
        if not stops:
            for origin in places:
                if origin != destination:
                    result[(origin, destination)] = []
            continue
        origins = {k: v for k, v in places.items() if k != destination}
        for origin, found in journeys_to(timetable, origins, stops).items():
            result[(origin, destination)] = found
    return result

"""Compiled counting of direct trips between places."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from transit.kernels import I32, I64, Bools, jit
from transit.kernels.connections import radix_argsort


@jit
def is_member(member_start: I64, member_place: I64, stop: int, place: int) -> bool:
    """Whether the stop is one of the place's (see places.stop_members)."""
    found = False
    for m in range(member_start[stop], member_start[stop + 1]):
        found |= member_place[m] == place
    return found


@jit
def direct_counts(
    dep_stop: I32,
    arr_stop: I32,
    dep_s: I64,
    trip: I32,
    can_board: Bools,
    can_alight: Bools,
    member_start: I64,
    member_place: I64,
    n_places: int,
    window_end: int,
    overlap: Bools,
) -> I64:
    """Count, per (origin, destination) place, the trip instances boarded at one and later left at the other.

    Where overlap[o, d] (the places share stops), only d's stops that are not o's count.

    Connections are sorted by departure (within a trip, that is its stop order). A place's
    stops are those s with place in member_place[member_start[s]:member_start[s + 1]]. A trip
    counts for (o, d) when its first boarding at o leaving in [0, window_end) comes at or
    before its last alighting at d.
    """
    n = dep_s.shape[0]
    n_board = 0
    n_alight = 0
    for c in range(n):
        if can_board[c] and 0 <= dep_s[c] < window_end:
            n_board += member_start[dep_stop[c] + 1] - member_start[dep_stop[c]]
        if can_alight[c]:
            n_alight += member_start[arr_stop[c] + 1] - member_start[arr_stop[c]]
    b_trip = np.empty(n_board, dtype=np.int64)
    b_place = np.empty(n_board, dtype=np.int64)
    b_conn = np.empty(n_board, dtype=np.int64)
    a_trip = np.empty(n_alight, dtype=np.int64)
    a_place = np.empty(n_alight, dtype=np.int64)
    a_conn = np.empty(n_alight, dtype=np.int64)
    i = 0
    j = 0
    for c in range(n):
        if can_board[c] and 0 <= dep_s[c] < window_end:
            v = dep_stop[c]
            for m in range(member_start[v], member_start[v + 1]):
                b_trip[i] = trip[c]
                b_place[i] = member_place[m]
                b_conn[i] = c
                i += 1
        if can_alight[c]:
            v = arr_stop[c]
            for m in range(member_start[v], member_start[v + 1]):
                a_trip[j] = trip[c]
                a_place[j] = member_place[m]
                a_conn[j] = c
                j += 1
    # Grouped by trip, each group in connection order (the sort is stable).
    b_order = radix_argsort(b_trip)
    a_order = radix_argsort(a_trip)
    counts = np.zeros((n_places, n_places), dtype=np.int64)
    first = np.full(n_places, -1, dtype=np.int64)
    last = np.full(n_places, -1, dtype=np.int64)
    x = 0
    z = 0
    while x < n_board:
        t = b_trip[b_order[x]]
        x_end = x
        while x_end < n_board and b_trip[b_order[x_end]] == t:
            x_end += 1
        while z < n_alight and a_trip[a_order[z]] < t:
            z += 1
        z_end = z
        while z_end < n_alight and a_trip[a_order[z_end]] == t:
            z_end += 1
        for k in range(x, x_end):
            e = b_order[k]
            if first[b_place[e]] < 0:
                first[b_place[e]] = b_conn[e]
        for k in range(z, z_end):
            e = a_order[k]
            last[a_place[e]] = a_conn[e]
        for o in range(n_places):
            if first[o] < 0:
                continue
            for d in range(n_places):
                if overlap[o, d]:
                    for k in range(z_end - 1, z - 1, -1):
                        e = a_order[k]
                        if a_conn[e] < first[o]:
                            break
                        if a_place[e] == d and not is_member(
                            member_start, member_place, arr_stop[a_conn[e]], o
                        ):
                            counts[o, d] += 1
                            break
                elif last[d] >= 0 and first[o] <= last[d]:
                    counts[o, d] += 1
        for k in range(x, x_end):
            first[b_place[b_order[k]]] = -1
        for k in range(z, z_end):
            last[a_place[a_order[k]]] = -1
        x = x_end
        z = z_end
    return counts


@jit
def direct_counts_of_trips(
    trip_start: I64,
    st_stop: I32,
    st_dep: I64,
    st_pickup: npt.NDArray[np.int8],
    st_dropoff: npt.NDArray[np.int8],
    running: Bools,
    shifts: I64,
    member_start: I64,
    member_place: I64,
    n_places: int,
    window_end: int,
    overlap: Bools,
) -> I64:
    """What direct_counts gives, from the stop_times of the trips running on each day.

    Trip t runs on day p when running[p, t], its times shifted by shifts[p]. A trip counts for
    (o, d) when it picks up at a stop of o leaving in [0, window_end) before it lets
    passengers off at a stop of d (its first such pickup and last such drop-off).
    """
    n_pieces, n_trips = running.shape
    counts = np.zeros((n_places, n_places), dtype=np.int64)
    first = np.full(n_places, -1, dtype=np.int64)
    last = np.full(n_places, -1, dtype=np.int64)
    for p in range(n_pieces):
        shift = shifts[p]
        for t in range(n_trips):
            lo = trip_start[t]
            hi = trip_start[t + 1]
            if not running[p, t] or hi - lo < 2:
                continue
            # No boarding in the window: the trip leaves its first stop too late, or leaves
            # its last stop but one before midnight.
            if st_dep[lo] + shift >= window_end or st_dep[hi - 2] + shift < 0:
                continue
            touched = False
            for r in range(lo, hi):
                v = st_stop[r]
                if member_start[v + 1] == member_start[v]:
                    continue
                departure = st_dep[r] + shift
                boards = r < hi - 1 and st_pickup[r] != 1 and 0 <= departure < window_end
                alights = r > lo and st_dropoff[r] != 1
                for m in range(member_start[v], member_start[v + 1]):
                    place = member_place[m]
                    if boards and first[place] < 0:
                        first[place] = r
                        touched = True
                    if alights:
                        last[place] = r
                        touched = True
            if not touched:
                continue
            for o in range(n_places):
                if first[o] < 0:
                    continue
                for d in range(n_places):
                    if overlap[o, d]:
                        # The last drop-off at a stop of d that is not one of o's.
                        for r in range(hi - 1, first[o], -1):
                            v = st_stop[r]
                            if (
                                st_dropoff[r] != 1
                                and not is_member(member_start, member_place, v, o)
                                and is_member(member_start, member_place, v, d)
                            ):
                                counts[o, d] += 1
                                break
                    elif last[d] > first[o]:
                        counts[o, d] += 1
            first[:] = -1
            last[:] = -1
    return counts

"""Compiled inner loops (numba): the profile connection scan and the reading of its results.

Kept apart from journeys.py so that the algorithm's Python-level description stays readable;
every function here works on plain numpy arrays only. Compiled code is cached on disk
(``cache=True``), so only the first run on a machine pays the compile time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import numba
import numpy as np
import numpy.typing as npt

I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]
Bools = npt.NDArray[np.bool_]
# Packed values (arrival_s * SHIFT + changes) are int32 or int64 arrays, chosen per timetable.
Values = npt.NDArray[Any]

SHIFT = 256
FORBIDDEN = -1


def jit[F: Callable[..., Any]](function: F) -> F:
    """Compile with numba (no Python objects, cached on disk, the GIL released)."""
    return cast(F, numba.njit(cache=True, nogil=True)(function))


@jit
def transfer_s(
    k: int,
    from_feed: int,
    from_route: int,
    to_feed: int,
    to_route: int,
    link_s: I64,
    rule_start: I64,
    rule_from_trip: I32,
    rule_to_trip: I32,
    rule_from_route: I32,
    rule_to_route: I32,
    rule_s: I64,
) -> int:
    """The transfer time over link k between two feed trips: the first rule that matches, or the default."""
    for r in range(rule_start[k], rule_start[k + 1]):
        if (
            (rule_from_trip[r] < 0 or rule_from_trip[r] == from_feed)
            and (rule_to_trip[r] < 0 or rule_to_trip[r] == to_feed)
            and (rule_from_route[r] < 0 or rule_from_route[r] == from_route)
            and (rule_to_route[r] < 0 or rule_to_route[r] == to_route)
        ):
            return int(rule_s[r])
    return int(link_s[k])


@jit
def profile_scan(
    dep_stop: I32,
    arr_stop: I32,
    dep_s: I64,
    arr_s: I64,
    trip: I32,
    can_board: Bools,
    can_alight: Bools,
    trip_special: Bools,
    trip_feed: I32,
    feed_route: I32,
    link_start: I64,
    link_to: I32,
    link_s: I64,
    rule_start: I64,
    rule_from_trip: I32,
    rule_to_trip: I32,
    rule_from_route: I32,
    rule_to_route: I32,
    rule_s: I64,
    prof_start: I64,
    sp_slot: I64,
    target_start: I64,
    target_lane: I32,
    out_row: I64,
    out: Values,
    inf: Any,
    seated: Values,
    prof_dep: I64,
    prof_pos: I64,
    prof_val: Values,
) -> None:
    """Backward profile connection scan towards several destinations ("lanes") at once.

    Fills out[out_row[c], lane] with the packed best (arrival, changes) at the lane's destination
    when boarding connection c (inf: unreachable), for every connection with out_row[c] >= 0.

    Per stop, boardings of trips no special rule names form a profile of entries in order of
    decreasing departure; each entry holds, per lane, the best value of all boardings at that
    departure or later plus one change, so the entry found by a binary search answers every
    lane. Boardings of
    trips a special rule names are kept one slot per connection in a list per stop.
    """
    n = dep_s.shape[0]
    lanes = out.shape[1]
    n_stops = prof_start.shape[0] - 1
    n_sp = 0
    for c in range(n):
        if sp_slot[c] >= 0:
            n_sp = max(n_sp, sp_slot[c] + 1)

    # seated (trips x lanes), prof_dep, prof_pos and prof_val (prof_start[-1] rows) are work space from
    # the caller: numpy maps large arrays on huge pages, and reusing them saves page faults.
    seated[:, :] = inf
    prof_len = np.zeros(n_stops, dtype=np.int64)
    log_len = 0
    sp_dep = np.zeros(n_sp, dtype=np.int64)
    sp_trip = np.zeros(n_sp, dtype=np.int64)
    sp_val = np.full((n_sp, lanes), inf, dtype=out.dtype)
    sp_next = np.full(n_sp, -1, dtype=np.int64)
    sp_used = np.zeros(n_sp, dtype=np.bool_)
    sp_head = np.full(n_stops, -1, dtype=np.int64)
    best = np.empty(lanes, dtype=out.dtype)
    later = np.empty(lanes, dtype=out.dtype)
    shift = SHIFT

    hi = n
    while hi > 0:
        departure = dep_s[hi - 1]
        lo = hi - 1
        while lo > 0 and dep_s[lo - 1] == departure:
            lo -= 1
        has_zero = False
        for c in range(lo, hi):
            if arr_s[c] == dep_s[c]:
                has_zero = True
        # A connection that takes no time can feed a change to another that leaves at the same
        # instant, in an order the sort cannot know: repeat such a group until nothing improves.
        size = hi - lo
        saved = np.empty((size if has_zero else 0, lanes), dtype=out.dtype)
        previous = np.empty((size if has_zero else 0, lanes), dtype=out.dtype)
        if has_zero:
            for i in range(size):
                saved[i, :] = seated[trip[lo + i], :]
        rounds = 0
        while True:
            if has_zero:
                for i in range(size):
                    seated[trip[lo + i], :] = saved[i, :]
            changed = False
            for c in range(hi - 1, lo - 1, -1):
                # ---- evaluate: the best value when boarding c
                y = trip[c]
                best[:] = seated[y]
                if can_alight[c]:
                    v = arr_stop[c]
                    a = arr_s[c]
                    here = a * shift
                    for t in range(target_start[v], target_start[v + 1]):
                        lane = target_lane[t]
                        if here < best[lane]:
                            best[lane] = here
                    y_special = trip_special[y]
                    y_feed = trip_feed[y]
                    y_route = feed_route[y_feed]
                    for k in range(link_start[v], link_start[v + 1]):
                        w = link_to[k]
                        if y_special:
                            wait = transfer_s(
                                k,
                                y_feed,
                                y_route,
                                -1,
                                -2,
                                link_s,
                                rule_start,
                                rule_from_trip,
                                rule_to_trip,
                                rule_from_route,
                                rule_to_route,
                                rule_s,
                            )
                        else:
                            wait = link_s[k]
                        count = prof_len[w]
                        if wait != FORBIDDEN and count > 0:
                            # The last entry leaving at limit or later: entries leave in
                            # decreasing order, and the answer is usually among the newest, so
                            # gallop back from the end and then bisect.
                            start = prof_start[w]
                            limit = a + wait
                            right = start + count - 1
                            found = right
                            if prof_dep[right] < limit:
                                step = 1
                                left = right - 1
                                while left >= start and prof_dep[left] < limit:
                                    right = left
                                    step *= 2
                                    left = right - step
                                if left < start:
                                    left = start - 1
                                # prof_dep[left] >= limit (or left before the start) > prof_dep[right]
                                while right - left > 1:
                                    middle = (left + right) >> 1
                                    if prof_dep[middle] >= limit:
                                        left = middle
                                    else:
                                        right = middle
                                found = left
                            if found >= start:
                                # Profile entries hold values one change later already.
                                row = prof_pos[found]
                                for lane in range(lanes):
                                    best[lane] = min(best[lane], prof_val[row, lane])
                        s = sp_head[w]
                        while s >= 0:
                            other = sp_trip[s]
                            if sp_dep[s] >= a and other != y:
                                other_feed = trip_feed[other]
                                wait = transfer_s(
                                    k,
                                    y_feed,
                                    y_route,
                                    other_feed,
                                    feed_route[other_feed],
                                    link_s,
                                    rule_start,
                                    rule_from_trip,
                                    rule_to_trip,
                                    rule_from_route,
                                    rule_to_route,
                                    rule_s,
                                )
                                if wait != FORBIDDEN and sp_dep[s] >= a + wait:
                                    for lane in range(lanes):
                                        value = sp_val[s, lane]
                                        if value < inf and value + 1 < best[lane]:
                                            best[lane] = value + 1
                            s = sp_next[s]
                # ---- record: the trip's seated value, the output and the boarding at the stop
                seated[y] = best
                if has_zero:
                    i = hi - 1 - c
                    for lane in range(lanes):
                        if rounds == 0 or previous[i, lane] != best[lane]:
                            changed = True
                        previous[i, lane] = best[lane]
                row = out_row[c]
                if row >= 0:
                    out[row] = best
                if not can_board[c]:
                    continue
                w = dep_stop[c]
                if trip_special[y]:
                    s = sp_slot[c]
                    any_value = False
                    for lane in range(lanes):
                        if best[lane] < sp_val[s, lane]:
                            sp_val[s, lane] = best[lane]
                        if best[lane] < inf:
                            any_value = True
                    if any_value and not sp_used[s]:
                        sp_used[s] = True
                        sp_dep[s] = dep_s[c]
                        sp_trip[s] = y
                        sp_next[s] = sp_head[w]
                        sp_head[w] = s
                    continue
                for lane in range(lanes):
                    later[lane] = best[lane] + 1
                count = prof_len[w]
                start = prof_start[w]
                if count > 0 and prof_dep[start + count - 1] == dep_s[c]:
                    row = prof_pos[start + count - 1]
                    for lane in range(lanes):
                        prof_val[row, lane] = min(prof_val[row, lane], later[lane])
                    continue
                improves = False
                if count == 0:
                    for lane in range(lanes):
                        improves |= best[lane] < inf
                else:
                    last = prof_pos[start + count - 1]
                    for lane in range(lanes):
                        improves |= later[lane] < prof_val[last, lane]
                if improves:
                    # Values go to one log in scan order (written in sequence, and recent rows,
                    # the ones looked up most, stay in cache); the stop keeps their position.
                    row = log_len
                    log_len += 1
                    prof_dep[start + count] = dep_s[c]
                    prof_pos[start + count] = row
                    if count == 0:
                        prof_val[row] = later
                    else:
                        for lane in range(lanes):
                            prof_val[row, lane] = min(prof_val[last, lane], later[lane])
                    prof_len[w] = count + 1
            rounds += 1
            if not has_zero or not changed:
                break
        hi = lo


@jit
def pareto(
    dep: I64, values: Values, inf: Any
) -> tuple[I64, npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Pareto journeys per lane from boardings sorted by departure and their packed values.

    Returns (lane_start, departure, arrival, changes): lane l's journeys, by departure, are
    rows lane_start[l]:lane_start[l + 1]. For each departure time the best value counts, and
    walking from the latest departure back, a departure is kept when it arrives earlier than
    every later one.
    """
    n, lanes = values.shape
    lane_start = np.zeros(lanes + 1, dtype=np.int64)
    j_dep = np.empty(16 + n, dtype=np.int64)
    j_arr = np.empty(j_dep.shape[0], dtype=np.int64)
    j_chg = np.empty(j_dep.shape[0], dtype=np.int64)
    used = 0
    for lane in range(lanes):
        first = used
        best_arrival = np.int64(1) << 62
        hi = n
        while hi > 0:
            departure = dep[hi - 1]
            lo = hi - 1
            while lo > 0 and dep[lo - 1] == departure:
                lo -= 1
            value = values[hi - 1, lane]
            for i in range(lo, hi - 1):
                if values[i, lane] < value:
                    value = values[i, lane]
            hi = lo
            if value >= inf:
                continue
            arrival = np.int64(value) // SHIFT
            if arrival < best_arrival:
                best_arrival = arrival
                if used == j_dep.shape[0]:
                    bigger = 2 * used
                    grown_dep = np.empty(bigger, dtype=np.int64)
                    grown_arr = np.empty(bigger, dtype=np.int64)
                    grown_chg = np.empty(bigger, dtype=np.int64)
                    grown_dep[:used] = j_dep[:used]
                    grown_arr[:used] = j_arr[:used]
                    grown_chg[:used] = j_chg[:used]
                    j_dep, j_arr, j_chg = grown_dep, grown_arr, grown_chg
                j_dep[used] = departure
                j_arr[used] = arrival
                j_chg[used] = np.int64(value) % SHIFT
                used += 1
        # Found from the latest departure back: put them in order of departure.
        j_dep[first:used] = j_dep[first:used][::-1].copy()
        j_arr[first:used] = j_arr[first:used][::-1].copy()
        j_chg[first:used] = j_chg[first:used][::-1].copy()
        lane_start[lane + 1] = used
    return lane_start, j_dep[:used], j_arr[:used], j_chg[:used]


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
) -> I64:
    """Count, per (origin, destination) place, the trip instances boarded at one and later left at the other.

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
                if last[d] >= 0 and first[o] <= last[d]:
                    counts[o, d] += 1
        for k in range(x, x_end):
            first[b_place[b_order[k]]] = -1
        for k in range(z, z_end):
            last[a_place[a_order[k]]] = -1
        x = x_end
        z = z_end
    return counts


U8 = npt.NDArray[np.uint8]


@jit
def _is_space(byte: int) -> bool:
    return byte == 32 or 9 <= byte <= 13


@jit
def _trimmed(offsets: I64, data: U8, i: int) -> tuple[int, int]:
    lo = offsets[i]
    hi = offsets[i + 1]
    while lo < hi and _is_space(data[lo]):
        lo += 1
    while hi > lo and _is_space(data[hi - 1]):
        hi -= 1
    return lo, hi


@jit
def parse_hms(offsets: I64, data: U8) -> tuple[I64, int]:
    """Parse H:MM:SS (1-3 hour digits) to seconds, -1 for an empty cell.

    Returns (seconds, first row that is neither; -1 if none). Only ASCII blanks are trimmed, so a
    row reported here may still be valid to the slower Unicode-aware path.
    """
    n = offsets.shape[0] - 1
    result = np.empty(n, dtype=np.int64)
    for i in range(n):
        lo, hi = _trimmed(offsets, data, i)
        length = hi - lo
        if length == 0:
            result[i] = -1
            continue
        if length < 7 or length > 9:
            return result, i
        hours = 0
        for p in range(lo, hi - 6):
            digit = data[p] - 48
            if digit < 0 or digit > 9:
                return result, i
            hours = hours * 10 + digit
        c1 = data[hi - 6]
        m1 = data[hi - 5] - 48
        m2 = data[hi - 4] - 48
        c2 = data[hi - 3]
        s1 = data[hi - 2] - 48
        s2 = data[hi - 1] - 48
        if c1 != 58 or c2 != 58:
            return result, i
        if not (0 <= m1 <= 5 and 0 <= m2 <= 9 and 0 <= s1 <= 5 and 0 <= s2 <= 9):
            return result, i
        result[i] = hours * 3600 + (m1 * 10 + m2) * 60 + s1 * 10 + s2
    return result, -1


@jit
def parse_uint(offsets: I64, data: U8) -> tuple[I64, int]:
    """Parse unsigned decimal integers (at most 18 digits); returns (values, first bad row or -1)."""
    n = offsets.shape[0] - 1
    result = np.empty(n, dtype=np.int64)
    for i in range(n):
        lo, hi = _trimmed(offsets, data, i)
        if hi == lo or hi - lo > 18:
            return result, i
        value = 0
        for p in range(lo, hi):
            digit = data[p] - 48
            if digit < 0 or digit > 9:
                return result, i
            value = value * 10 + digit
        result[i] = value
    return result, -1


@jit
def parse_flag(offsets: I64, data: U8) -> npt.NDArray[np.int8]:
    """Map a trimmed "1", "2" or "3" to that number and anything else to 0 (pickup_type etc.)."""
    n = offsets.shape[0] - 1
    result = np.zeros(n, dtype=np.int8)
    for i in range(n):
        lo, hi = _trimmed(offsets, data, i)
        if hi - lo == 1 and 49 <= data[lo] <= 51:
            result[i] = data[lo] - 48
    return result


@jit
def _day_rows(
    trip_start: I64,
    st_stop: I32,
    st_dep: I64,
    st_arr: I64,
    running: Bools,
    first_instance: I64,
    shifts: I64,
    gone: Bools,
    span: int,
    arrive_by: int,
    leave_from: int,
    depart_by: int,
    fill: bool,
    key: I64,
    row: I64,
    instance_of: I64,
    shift_of: I64,
) -> int:
    """The connections day_connections keeps, in (instance, position) order; returns how many.

    With fill, writes each one's sort key, first stop_times row, trip instance and shift.
    """
    n_pieces, n_trips = running.shape
    everything = gone.shape[0] == 0
    i = 0
    for p in range(n_pieces):
        shift = shifts[p]
        instance = first_instance[p] - 1
        for t in range(n_trips):
            if not running[p, t]:
                continue
            instance += 1
            # Trips of an earlier day mostly end before midnight: skip them whole.
            if st_dep[max(trip_start[t + 1] - 2, 0)] + shift < 0:
                continue
            for r in range(trip_start[t], trip_start[t + 1] - 1):
                departure = st_dep[r] + shift
                if departure < 0 or departure > depart_by:
                    continue
                if not everything and (gone[st_stop[r]] or gone[st_stop[r + 1]]):
                    continue
                if st_arr[r + 1] + shift > arrive_by and departure < leave_from:
                    continue
                if fill:
                    # A stable sort of these keys keeps (instance, position) among equals.
                    key[i] = departure * span + (st_arr[r + 1] - st_dep[r])
                    row[i] = r
                    instance_of[i] = instance
                    shift_of[i] = shift
                i += 1
    return i


@jit
def day_connections(
    trip_start: I64,
    st_stop: I32,
    st_dep: I64,
    st_arr: I64,
    st_pickup: npt.NDArray[np.int8],
    st_dropoff: npt.NDArray[np.int8],
    running: Bools,
    first_instance: I64,
    shifts: I64,
    gone: Bools,
    span: int,
    arrive_by: int,
    leave_from: int,
    depart_by: int,
) -> tuple[I32, I32, I64, I64, I32, Bools, Bools]:
    """The connections of a date, sorted by (departure, arrival, trip instance, position).

    Piece p is a day: the trips with running[p, trip], shifted by shifts[p] seconds, numbered
    as instances from first_instance[p] in trip order; of each, the connections (consecutive
    stop_times) that leave at 0 or later after the shift and touch no stop with gone[stop]
    (none when gone is empty), that arrive by arrive_by or leave at leave_from or later, and
    that leave by depart_by (after the shift). span exceeds every travel time. Returns
    (dep_stop, arr_stop, dep_s, arr_s, trip instance, can_board, can_alight).
    """
    # Counted first, then made: one pass of _day_rows each.
    nothing = np.empty(0, dtype=np.int64)
    n = _day_rows(
        trip_start, st_stop, st_dep, st_arr, running, first_instance, shifts, gone, span,
        arrive_by, leave_from, depart_by, False, nothing, nothing, nothing, nothing,
    )  # fmt: skip
    key = np.empty(n, dtype=np.int64)
    row = np.empty(n, dtype=np.int64)
    instance_of = np.empty(n, dtype=np.int64)
    shift_of = np.empty(n, dtype=np.int64)
    _day_rows(
        trip_start, st_stop, st_dep, st_arr, running, first_instance, shifts, gone, span,
        arrive_by, leave_from, depart_by, True, key, row, instance_of, shift_of,
    )  # fmt: skip
    order = radix_argsort(key)
    dep_stop = np.empty(n, dtype=np.int32)
    arr_stop = np.empty(n, dtype=np.int32)
    dep_s = np.empty(n, dtype=np.int64)
    arr_s = np.empty(n, dtype=np.int64)
    trip = np.empty(n, dtype=np.int32)
    can_board = np.empty(n, dtype=np.bool_)
    can_alight = np.empty(n, dtype=np.bool_)
    for i in range(n):
        j = order[i]
        r = row[j]
        dep_stop[i] = st_stop[r]
        arr_stop[i] = st_stop[r + 1]
        dep_s[i] = st_dep[r] + shift_of[j]
        arr_s[i] = st_arr[r + 1] + shift_of[j]
        trip[i] = instance_of[j]
        can_board[i] = st_pickup[r] != 1
        can_alight[i] = st_dropoff[r + 1] != 1
    return dep_stop, arr_stop, dep_s, arr_s, trip, can_board, can_alight


@jit
def radix_argsort(key: I64) -> I64:
    """Return the stable argsort of non-negative keys: a least-significant-digit radix sort.

    Linear in the number of keys, with one pass per 16 bits of the largest key (or part); for
    the connections of a feed (a few million keys of 30-40 bits) faster than argsort.
    """
    n = key.shape[0]
    order = np.arange(n, dtype=np.int64)
    if n < 2:
        return order
    largest = key.max()
    width = 1
    while (largest >> width) > 0:
        width += 1
    # As few passes as digits of at most 16 bits allow, the digits as even as can be.
    passes = -(-width // 16)
    bits = -(-width // passes)
    buckets = 1 << bits
    mask = buckets - 1
    spare = np.empty(n, dtype=np.int64)
    count = np.empty(buckets + 1, dtype=np.int64)
    shift = 0
    for _ in range(passes):
        count[:] = 0
        for i in range(n):
            count[((key[i] >> shift) & mask) + 1] += 1
        for b in range(buckets):
            count[b + 1] += count[b]
        for i in range(n):
            j = order[i]
            digit = (key[j] >> shift) & mask
            spare[count[digit]] = j
            count[digit] += 1
        order, spare = spare, order
        shift += bits
    return order


# Columns of pareto_stats's result, per origin and destination lane (-1 where there is none).
JOURNEYS, FIRST_DEP, LAST_DEP, FASTEST, LATEST_DEP_BY, EARLIEST_ARR_FROM, FEWEST, SETTLED = range(8)
N_STATS = 8


@jit
def pareto_stats(
    dep: I64,
    values: Values,
    inf: Any,
    origin_start: I64,
    origin_rows: I64,
    arrive_by: int,
    leave_from: int,
    horizon: int,
) -> tuple[I64, npt.NDArray[np.float64]]:
    """Summarise the Pareto journeys of every origin and lane without making them.

    origin_rows[origin_start[o]:origin_start[o + 1]] are origin o's boardings (rows of dep and
    values, sorted by departure). The journeys are those kernels.pareto finds; returns
    stats[o, lane, column] (see the column names above) and the median travel time[o, lane]
    (NaN without journeys).

    horizon >= 0 says the values come from the connections leaving by horizon only (every
    boarding among them): exact for journeys arriving by then, too late or missing for
    others. SETTLED is then 1 where the origin's latest boarding arrives by the horizon: an
    earlier boarding that arrives later is never a journey, so all the figures are exact; 0
    where they may not be. Without a horizon (< 0) it is always 1.
    """
    n_origins = origin_start.shape[0] - 1
    lanes = values.shape[1]
    stats = np.full((n_origins, lanes, N_STATS), -1, dtype=np.int64)
    median = np.full((n_origins, lanes), np.nan)
    longest = 0
    for o in range(n_origins):
        longest = max(longest, origin_start[o + 1] - origin_start[o])
    # Per lane: the travel times of its journeys so far, and its running figures. Rows of
    # values are read whole (lanes side by side in memory), from the latest departure back.
    durations = np.empty((lanes, longest), dtype=np.int64)
    count = np.empty(lanes, dtype=np.int64)
    best_arrival = np.empty(lanes, dtype=np.int64)
    first_dep = np.empty(lanes, dtype=np.int64)
    last_dep = np.empty(lanes, dtype=np.int64)
    fastest = np.empty(lanes, dtype=np.int64)
    fewest = np.empty(lanes, dtype=np.int64)
    latest_by = np.empty(lanes, dtype=np.int64)
    earliest_from = np.empty(lanes, dtype=np.int64)
    group = np.empty(lanes, dtype=values.dtype)
    big = np.int64(1) << 62
    for o in range(n_origins):
        rows = origin_rows[origin_start[o] : origin_start[o + 1]]
        n = rows.shape[0]
        count[:] = 0
        best_arrival[:] = big
        first_dep[:] = -1
        last_dep[:] = -1
        fastest[:] = big
        fewest[:] = big
        latest_by[:] = -1
        earliest_from[:] = big
        for lane in range(lanes):
            stats[o, lane, SETTLED] = 1
        hi = n
        while hi > 0:
            departure = dep[rows[hi - 1]]
            lo = hi - 1
            while lo > 0 and dep[rows[lo - 1]] == departure:
                lo -= 1
            # The best value per lane of boarding at this departure time.
            group[:] = values[rows[hi - 1]]
            for i in range(lo, hi - 1):
                row = values[rows[i]]
                for lane in range(lanes):
                    if row[lane] < group[lane]:
                        group[lane] = row[lane]
            if hi == n and horizon >= 0:
                # The latest boarding: the one that arrives last, if any arrives late.
                for lane in range(lanes):
                    if group[lane] >= inf or np.int64(group[lane]) // SHIFT > horizon:
                        stats[o, lane, SETTLED] = 0
            hi = lo
            for lane in range(lanes):
                value = group[lane]
                if value >= inf:
                    continue
                arrival = np.int64(value) // SHIFT
                if arrival >= best_arrival[lane]:
                    continue
                # From the latest departure back: arrivals only get earlier.
                best_arrival[lane] = arrival
                changes = np.int64(value) % SHIFT
                duration = arrival - departure
                durations[lane, count[lane]] = duration
                count[lane] += 1
                if last_dep[lane] < 0:
                    last_dep[lane] = departure
                first_dep[lane] = departure
                fastest[lane] = min(fastest[lane], duration)
                fewest[lane] = min(fewest[lane], changes)
                if latest_by[lane] < 0 and arrival <= arrive_by:
                    latest_by[lane] = departure
                if departure >= leave_from:
                    earliest_from[lane] = min(earliest_from[lane], arrival)
        for lane in range(lanes):
            c = count[lane]
            stats[o, lane, JOURNEYS] = 0
            if c == 0:
                continue
            found = np.sort(durations[lane, :c])
            median[o, lane] = (found[(c - 1) // 2] + found[c // 2]) / 2
            stats[o, lane, JOURNEYS] = c
            stats[o, lane, FIRST_DEP] = first_dep[lane]
            stats[o, lane, LAST_DEP] = last_dep[lane]
            stats[o, lane, FASTEST] = fastest[lane]
            stats[o, lane, LATEST_DEP_BY] = latest_by[lane]
            stats[o, lane, EARLIEST_ARR_FROM] = (
                earliest_from[lane] if earliest_from[lane] < big else -1
            )
            stats[o, lane, FEWEST] = fewest[lane]
    return stats, median


@jit
def stop_pairs(trip_start: I64, st_stop: I32, n_stops: int) -> I64:
    """The distinct pairs of different stops one trip calls at in a row, as low * n_stops + high, sorted."""
    n_trips = trip_start.shape[0] - 1
    start = np.zeros(n_stops + 1, dtype=np.int64)
    for t in range(n_trips):
        for r in range(trip_start[t], trip_start[t + 1] - 1):
            a = st_stop[r]
            b = st_stop[r + 1]
            if a != b:
                start[min(a, b) + 1] += 1
    for s in range(n_stops):
        start[s + 1] += start[s]
    high = np.empty(start[n_stops], dtype=np.int64)
    fill = start[:n_stops].copy()
    for t in range(n_trips):
        for r in range(trip_start[t], trip_start[t + 1] - 1):
            a = st_stop[r]
            b = st_stop[r + 1]
            if a != b:
                low = min(a, b)
                high[fill[low]] = max(a, b)
                fill[low] += 1
    seen = np.full(n_stops, -1, dtype=np.int64)
    result = np.empty(high.shape[0], dtype=np.int64)
    used = 0
    for low in range(n_stops):
        first = used
        for k in range(start[low], start[low + 1]):
            h = high[k]
            if seen[h] != low:
                seen[h] = low
                result[used] = np.int64(low) * n_stops + h
                used += 1
        result[first:used] = np.sort(result[first:used])
    return result[:used].copy()


@jit
def origin_boardings(
    dep_stop: I32,
    can_board: Bools,
    dep_s: I64,
    window_end: int,
    member_start: I64,
    member_origin: I64,
    n_origins: int,
) -> tuple[I64, I64, I64, I64]:
    """The connections one may board at an origin's stop before window_end, grouped by origin.

    A stop's origins are member_origin[member_start[s]:member_start[s + 1]]. Returns (rows,
    departures, origin_start, origin_rows): the boardings at any origin in connection order,
    their departures, and origin o's boardings as positions
    origin_rows[origin_start[o]:origin_start[o + 1]] of rows, ascending.
    """
    n = dep_s.shape[0]
    count = 0
    origin_start = np.zeros(n_origins + 1, dtype=np.int64)
    for c in range(n):
        v = dep_stop[c]
        if can_board[c] and dep_s[c] < window_end and member_start[v + 1] > member_start[v]:
            count += 1
            for m in range(member_start[v], member_start[v + 1]):
                origin_start[member_origin[m] + 1] += 1
    for o in range(n_origins):
        origin_start[o + 1] += origin_start[o]
    rows = np.empty(count, dtype=np.int64)
    departures = np.empty(count, dtype=np.int64)
    origin_rows = np.empty(origin_start[n_origins], dtype=np.int64)
    fill = origin_start[:n_origins].copy()
    i = 0
    for c in range(n):
        v = dep_stop[c]
        if can_board[c] and dep_s[c] < window_end and member_start[v + 1] > member_start[v]:
            rows[i] = c
            departures[i] = dep_s[c]
            for m in range(member_start[v], member_start[v + 1]):
                o = member_origin[m]
                origin_rows[fill[o]] = i
                fill[o] += 1
            i += 1
    return rows, departures, origin_start, origin_rows


@jit
def trips_by_last_use(trip: I32, n_trips: int) -> I64:
    """New numbers for trips, in the order a backward scan first meets them (from the end).

    Trips the scan works on at the same time then lie side by side in its per-trip arrays,
    which saves cache misses; trips without connections come last.
    """
    new_id = np.full(n_trips, -1, dtype=np.int64)
    following = 0
    for c in range(trip.shape[0] - 1, -1, -1):
        t = trip[c]
        if new_id[t] < 0:
            new_id[t] = following
            following += 1
    for t in range(n_trips):
        if new_id[t] < 0:
            new_id[t] = following
            following += 1
    return new_id


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
                    if last[d] > first[o]:
                        counts[o, d] += 1
            first[:] = -1
            last[:] = -1
    return counts

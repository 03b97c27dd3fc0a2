"""Compiled making of a date's connections, and the feed's pairs of consecutive stops."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from transit.kernels import I32, I64, Bools, jit


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

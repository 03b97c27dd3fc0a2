"""Compiled profile connection scan, and the reading of its values into journeys and figures."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from transit.kernels import FORBIDDEN, I32, I64, SHIFT, Bools, Values, jit

# Columns of pareto_stats's result, per origin and destination lane (-1 where there is none).
JOURNEYS, FIRST_DEP, LAST_DEP, FASTEST, LATEST_DEP_BY, EARLIEST_ARR_FROM, FEWEST, SETTLED = range(8)
N_STATS = 8


class Connections(NamedTuple):
    """The connections a scan reads, sorted by departure: one row each."""

    dep_stop: I32
    arr_stop: I32
    dep_s: I64
    arr_s: I64
    # The trip instance, numbered as the scan first meets it (see trips_by_last_use).
    trip: I32
    can_board: Bools
    can_alight: Bools


class Trips(NamedTuple):
    """Per trip instance (the scan's numbers): whether a special rule names it, and its feed trip."""

    is_special: Bools
    feed_trip: I32
    # Per feed trip: its route.
    feed_route: I32


class Transfers(NamedTuple):
    """Transfer links out of each stop (CSR), and per link the rules naming a trip or route."""

    link_start: I64
    link_to: I32
    # The default time of each link; FORBIDDEN when only special rules allow the change.
    link_s: I64
    # Link k's rules are rows rule_start[k]:rule_start[k + 1], tried in order; -1 matches any.
    rule_start: I64
    rule_from_trip: I32
    rule_to_trip: I32
    rule_from_route: I32
    rule_to_route: I32
    rule_s: I64


class Slots(NamedTuple):
    """Where the scan keeps boardings: per stop a profile, and a slot per special boarding."""

    # Stop s's profile entries go to rows prof_start[s]:prof_start[s + 1] of the work space.
    prof_start: I64
    # Per connection, its slot among the boardings of special trips, or -1.
    sp_slot: I64


class Targets(NamedTuple):
    """The destinations of one scan (lanes) and the connections whose values it keeps."""

    # Stop s is a destination of lanes target_lane[target_start[s]:target_start[s + 1]].
    target_start: I64
    target_lane: I32
    # Connection c's values go to row out_row[c] of the output (-1: not kept).
    out_row: I64


class WorkSpace(NamedTuple):
    """Arrays a scan overwrites, from the caller (reused from scan to scan)."""

    seated: Values  # trips x lanes
    prof_dep: I64  # profile rows
    prof_pos: I64
    prof_val: Values  # profile rows x lanes


@jit
def transfer_s(
    k: int,
    from_feed: int,
    from_route: int,
    to_feed: int,
    to_route: int,
    transfers: Transfers,
) -> int:
    """The transfer time over link k between two feed trips: the first rule that matches, or the default."""
    (
        _,
        _,
        link_s,
        rule_start,
        rule_from_trip,
        rule_to_trip,
        rule_from_route,
        rule_to_route,
        rule_s,
    ) = transfers
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
    conn: Connections,
    trips: Trips,
    transfers: Transfers,
    slots: Slots,
    targets: Targets,
    out: Values,
    inf: Any,
    work: WorkSpace,
) -> None:
    """Backward profile connection scan towards several destinations ("lanes") at once.

    Lowers out[out_row[c], lane] to the packed best (arrival, changes) at the lane's destination
    when boarding connection c (inf: unreachable), for every connection with out_row[c] >= 0;
    the caller fills out with inf.

    Per stop, boardings of trips no special rule names form a profile of entries in order of
    decreasing departure; each entry holds, per lane, the best value of all boardings at that
    departure or later plus one change, so the entry found by a binary search answers every
    lane. Boardings of trips a special rule names are kept one slot per connection in a list per stop.
    """
    dep_stop, arr_stop, dep_s, arr_s, trip, can_board, can_alight = conn
    trip_special, trip_feed, feed_route = trips
    link_start, link_to, link_s = transfers.link_start, transfers.link_to, transfers.link_s
    prof_start, sp_slot = slots
    target_start, target_lane, out_row = targets
    seated, prof_dep, prof_pos, prof_val = work
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
                                transfers,
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
                                    transfers,
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
                    # Rows may be shared (see origin_boardings): the minimum counts.
                    for lane in range(lanes):
                        out[row, lane] = min(out[row, lane], best[lane])
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
    dep: I64, values: Values, inf: Any, day_end: int
) -> tuple[I64, npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The date's Pareto journeys per lane from boardings sorted by departure and their values.

    Returns (lane_start, departure, arrival, changes): lane l's journeys, by departure, are
    rows lane_start[l]:lane_start[l + 1]. For each departure time the best value counts, and
    walking from the latest departure back, a departure is kept when it arrives earlier than
    every later one; of those, the ones leaving before day_end are the date's.
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
                if departure >= day_end:
                    continue
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
def pareto_stats(
    dep: I64,
    values: Values,
    inf: Any,
    origin_start: I64,
    origin_rows: I64,
    arrive_by: int,
    leave_from: int,
    horizon: int,
    day_end: int,
) -> tuple[I64, npt.NDArray[np.float64]]:
    """Summarise the Pareto journeys of every origin and lane without making them.

    origin_rows[origin_start[o]:origin_start[o + 1]] are origin o's boardings (rows of dep and
    values, sorted by departure). The journeys are those kernels.pareto finds (the date's,
    leaving before day_end); returns stats[o, lane, column] (see the column names above) and
    the median travel time[o, lane] (NaN without journeys).

    horizon >= 0 says the values come from the connections leaving by horizon only (every
    boarding among them): exact for journeys arriving by then, too late or missing for
    others. SETTLED is then 1 where the origin's latest boarding before day_end arrives by the
    horizon: an earlier boarding that arrives later is never a journey, and whatever dominates
    a journey arrives by then too, so all the figures are exact; 0 where they may not be.
    Without a horizon (< 0) it is always 1.
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
        checked = horizon < 0
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
            if not checked and departure < day_end:
                # The date's latest boarding: the one that arrives last, if any arrives late.
                checked = True
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
                if departure >= day_end:
                    continue
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
def origin_boardings(
    dep_stop: I32,
    can_board: Bools,
    dep_s: I64,
    member_start: I64,
    member_origin: I64,
    n_origins: int,
    day_end: int,
) -> tuple[I64, I64, I64, I64]:
    """The rows of a scan's output: the boardings at the origins' stops, grouped by origin.

    A stop's origins are member_origin[member_start[s]:member_start[s + 1]]. A boarding
    before day_end has a row of its own; those at day_end or later only matter by the
    earliest arrival of them all (they dominate the date's journeys or not), so the ones at
    one stop share a row, whose values are the minimum, with day_end as its departure.
    Returns (out_row, departures, origin_start, origin_rows): each connection's row (-1: none),
    each row's departure (ascending), and origin o's rows
    origin_rows[origin_start[o]:origin_start[o + 1]], ascending.
    """
    n = dep_s.shape[0]
    n_stops = member_start.shape[0] - 1
    out_row = np.full(n, -1, dtype=np.int64)
    stop_row = np.full(n_stops, -1, dtype=np.int64)
    origin_start = np.zeros(n_origins + 1, dtype=np.int64)
    count = 0
    for c in range(n):
        v = dep_stop[c]
        if not can_board[c] or member_start[v + 1] == member_start[v]:
            continue
        if dep_s[c] >= day_end and stop_row[v] >= 0:
            out_row[c] = stop_row[v]
            continue
        out_row[c] = count
        if dep_s[c] >= day_end:
            stop_row[v] = count
        count += 1
        for m in range(member_start[v], member_start[v + 1]):
            origin_start[member_origin[m] + 1] += 1
    for o in range(n_origins):
        origin_start[o + 1] += origin_start[o]
    departures = np.empty(count, dtype=np.int64)
    origin_rows = np.empty(origin_start[n_origins], dtype=np.int64)
    fill = origin_start[:n_origins].copy()
    last = -1
    for c in range(n):
        row = out_row[c]
        if row <= last:
            continue  # no row, or a stop's shared row met again
        last = row
        departures[row] = min(dep_s[c], day_end)
        v = dep_stop[c]
        for m in range(member_start[v], member_start[v + 1]):
            o = member_origin[m]
            origin_rows[fill[o]] = row
            fill[o] += 1
    return out_row, departures, origin_start, origin_rows


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

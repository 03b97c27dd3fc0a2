"""Reference versions of what the engine computes in compiled code, for the tests only.

The indicators of a pair from its journey lists, and direct trips counted per pair from a
timetable's connections: slow and plain, so that the engine's summaries can be checked.
"""

from __future__ import annotations

import statistics
from collections.abc import Collection, Sequence

import numpy as np
import numpy.typing as npt

from transit.indicators import ARRIVE_BY_S, LEAVE_FROM_S, PairIndicators
from transit.journeys import Journey
from transit.timetable import DAY_S, Timetable

IntArray = npt.NDArray[np.int64]


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
        """Return the number of trip instances leaving an origin stop in [00:00, 24:00) for the destination.

        A trip must leave the origin: the destination's stops that are also the origin's do
        not count.
        """
        destination_stops = set(destination_stops) - set(origin_stops)
        if not origin_stops or not destination_stops:
            return 0
        board = self.first_board(origin_stops)
        alight = self.last_alight(destination_stops)
        return int(np.count_nonzero(board <= alight))

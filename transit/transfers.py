"""transfers.txt: its transfer types and one row of it, shared by the feed and the timetable.

Kept apart from ``feed`` so that ``timetable`` (which builds on a feed) and ``feed`` (whose
``timetable()`` builds one) do not import each other.
"""

from __future__ import annotations

from dataclasses import dataclass

# transfers.txt transfer_type values.
TRANSFER_RECOMMENDED = 0
TRANSFER_TIMED = 1
TRANSFER_MIN_TIME = 2
TRANSFER_FORBIDDEN = 3


@dataclass(frozen=True)
class TransferRule:
    """One row of transfers.txt with ids resolved to indices (-1 = not given)."""

    from_stop: int
    to_stop: int
    transfer_type: int
    min_transfer_s: int | None
    from_trip: int = -1
    to_trip: int = -1
    from_route: int = -1
    to_route: int = -1
    line: int = 0

    @property
    def specificity(self) -> int:
        """Rank among rules for the same stops: trips count more than routes (GTFS order)."""
        trips = (self.from_trip >= 0) + (self.to_trip >= 0)
        routes = (self.from_route >= 0) + (self.to_route >= 0)
        return 3 * trips + routes

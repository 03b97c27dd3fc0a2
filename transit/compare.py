"""Comparing two analyses (two feeds, or two dates of one feed): the timetable-cut detector."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from transit.indicators import Analysis, PairIndicators


@dataclass(frozen=True)
class PairChange:
    """One ordered pair before and after; None where a side does not have the pair at all."""

    origin: str
    destination: str
    journeys_before: int | None
    journeys_after: int | None
    fastest_before_s: int | None
    fastest_after_s: int | None
    commute_possible_before: bool | None
    commute_possible_after: bool | None

    @property
    def journeys_change(self) -> int:
        """Return journeys after minus journeys before (a missing side counts as none)."""
        return (self.journeys_after or 0) - (self.journeys_before or 0)

    @property
    def fastest_change_s(self) -> int | None:
        """Return the change of the fastest travel time, or None unless both sides have one."""
        if self.fastest_before_s is None or self.fastest_after_s is None:
            return None
        return self.fastest_after_s - self.fastest_before_s

    @property
    def has_lost_journeys(self) -> bool:
        """Return whether the pair has fewer journeys after than before."""
        return self.journeys_change < 0

    @property
    def is_slower(self) -> bool:
        """Return whether the fastest journey got slower (a pair that lost every journey is not)."""
        change = self.fastest_change_s
        return change is not None and change > 0

    @property
    def has_lost_commute(self) -> bool:
        """Return whether a commute that was possible before is not after."""
        return bool(self.commute_possible_before) and not self.commute_possible_after

    def to_dict(self) -> dict[str, Any]:
        """Return the change as a flat JSON object (one CSV row)."""
        return {
            "from": self.origin,
            "to": self.destination,
            "journeys_before": self.journeys_before,
            "journeys_after": self.journeys_after,
            "journeys_change": self.journeys_change,
            "fastest_before_s": self.fastest_before_s,
            "fastest_after_s": self.fastest_after_s,
            "fastest_change_s": self.fastest_change_s,
            "commute_possible_before": self.commute_possible_before,
            "commute_possible_after": self.commute_possible_after,
            "lost_journeys": self.has_lost_journeys,
            "slower": self.is_slower,
            "lost_commute": self.has_lost_commute,
        }


@dataclass(frozen=True)
class Comparison:
    """The change of every pair between two analyses."""

    before_date: dt.date
    after_date: dt.date
    pairs: list[PairChange]

    @property
    def flagged(self) -> list[PairChange]:
        """Return the pairs that lost journeys, got slower or lost a commute."""
        return [p for p in self.pairs if p.has_lost_journeys or p.is_slower or p.has_lost_commute]

    def pair(self, origin: str, destination: str) -> PairChange:
        """Return the change of one ordered pair; KeyError when there is no such pair."""
        for pair in self.pairs:
            if pair.origin == origin and pair.destination == destination:
                return pair
        raise KeyError((origin, destination))

    def to_dict(self) -> dict[str, Any]:
        """Return the comparison as JSON: both dates, every pair, and the flagged pairs' count."""
        return {
            "before_date": self.before_date.isoformat(),
            "after_date": self.after_date.isoformat(),
            "flagged": len(self.flagged),
            "pairs": [p.to_dict() for p in self.pairs],
        }


def compare(before: Analysis, after: Analysis) -> Comparison:
    """Return the per-pair change from one analysis to another, in the order of the first."""
    old = {(p.origin, p.destination): p for p in before.pairs}
    new = {(p.origin, p.destination): p for p in after.pairs}
    keys = list(old) + [k for k in new if k not in old]
    return Comparison(
        before_date=before.date,
        after_date=after.date,
        pairs=[_change(k, old.get(k), new.get(k)) for k in keys],
    )


def _change(
    key: tuple[str, str], before: PairIndicators | None, after: PairIndicators | None
) -> PairChange:
    return PairChange(
        origin=key[0],
        destination=key[1],
        journeys_before=before.journeys if before else None,
        journeys_after=after.journeys if after else None,
        fastest_before_s=before.fastest_s if before else None,
        fastest_after_s=after.fastest_s if after else None,
        commute_possible_before=before.commute_possible if before else None,
        commute_possible_after=after.commute_possible if after else None,
    )

"""Comparing two analyses: a cut trip must show up as lost journeys, a slower pair and a lost commute."""

from __future__ import annotations

from pathlib import Path

from transit.compare import compare
from transit.tests.feeds import DAY
from transit.tests.test_indicators import analysis


def test_a_cut_morning_train_is_flagged(tmp_path: Path) -> None:
    before = analysis(tmp_path)
    after = analysis(tmp_path, cut="T1")
    change = compare(before, after).pair("Aby", "Bstad")
    assert change.to_dict() == {
        "from": "Aby",
        "to": "Bstad",
        "journeys_before": 3,
        "journeys_after": 2,
        "journeys_change": -1,
        "fastest_before_s": 1800,
        "fastest_after_s": 2400,
        "fastest_change_s": 600,
        "commute_possible_before": True,
        "commute_possible_after": False,
        "lost_journeys": True,
        "slower": True,
        "lost_commute": True,
    }


def test_only_the_pairs_that_got_worse_are_flagged(tmp_path: Path) -> None:
    comparison = compare(analysis(tmp_path), analysis(tmp_path, cut="T1"))
    assert [(p.origin, p.destination) for p in comparison.flagged] == [("Aby", "Bstad")]
    assert len(comparison.pairs) == 6
    unchanged = comparison.pair("Bstad", "Aby")
    assert unchanged.journeys_change == 0 and unchanged.fastest_change_s == 0


def test_a_pair_that_loses_every_journey_is_lost_but_not_slower(tmp_path: Path) -> None:
    comparison = compare(analysis(tmp_path), analysis(tmp_path, cut="T3"))
    change = comparison.pair("Bstad", "Aby")
    assert change.journeys_after == 0 and change.fastest_after_s is None
    assert change.has_lost_journeys and not change.is_slower
    assert change.fastest_change_s is None
    # Without the evening train home, Aby can no longer commute to Bstad either.
    assert comparison.pair("Aby", "Bstad").has_lost_commute


def test_two_dates_of_one_feed_compare_too(tmp_path: Path) -> None:
    sunday = DAY.replace(day=14)
    comparison = compare(analysis(tmp_path), analysis(tmp_path, sunday))
    assert comparison.to_dict()["before_date"] == "2024-01-10"
    assert comparison.to_dict()["after_date"] == "2024-01-14"
    # The evening train home does not run on Sundays.
    assert comparison.pair("Bstad", "Aby").has_lost_journeys
    assert comparison.pair("Aby", "Bstad").has_lost_commute

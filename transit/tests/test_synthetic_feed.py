"""The benchmark's synthetic feed generator (bench/transit_feeds.py) writes a feed the engine reads."""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from transit import all_pairs, analyse, indicators, load_feed, place_stops, read_places
from transit.tests.reference import DirectTrips, is_commute_possible, pair_indicators

GENERATOR = Path(__file__).resolve().parents[2] / "bench" / "transit_feeds.py"


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("transit_feeds", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("transit_feeds", module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_the_small_synthetic_feed_loads_and_has_journeys(tmp_path: Path) -> None:
    feeds = generator()
    counts = feeds.generate(feeds.SMALL, tmp_path / "feed")
    feed = load_feed(tmp_path / "feed")
    assert len(feed.st_stop) == counts["stop_times"] and feed.n_stops == counts["stops"]
    assert feed.n_trips == counts["trips"] and 15_000 < counts["stop_times"] < 25_000
    places = read_places(tmp_path / "feed" / "places.csv")
    assert len(places) == 6
    tuesday = dt.date(2026, 3, 10)
    analysis = analyse(feed, places, tuesday)
    assert all(pair.journeys > 0 for pair in analysis.pairs)
    # School buses run on school days only; the weekend has less service than the Tuesday.
    saturday, sunday = dt.date(2026, 3, 14), dt.date(2026, 3, 15)
    sizes = {day: feed.timetable(day).n_connections for day in (tuesday, saturday, sunday)}
    assert sizes[tuesday] > sizes[saturday] > 0 and sizes[tuesday] > sizes[sunday] > 0


def test_the_generator_is_deterministic(tmp_path: Path) -> None:
    feeds = generator()
    feeds.generate(feeds.SMALL, tmp_path / "a")
    feeds.generate(feeds.SMALL, tmp_path / "b")
    for name in ("stops.txt", "trips.txt", "stop_times.txt", "places.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_weekend_commutes_agree_with_the_weekend_journeys(tmp_path: Path) -> None:
    feeds = generator()
    feeds.generate(feeds.SMALL, tmp_path / "feed")
    feed = load_feed(tmp_path / "feed")
    places = read_places(tmp_path / "feed" / "places.csv")
    analysis = analyse(feed, places, dt.date(2026, 3, 10))
    stops = place_stops(feed, places)
    for day, flag in ((dt.date(2026, 3, 14), "saturday"), (dt.date(2026, 3, 15), "sunday")):
        found = all_pairs(feed.timetable(day), stops)
        for pair in analysis.pairs:
            key, back = (pair.origin, pair.destination), (pair.destination, pair.origin)
            expected = is_commute_possible(found[key], found[back])
            assert getattr(pair, f"{flag}_commute_possible") == expected, (day, key)


def test_every_indicator_follows_from_the_journeys(tmp_path: Path) -> None:
    """analyse summarises without journey lists; the lists give the same figures."""
    feeds = generator()
    feeds.generate(feeds.SMALL, tmp_path / "feed")
    feed = load_feed(tmp_path / "feed")
    places = read_places(tmp_path / "feed" / "places.csv")
    tuesday = dt.date(2026, 3, 10)
    analysis = analyse(feed, places, tuesday)
    stops = place_stops(feed, places)
    timetable = feed.timetable(tuesday)
    found = all_pairs(timetable, stops)
    direct = DirectTrips(timetable)
    for pair in analysis.pairs:
        key, back = (pair.origin, pair.destination), (pair.destination, pair.origin)
        expected = pair_indicators(
            *key,
            found[key],
            found[back],
            direct_trips=direct.count(stops[key[0]], stops[key[1]]),
            saturday_commute_possible=pair.saturday_commute_possible,
            sunday_commute_possible=pair.sunday_commute_possible,
        )
        assert pair == expected, key
    assert sum(pair.journeys for pair in analysis.pairs) > 500


def test_the_horizon_of_the_first_scans_never_changes_the_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A horizon too short for late departures makes destinations scanned again, no more."""
    feeds = generator()
    feeds.generate(feeds.SMALL, tmp_path / "feed")
    feed = load_feed(tmp_path / "feed")
    places = read_places(tmp_path / "feed" / "places.csv")
    tuesday = dt.date(2026, 3, 10)
    # The module (transit.journeys is also the name of a function of the package).
    journeys = importlib.import_module("transit.journeys")
    scans: list[int] = []
    original = journeys.scan_stats

    def counted(*args: Any, **kwargs: Any) -> Any:
        scans.append(len(args[2]))
        return original(*args, **kwargs)

    monkeypatch.setattr(journeys, "scan_stats", counted)
    results: dict[int | None, indicators.Analysis] = {}
    lanes: dict[int | None, int] = {}
    for horizon in (None, indicators.HORIZON_S, 24 * 3600 + 1800):
        scans.clear()
        results[horizon] = analyse(feed, places, tuesday, horizon_s=horizon)
        lanes[horizon] = sum(scans)
    assert results[indicators.HORIZON_S] == results[None]
    assert results[24 * 3600 + 1800] == results[None]
    # Three days of six places without a horizon; half past midnight is too short for some.
    assert lanes[None] == 18
    assert lanes[24 * 3600 + 1800] > 18


def test_a_horizon_most_destinations_outrun_gives_way_to_whole_scans(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the date's first batch mostly needs a second scan, its later batches skip the first."""
    feeds = generator()
    feeds.generate(feeds.SMALL, tmp_path / "feed")
    feed = load_feed(tmp_path / "feed")
    places = read_places(tmp_path / "feed" / "places.csv")
    tuesday = dt.date(2026, 3, 10)
    journeys = importlib.import_module("transit.journeys")
    original = journeys.scan_stats
    with_horizon: list[int] = []

    def counted(*args: Any, **kwargs: Any) -> Any:
        if args[0].horizon_s is not None:
            with_horizon.append(len(args[2]))
        return original(*args, **kwargs)

    expected = analyse(feed, places, tuesday, horizon_s=None)
    monkeypatch.setattr(journeys, "scan_stats", counted)
    # Batches of two destinations, one thread: the date's first batch ends before the next starts.
    monkeypatch.setattr(indicators, "LANES", 2)
    found = analyse(feed, places, tuesday, horizon_s=24 * 3600, threads=1)
    assert found == expected
    assert with_horizon == [2]

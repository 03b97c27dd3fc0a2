"""The real SJ rail feed on Tuesday 2023-11-28 with the county's seats and neighbouring towns."""

from __future__ import annotations

import csv
import datetime as dt
from functools import cache
from pathlib import Path

import pytest

from transit import Journey, Place, Timetable, all_pairs, load_feed, place_stops
from transit.tests.bruteforce import BruteForce

DATA = Path(__file__).resolve().parents[2] / "data"
FEED = DATA / "gtfs" / "sj-rail-2023.zip"
TUESDAY = dt.date(2023, 11, 28)


@cache
def setting() -> tuple[Timetable, dict[str, list[int]], dict[tuple[str, str], list[Journey]]]:
    feed = load_feed(FEED)
    with (DATA / "geo" / "towns.csv").open(encoding="utf-8") as f:
        places = [
            Place(row["town"], float(row["lat"]), float(row["lon"])) for row in csv.DictReader(f)
        ]
    stops = place_stops(feed, places, radius_m=1000)
    tt = feed.timetable(TUESDAY, min_transfer_s=120)
    return tt, stops, all_pairs(tt, stops)


def test_the_county_has_stations_and_journeys() -> None:
    tt, stops, found = setting()
    assert tt.feed.n_stops == 872 and len(tt.feed.st_stop) == 20_370
    served = [name for name, s in stops.items() if s]
    assert len(served) >= 18
    assert sum(1 for pair, js in found.items() if js) > 200


def test_orebro_to_hallsberg_has_many_quick_journeys() -> None:
    _, _, found = setting()
    trips = found[("Örebro", "Hallsberg")]
    assert len(trips) >= 20
    fastest = min(j.duration_s for j in trips)
    assert 10 * 60 <= fastest <= 20 * 60
    assert all(0 <= j.departure_s < 86_400 for j in trips)


def test_the_engine_equals_the_brute_force_for_every_pair() -> None:
    tt, stops, found = setting()
    brute = BruteForce(tt)
    mismatches = []
    for origin, origin_stops in stops.items():
        if not origin_stops:
            continue
        others = {name: s for name, s in stops.items() if name != origin}
        for destination, expected in brute.journeys_from(origin_stops, others).items():
            if found[(origin, destination)] != expected:
                mismatches.append((origin, destination))
    assert mismatches == []


@pytest.mark.parametrize("walk_m", [300.0])
def test_with_walking_too_for_orebro(walk_m: float) -> None:
    tt, stops, _ = setting()
    walking = tt.feed.timetable(TUESDAY, min_transfer_s=120, walk_m=walk_m)
    brute = BruteForce(walking)
    others = {name: s for name, s in stops.items() if name != "Örebro"}
    expected = brute.journeys_from(stops["Örebro"], others)
    found = all_pairs(walking, stops)
    assert all(found[("Örebro", d)] == expected[d] for d in others)

"""Property-based: on random small feeds the engine equals the brute force for every pair."""

from __future__ import annotations

import itertools
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from transit import analyse, journeys, load_feed, place_stops
from transit.indicators import HORIZON_S, weekend_of
from transit.places import Place
from transit.tests.bruteforce import BruteForce
from transit.tests.feeds import DAY, write_feed
from transit.tests.reference import DirectTrips, is_commute_possible, pair_indicators

STOPS = ["A", "B", "C", "D", "E"]
# Stops 150 m apart on a line, E at B's spot, so that walking and zero-length walks occur.
POSITIONS = {"A": 0.0, "B": 150.0, "C": 300.0, "D": 450.0, "E": 150.0}


def fmt(seconds: int) -> str:
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


@st.composite
def feeds(draw: st.DrawFn) -> dict[str, Any]:
    n_trips = draw(st.integers(1, 6))
    trips, stop_times, frequencies = [], [], []
    for t in range(n_trips):
        calls = draw(st.lists(st.sampled_from(STOPS), min_size=2, max_size=4))
        start = draw(st.integers(0, 30 * 3600 // 60)) * 60  # up to 30:00, past midnight
        if draw(st.booleans()):
            start = draw(st.sampled_from([23 * 3600 + 50 * 60, 0, 24 * 3600, 86_340]))
        time = start
        route = draw(st.sampled_from(["R1", "R2"]))
        trips.append(
            {
                "route_id": route,
                "service_id": draw(st.sampled_from(["S", "S", "W"])),
                "trip_id": f"T{t}",
            }
        )
        for i, stop in enumerate(calls):
            if i:
                time += draw(st.sampled_from([0, 0, 60, 120, 300, 900]))
            arrival = time
            time += draw(st.sampled_from([0, 0, 60]))
            stop_times.append(
                {
                    "trip_id": f"T{t}",
                    "arrival_time": fmt(arrival),
                    "departure_time": fmt(time),
                    "stop_id": stop,
                    "stop_sequence": i * 2 + 1,
                    "pickup_type": draw(st.sampled_from([0, 0, 0, 1])),
                    "drop_off_type": draw(st.sampled_from([0, 0, 0, 1])),
                }
            )
        if draw(st.integers(0, 5)) == 0:
            frequencies.append(
                {
                    "trip_id": f"T{t}",
                    "start_time": fmt(start),
                    "end_time": fmt(start + 1800),
                    "headway_secs": draw(st.sampled_from([300, 600, 1000])),
                }
            )
    transfers = []
    for _ in range(draw(st.integers(0, 4))):
        rule: dict[str, Any] = {
            "from_stop_id": draw(st.sampled_from(STOPS)),
            "to_stop_id": draw(st.sampled_from(STOPS)),
            "transfer_type": draw(st.sampled_from([0, 1, 2, 3])),
            "min_transfer_time": draw(st.sampled_from(["", 0, 60, 200])),
            "from_trip_id": "",
            "to_trip_id": "",
            "from_route_id": "",
            "to_route_id": "",
        }
        which = draw(
            st.sampled_from(
                ["", "from_trip_id", "to_trip_id", "from_route_id", "to_route_id", "both_trips"]
            )
        )
        if which == "both_trips":
            rule["from_trip_id"] = f"T{draw(st.integers(0, n_trips - 1))}"
            rule["to_trip_id"] = f"T{draw(st.integers(0, n_trips - 1))}"
        elif which.endswith("trip_id"):
            rule[which] = f"T{draw(st.integers(0, n_trips - 1))}"
        elif which:
            rule[which] = draw(st.sampled_from(["R1", "R2"]))
        transfers.append(rule)
    week = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    return {
        "stops.txt": [
            {"stop_id": s, "stop_lat": 59.0 + POSITIONS[s] / 111_195, "stop_lon": 15.0}
            for s in STOPS
        ],
        "routes.txt": [{"route_id": "R1", "route_type": 3}, {"route_id": "R2", "route_type": 3}],
        "trips.txt": trips,
        "stop_times.txt": stop_times,
        "calendar.txt": [
            {
                "service_id": "S",
                **dict.fromkeys(week, 1),
                "start_date": "20240101",
                "end_date": "20241231",
            },
            {
                "service_id": "W",
                **dict.fromkeys(week, 0),
                "wednesday": 1,
                "start_date": "20240101",
                "end_date": "20241231",
            },
        ],
        "frequencies.txt": frequencies or None,
        "transfers.txt": transfers or None,
        "min_transfer_s": draw(st.sampled_from([0, 60, 120])),
        "walk_m": draw(st.sampled_from([0.0, 0.0, 200.0, 400.0])),
    }


@settings(
    max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(feeds())
def test_the_engine_equals_the_brute_force(spec: dict[str, Any]) -> None:
    min_transfer_s = spec.pop("min_transfer_s")
    walk_m = spec.pop("walk_m")
    with TemporaryDirectory() as tmp:
        feed = load_feed(write_feed(Path(tmp), spec))
    tt = feed.timetable(DAY, min_transfer_s=min_transfer_s, walk_m=walk_m)
    brute = BruteForce(tt)
    places = {s: [feed.stop_index[s]] for s in STOPS}
    places["BE"] = [feed.stop_index["B"], feed.stop_index["E"]]
    for origin, destination in itertools.permutations(places, 2):
        expected = brute.journeys_from(places[origin], {destination: places[destination]})[
            destination
        ]
        assert journeys(tt, places[origin], places[destination]) == expected, (origin, destination)


def _one_trip_across_midnight() -> dict[str, Any]:
    """A trip from A at 23:50 by B back to A after midnight (found by this test once)."""
    calls = [("A", "23:50:00"), ("B", "23:50:00"), ("A", "24:05:00"), ("A", "24:05:00")]
    week = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    return {
        "stops.txt": [
            {"stop_id": s, "stop_lat": 59.0 + POSITIONS[s] / 111_195, "stop_lon": 15.0}
            for s in STOPS
        ],
        "routes.txt": [{"route_id": "R1", "route_type": 3}],
        "trips.txt": [{"route_id": "R1", "service_id": "S", "trip_id": "T0"}],
        "stop_times.txt": [
            {
                "trip_id": "T0",
                "arrival_time": time,
                "departure_time": time,
                "stop_id": stop,
                "stop_sequence": i,
            }
            for i, (stop, time) in enumerate(calls)
        ],
        "calendar.txt": [
            {
                "service_id": "S",
                **dict.fromkeys(week, 1),
                "start_date": "20240101",
                "end_date": "20241231",
            }
        ],
        "min_transfer_s": 0,
        "walk_m": 0.0,
    }


@settings(
    max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(feeds(), st.sampled_from([None, HORIZON_S, 25 * 3600, 24 * 3600]))
# B's only boarding (23:50) arrives after a midnight horizon: B -> A must be scanned again.
@example(_one_trip_across_midnight(), 24 * 3600)
def test_the_analysis_summarises_the_brute_force_journeys(
    spec: dict[str, Any], horizon_s: int | None
) -> None:
    """Every indicator of analyse (made without journey lists) from the brute force's journeys.

    Whatever the horizon of the date's first scans: short ones make destinations scanned again.
    """
    min_transfer_s = spec.pop("min_transfer_s")
    walk_m = spec.pop("walk_m")
    with TemporaryDirectory() as tmp:
        feed = load_feed(write_feed(Path(tmp), spec))
    by_stop = {s: [feed.stop_index[s]] for s in STOPS}
    by_stop["BE"] = [feed.stop_index["B"], feed.stop_index["E"]]
    # Places of radius 1 m: each catches its own stop (B and E share a spot: BE catches both).
    places = [
        Place(name, float(feed.stop_lat[stops[0]]), float(feed.stop_lon[stops[0]]))
        for name, stops in by_stop.items()
        if name != "E"
    ]
    found = analyse(
        feed,
        places,
        DAY,
        radius_m=1.0,
        min_transfer_s=min_transfer_s,
        walk_m=walk_m,
        horizon_s=horizon_s,
    )
    names = [p.name for p in places]
    stops = place_stops(feed, places, 1.0)
    saturday, sunday = weekend_of(DAY)
    journeys_on = {}
    for day in (DAY, saturday, sunday):
        brute = BruteForce(feed.timetable(day, min_transfer_s=min_transfer_s, walk_m=walk_m))
        journeys_on[day] = {
            (o, d): js
            for o in names
            for d, js in brute.journeys_from(stops[o], {d: stops[d] for d in names}).items()
        }
    direct = DirectTrips(feed.timetable(DAY, min_transfer_s=min_transfer_s, walk_m=walk_m))
    for origin, destination in itertools.permutations(names, 2):
        key, back = (origin, destination), (destination, origin)
        expected = pair_indicators(
            origin,
            destination,
            journeys_on[DAY][key],
            journeys_on[DAY][back],
            direct_trips=direct.count(stops[origin], stops[destination]),
            saturday_commute_possible=is_commute_possible(
                journeys_on[saturday][key], journeys_on[saturday][back]
            ),
            sunday_commute_possible=is_commute_possible(
                journeys_on[sunday][key], journeys_on[sunday][back]
            ),
        )
        assert found.pair(origin, destination) == expected

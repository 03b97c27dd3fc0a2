"""Indicators on tiny hand-built feeds with known answers."""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path
from typing import Any

import pytest

from transit import Journey, load_feed
from transit.indicators import Analysis, analyse, weekend_of
from transit.places import Place
from transit.tests.feeds import DAY, feed_files, hms, stops, trip, write_feed
from transit.tests.reference import pair_indicators

REQUIRED_KEYS = [
    "from",
    "to",
    "journeys",
    "direct_trips",
    "first_departure_s",
    "last_departure_s",
    "fastest_s",
    "median_s",
    "latest_departure_arriving_by_0800_s",
    "earliest_arrival_departing_from_1700_s",
    "commute_possible",
]

WEEK = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def service(service_id: str, days: str) -> dict[str, Any]:
    """A calendar.txt row running on the days given as a 7-character 0/1 mask, Monday first."""
    return {
        "service_id": service_id,
        **{day: int(flag) for day, flag in zip(WEEK, days, strict=True)},
        "start_date": "20240101",
        "end_date": "20241231",
    }


def place(name: str, index: int, population: int | None = None) -> Place:
    """A place on the stop that stops() puts at this index."""
    return Place(name, 59.0 + index * 5000.0 / 111_000, 15.0, population)


def flagged(trip_id: str, *calls: tuple[str, str], **flags: dict[str, int]) -> Any:
    """A trip whose calls get extra stop_times columns, by 0-based call index."""
    row, times = trip(trip_id, *calls)
    for key, values in flags.items():
        for position, value in values.items():
            times[int(position)][key] = value
    return row, times


def commute_feed(tmp_path: Path, *, cut: str | None = None) -> Path:
    """A→B by train in the morning, B→A in the evening Monday to Saturday, and a change via C."""
    trips = [
        trip("T1", ("A", "7:00"), ("B", "7:30")),
        trip("T7", ("A", "8:50"), ("B", "9:50")),  # overtaken by T2: a direct trip, no journey
        trip("T2", ("A", "9:00"), ("B", "9:40")),
        flagged("T6", ("A", "10:00"), ("B", "10:30"), pickup_type={"0": 1}),
        flagged("T8", ("A", "11:00"), ("B", "11:30"), drop_off_type={"1": 1}),
        trip("T4", ("A", "12:00"), ("C", "12:20")),
        trip("T5", ("C", "12:30"), ("B", "13:00")),
        trip("T3", ("B", "17:30"), ("A", "18:00"), service="MONSAT"),
    ]
    return write_feed(
        tmp_path / (cut or "feed"),
        feed_files(
            stops("A", "B", "C"),
            *[t for t in trips if t[0]["trip_id"] != cut],
            calendar_txt=[service("S", "1111111"), service("MONSAT", "1111110")],
        ),
    )


PLACES = [place("Aby", 0, 100), place("Bstad", 1, 300), place("Cköping", 2, 600)]


def analysis(tmp_path: Path, date: dt.date = DAY, *, cut: str | None = None) -> Analysis:
    return analyse(load_feed(commute_feed(tmp_path, cut=cut)), PLACES, date)


def test_the_pair_indicators_of_a_morning_commute(tmp_path: Path) -> None:
    pair = analysis(tmp_path).pair("Aby", "Bstad")
    assert pair.to_dict() == {
        "from": "Aby",
        "to": "Bstad",
        "journeys": 3,
        "direct_trips": 3,
        "first_departure_s": hms("7:00"),
        "last_departure_s": hms("12:00"),
        "fastest_s": 1800,
        "median_s": 2400,
        "latest_departure_arriving_by_0800_s": hms("7:00"),
        "earliest_arrival_departing_from_1700_s": None,
        "commute_possible": True,
        "fewest_transfers": 0,
        "saturday_commute_possible": True,
        "sunday_commute_possible": False,
    }
    assert list(pair.to_dict())[: len(REQUIRED_KEYS)] == REQUIRED_KEYS


def test_direct_trips_respect_pickup_and_drop_off_and_skip_changes(tmp_path: Path) -> None:
    result = analysis(tmp_path)
    # T1, T7 and T2; T6 takes nobody on at A and T8 lets nobody off at B.
    assert result.pair("Aby", "Bstad").direct_trips == 3
    # The only way from A to B via C needs a change: a journey, but no direct trip.
    assert result.pair("Aby", "Cköping").direct_trips == 1
    assert result.pair("Cköping", "Bstad").direct_trips == 1
    assert result.pair("Bstad", "Aby").direct_trips == 1
    assert result.pair("Cköping", "Aby").direct_trips == 0


def test_the_way_back_is_no_commute_without_a_morning_journey(tmp_path: Path) -> None:
    pair = analysis(tmp_path).pair("Bstad", "Aby")
    assert pair.journeys == 1
    assert pair.latest_departure_arriving_by_0800_s is None
    assert pair.earliest_arrival_departing_from_1700_s == hms("18:00")
    assert pair.commute_possible is False


def test_a_pair_without_journeys_has_nulls(tmp_path: Path) -> None:
    # A place 5 km beyond the last stop has no stops within 1,000 m.
    places = [*PLACES, place("Dby", 3, 1000)]
    result = analyse(load_feed(commute_feed(tmp_path)), places, DAY)
    assert result.place("Dby").stops == 0
    assert result.place("Aby").commute_population_share == pytest.approx(300 / 1900)
    pair = result.pair("Aby", "Dby").to_dict()
    assert pair["journeys"] == 0 and pair["direct_trips"] == 0
    assert pair["commute_possible"] is False
    for key in REQUIRED_KEYS[4:10]:
        assert pair[key] is None
    assert pair["first_departure_s"] is None and pair["fewest_transfers"] is None


def test_the_weekend_is_the_saturday_and_sunday_of_the_iso_week() -> None:
    assert weekend_of(dt.date(2024, 1, 10)) == (dt.date(2024, 1, 13), dt.date(2024, 1, 14))
    assert weekend_of(dt.date(2024, 1, 14)) == (dt.date(2024, 1, 13), dt.date(2024, 1, 14))
    assert weekend_of(dt.date(2024, 1, 15)) == (dt.date(2024, 1, 20), dt.date(2024, 1, 21))


def test_on_a_sunday_the_commute_is_gone(tmp_path: Path) -> None:
    pair = analysis(tmp_path, dt.date(2024, 1, 14)).pair("Aby", "Bstad")
    assert pair.journeys == 3
    assert pair.commute_possible is False
    assert pair.saturday_commute_possible is True and pair.sunday_commute_possible is False


def test_places_count_where_they_can_commute_weighted_by_population(tmp_path: Path) -> None:
    result = analysis(tmp_path)
    aby = result.place("Aby")
    assert aby.commute_destinations == ("Bstad",)
    assert aby.saturday_commute_destinations == ("Bstad",)
    assert aby.sunday_commute_destinations == ()
    assert aby.commute_population == 300
    assert aby.commute_population_share == pytest.approx(300 / 900)
    bstad = result.place("Bstad")
    assert bstad.commute_destinations == () and bstad.commute_origins == ("Aby",)
    assert bstad.commute_population == 0 and bstad.commute_population_share == 0.0
    assert [p.to_dict()["stops"] for p in result.places] == [1, 1, 1]
    assert [p.to_dict()["commute_destinations"] for p in result.places] == [1, 0, 0]


def test_without_populations_there_are_no_population_figures(tmp_path: Path) -> None:
    places = [Place(p.name, p.lat, p.lon) for p in PLACES]
    result = analyse(load_feed(commute_feed(tmp_path)), places, DAY)
    aby = result.place("Aby")
    assert aby.commute_destinations == ("Bstad",)
    assert aby.commute_population is None and aby.commute_population_share is None


def test_the_analysis_is_json_with_places_and_every_ordered_pair(tmp_path: Path) -> None:
    data = json.loads(json.dumps(analysis(tmp_path).to_dict()))
    assert data["date"] == "2024-01-10"
    assert [(p["name"], p["stops"]) for p in data["places"]] == [
        ("Aby", 1),
        ("Bstad", 1),
        ("Cköping", 1),
    ]
    assert len(data["pairs"]) == 6
    assert all(list(p)[: len(REQUIRED_KEYS)] == REQUIRED_KEYS for p in data["pairs"])


def test_progress_counts_destinations_and_days_from_the_calling_thread(tmp_path: Path) -> None:
    calls: list[tuple[int, int, int]] = []
    analyse(
        load_feed(commute_feed(tmp_path)),
        PLACES,
        DAY,
        progress=lambda d, t: calls.append((d, t, threading.get_ident())),
    )
    # One call per day's scan of a batch of destinations (here three places, one batch a day).
    assert [(d, t) for d, t, _ in calls] == [(3, 9), (6, 9), (9, 9)]
    assert {thread for _, _, thread in calls} == {threading.get_ident()}


def test_places_without_stops_count_as_done_at_once(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    nowhere = Place("Nowhere", 10.0, 10.0)
    analyse(
        load_feed(commute_feed(tmp_path)),
        [*PLACES, nowhere],
        DAY,
        progress=lambda d, t: calls.append((d, t)),
    )
    assert calls == [(3, 12), (6, 12), (9, 12), (12, 12)]


def test_place_names_must_be_unique(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="Aby"):
        analyse(load_feed(commute_feed(tmp_path)), [*PLACES, place("Aby", 2)], DAY)


def J(dep: str, minutes: int, changes: int = 0) -> Journey:
    return Journey(hms(dep), hms(dep) + minutes * 60, changes)


def test_the_median_of_an_odd_count_is_the_middle_journey() -> None:
    pair = pair_indicators("A", "B", [J("6:00", 30), J("7:00", 50, 1), J("8:00", 20)], [])
    assert pair.median_s == 1800 and pair.fastest_s == 1200 and pair.fewest_transfers == 0


def test_the_median_of_an_even_count_is_the_mean_of_the_middle_two() -> None:
    pair = pair_indicators(
        "A", "B", [J("6:00", 30), J("7:00", 50), J("8:00", 20), J("9:00", 60)], []
    )
    assert pair.median_s == 2400
    assert pair.to_dict()["median_s"] == 2400
    odd_seconds = [Journey(0, 1000, 0), Journey(10, 1011, 0)]
    assert pair_indicators("A", "B", odd_seconds, []).to_dict()["median_s"] == 1000.5


def test_the_commute_windows_are_inclusive() -> None:
    outward = [Journey(hms("7:00"), hms("8:00"), 0)]
    homeward = [Journey(hms("17:00"), hms("17:30"), 0)]
    pair = pair_indicators("A", "B", outward, homeward)
    assert pair.latest_departure_arriving_by_0800_s == hms("7:00")
    assert pair.commute_possible is True
    late = pair_indicators("A", "B", [Journey(hms("7:00"), hms("8:00") + 1, 0)], homeward)
    assert late.commute_possible is False
    early_home = [Journey(hms("17:00") - 1, hms("17:30"), 0)]
    assert pair_indicators("A", "B", outward, early_home).commute_possible is False


def overnight_feed(tmp_path: Path, *, cut: str | None = None) -> Path:
    """A→B in the morning; an evening train to C whose connection to B leaves next morning."""
    trips = [
        trip("Morning", ("A", "6:00"), ("B", "6:30")),
        trip("Evening", ("A", "22:00"), ("C", "22:30")),
        trip("Early", ("C", "6:50"), ("B", "7:20")),
        trip("Back", ("B", "17:10"), ("A", "17:40")),
    ]
    return write_feed(
        tmp_path / (cut or "overnight"),
        feed_files(stops("A", "B", "C"), *[t for t in trips if t[0]["trip_id"] != cut]),
    )


def test_an_overnight_wait_adds_no_journey_nor_a_late_last_departure(tmp_path: Path) -> None:
    pair = analyse(load_feed(overnight_feed(tmp_path)), PLACES, DAY).pair("Aby", "Bstad")
    assert pair.journeys == 1
    assert pair.first_departure_s == pair.last_departure_s == hms("6:00")
    assert pair.fastest_s == 1800 and pair.direct_trips == 1
    assert pair.commute_possible and pair.saturday_commute_possible


def test_compare_does_not_flag_a_cut_train_that_only_served_an_overnight_wait(
    tmp_path: Path,
) -> None:
    from transit.compare import compare

    before = analyse(load_feed(overnight_feed(tmp_path)), PLACES, DAY)
    after = analyse(load_feed(overnight_feed(tmp_path, cut="Early")), PLACES, DAY)
    flagged = [(p.origin, p.destination) for p in compare(before, after).flagged]
    assert ("Aby", "Bstad") not in flagged
    assert flagged == [("Cköping", "Aby"), ("Cköping", "Bstad")]


def test_places_whose_circles_overlap_count_only_journeys_that_leave(tmp_path: Path) -> None:
    files = feed_files(
        stops("A", "B", "C", spacing_m=600.0),
        trip("Inside", ("A", "8:00"), ("B", "8:10")),
        trip("Out", ("A", "9:00"), ("B", "9:10"), ("C", "9:30")),
    )
    feed = load_feed(write_feed(tmp_path / "feed", files))
    # Within 1,000 m: P has A and B, Q has B and C.
    places = [
        Place("P", 59.0, 15.0),
        Place("Q", 59.0 + 1200.0 / 111_000, 15.0),
    ]
    result = analyse(feed, places, DAY)
    assert [p.stops for p in result.places] == [2, 2]
    there = result.pair("P", "Q")
    assert (there.journeys, there.direct_trips) == (1, 1)
    assert there.first_departure_s == hms("9:10") and there.fastest_s == 1200
    back = result.pair("Q", "P")
    assert (back.journeys, back.direct_trips) == (0, 0)

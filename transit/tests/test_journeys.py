"""Journeys on tiny hand-built feeds with known answers; the brute force must agree on each."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from transit import Journey, all_pairs, journeys, load_feed
from transit.tests.bruteforce import BruteForce
from transit.tests.feeds import DAY, feed_files, hms, stops, trip, write_feed
from transit.timetable import Timetable


def solve(tt: Timetable, origin: list[str], destination: list[str]) -> list[Journey]:
    """Journeys by the engine, checked against the brute force."""
    index = tt.feed.stop_index
    a = [index[s] for s in origin]
    b = [index[s] for s in destination]
    found = journeys(tt, a, b)
    assert found == BruteForce(tt).journeys_from(a, {"B": b})["B"]
    assert found == all_pairs(tt, {"from": a, "to": b})[("from", "to")]
    return found


def J(dep: str, arr: str, changes: int) -> Journey:
    return Journey(hms(dep), hms(arr), changes)


def change_feed(tmp_path: Path, **extra: list[dict[str, object]] | None) -> Path:
    return write_feed(
        tmp_path / "feed",
        feed_files(
            stops("A", "B", "C"),
            trip("T1", ("A", "8:00"), ("B", "8:30")),
            trip("T2", ("B", "8:31"), ("C", "9:00")),
            trip("T3", ("B", "8:33"), ("C", "9:10")),
            **extra,
        ),
    )


def test_a_change_needs_the_minimum_transfer_time(tmp_path: Path) -> None:
    tt = load_feed(change_feed(tmp_path)).timetable(DAY)
    # T2 leaves 60 s after T1 arrives and is missed; T3 leaves 180 s after and is caught.
    assert solve(tt, ["A"], ["C"]) == [J("8:00", "9:10", 1)]
    assert solve(tt, ["B"], ["C"]) == [J("8:31", "9:00", 0), J("8:33", "9:10", 0)]


def test_a_shorter_minimum_transfer_time_catches_the_earlier_trip(tmp_path: Path) -> None:
    tt = load_feed(change_feed(tmp_path)).timetable(DAY, min_transfer_s=60)
    assert solve(tt, ["A"], ["C"]) == [J("8:00", "9:00", 1)]


def test_transfers_txt_sets_the_time_at_a_stop(tmp_path: Path) -> None:
    rules = [{"from_stop_id": "B", "to_stop_id": "B", "transfer_type": 2, "min_transfer_time": 300}]
    tt = load_feed(change_feed(tmp_path, transfers_txt=rules)).timetable(DAY)
    # Both trips of the day are missed: the first train that can be caught runs tomorrow.
    assert solve(tt, ["A"], ["C"]) == [J("8:00", "33:00", 1)]


def test_a_forbidden_transfer_is_never_made(tmp_path: Path) -> None:
    rules = [{"from_stop_id": "B", "to_stop_id": "B", "transfer_type": 3}]
    tt = load_feed(change_feed(tmp_path, transfers_txt=rules)).timetable(DAY)
    assert solve(tt, ["A"], ["C"]) == []


def test_a_timed_transfer_between_two_trips_needs_no_time(tmp_path: Path) -> None:
    rules = [
        {
            "from_stop_id": "B",
            "to_stop_id": "B",
            "transfer_type": 1,
            "from_trip_id": "T1",
            "to_trip_id": "T2",
        }
    ]
    tt = load_feed(change_feed(tmp_path, transfers_txt=rules)).timetable(DAY)
    assert solve(tt, ["A"], ["C"]) == [J("8:00", "9:00", 1)]


def test_a_trip_specific_rule_beats_a_stop_rule(tmp_path: Path) -> None:
    rules = [
        {
            "from_stop_id": "B",
            "to_stop_id": "B",
            "transfer_type": 3,
            "from_trip_id": "",
            "to_trip_id": "",
        },
        {
            "from_stop_id": "B",
            "to_stop_id": "B",
            "transfer_type": 2,
            "min_transfer_time": 0,
            "from_trip_id": "T1",
            "to_trip_id": "T3",
        },
    ]
    tt = load_feed(change_feed(tmp_path, transfers_txt=rules)).timetable(DAY)
    assert solve(tt, ["A"], ["C"]) == [J("8:00", "9:10", 1)]


def test_a_route_rule_forbids_changing_onto_that_route(tmp_path: Path) -> None:
    files = feed_files(
        stops("A", "B", "C"),
        trip("T1", ("A", "8:00"), ("B", "8:30")),
        trip("T2", ("B", "8:35"), ("C", "9:00"), route="R2"),
        trip("T3", ("B", "8:40"), ("C", "9:10")),
        transfers_txt=[
            {"from_stop_id": "B", "to_stop_id": "B", "transfer_type": 3, "to_route_id": "R2"}
        ],
        routes_txt=[{"route_id": "R", "route_type": 3}, {"route_id": "R2", "route_type": 3}],
    )
    tt = load_feed(write_feed(tmp_path / "feed", files)).timetable(DAY)
    assert solve(tt, ["A"], ["C"]) == [J("8:00", "9:10", 1)]


def walking_feed(tmp_path: Path) -> Path:
    # B2 is 300 m from B: 250 s on foot.
    stop_rows = [
        *stops("A", "B", "C"),
        {
            "stop_id": "B2",
            "stop_name": "B2",
            "stop_lat": 59.0 + 5000 / 111_000 + 300 / 111_195,
            "stop_lon": 15.0,
        },
    ]
    return write_feed(
        tmp_path / "feed",
        feed_files(
            stop_rows,
            trip("T1", ("A", "8:00"), ("B", "8:30")),
            trip("T2", ("B2", "8:33"), ("C", "9:00")),
            trip("T3", ("B2", "8:35"), ("C", "9:10")),
        ),
    )


def test_walking_is_off_by_default(tmp_path: Path) -> None:
    tt = load_feed(walking_feed(tmp_path)).timetable(DAY)
    assert solve(tt, ["A"], ["C"]) == []


def test_walking_between_stops_takes_its_time(tmp_path: Path) -> None:
    tt = load_feed(walking_feed(tmp_path)).timetable(DAY, walk_m=500)
    assert solve(tt, ["A"], ["C"]) == [J("8:00", "9:10", 1)]
    # Too short a walking distance is no link at all.
    tt = load_feed(walking_feed(tmp_path)).timetable(DAY, walk_m=200)
    assert solve(tt, ["A"], ["C"]) == []


def test_a_type_2_transfer_between_stops_is_a_walking_link(tmp_path: Path) -> None:
    path = walking_feed(tmp_path)
    write_feed(
        path,
        {
            "transfers.txt": [
                {
                    "from_stop_id": "B",
                    "to_stop_id": "B2",
                    "transfer_type": 2,
                    "min_transfer_time": 150,
                }
            ]
        },
    )
    tt = load_feed(path).timetable(DAY)
    assert solve(tt, ["A"], ["C"]) == [J("8:00", "9:00", 1)]


def test_a_trip_of_the_day_before_runs_past_midnight(tmp_path: Path) -> None:
    calendar = [
        {
            "service_id": "S",
            "monday": 0,
            "tuesday": 1,
            "wednesday": 0,
            "thursday": 0,
            "friday": 0,
            "saturday": 0,
            "sunday": 0,
            "start_date": "20240101",
            "end_date": "20241231",
        }
    ]
    files = feed_files(
        stops("A", "B", "C"),
        trip("N", ("A", "23:30"), ("B", "24:20"), ("C", "24:40")),
        calendar_txt=calendar,
    )
    feed = load_feed(write_feed(tmp_path / "feed", files))
    tt = feed.timetable(DAY)  # Wednesday: the Tuesday night trip is at B at 00:20
    assert solve(tt, ["B"], ["C"]) == [J("0:20", "0:40", 0)]
    assert solve(tt, ["A"], ["C"]) == []
    # On the Tuesday itself the trip leaves A before midnight and arrives at 24:40.
    tuesday = feed.timetable(DAY - dt.timedelta(days=1))
    assert solve(tuesday, ["A"], ["C"]) == [J("23:30", "24:40", 0)]


def test_a_journey_continues_on_a_trip_of_the_next_day(tmp_path: Path) -> None:
    files = feed_files(
        stops("A", "B", "C"),
        trip("T1", ("A", "23:40"), ("B", "23:55")),
        trip("T2", ("B", "0:10"), ("C", "0:30")),
    )
    tt = load_feed(write_feed(tmp_path / "feed", files)).timetable(DAY)
    assert solve(tt, ["A"], ["C"]) == [J("23:40", "24:30", 1)]
    # The next day's 00:10 departure from B belongs to that day.
    assert solve(tt, ["B"], ["C"]) == [J("0:10", "0:30", 0)]


def test_calendar_dates_remove_and_add_service(tmp_path: Path) -> None:
    files = feed_files(
        stops("A", "B"),
        trip("Daily", ("A", "8:00"), ("B", "8:30")),
        trip("Extra", ("A", "9:00"), ("B", "9:30"), service="X"),
        calendar_dates_txt=[
            {"service_id": "S", "date": "20240110", "exception_type": 2},
            {"service_id": "X", "date": "20240110", "exception_type": 1},
        ],
    )
    feed = load_feed(write_feed(tmp_path / "feed", files))
    assert solve(feed.timetable(DAY), ["A"], ["B"]) == [J("9:00", "9:30", 0)]
    assert solve(feed.timetable(DAY + dt.timedelta(days=1)), ["A"], ["B"]) == [J("8:00", "8:30", 0)]


def test_a_feed_with_only_calendar_dates(tmp_path: Path) -> None:
    files = feed_files(
        stops("A", "B"),
        trip("Extra", ("A", "9:00"), ("B", "9:30"), service="X"),
        calendar_txt=None,
        calendar_dates_txt=[{"service_id": "X", "date": "20240110", "exception_type": 1}],
    )
    feed = load_feed(write_feed(tmp_path / "feed", files))
    assert solve(feed.timetable(DAY), ["A"], ["B"]) == [J("9:00", "9:30", 0)]
    assert solve(feed.timetable(DAY + dt.timedelta(days=1)), ["A"], ["B"]) == []


def test_frequencies_run_the_trip_every_headway(tmp_path: Path) -> None:
    for exact in (0, 1):
        files = feed_files(
            stops("A", "B"),
            trip("F", ("A", "5:00"), ("B", "5:10")),
            frequencies_txt=[
                {
                    "trip_id": "F",
                    "start_time": "8:00:00",
                    "end_time": "9:00:00",
                    "headway_secs": 1200,
                    "exact_times": exact,
                }
            ],
        )
        tt = load_feed(write_feed(tmp_path / f"feed{exact}", files)).timetable(DAY)
        assert solve(tt, ["A"], ["B"]) == [
            J("8:00", "8:10", 0),
            J("8:20", "8:30", 0),
            J("8:40", "8:50", 0),
        ]


def test_a_station_with_child_stops(tmp_path: Path) -> None:
    stop_rows = [
        *stops("A", "C"),
        {
            "stop_id": "P",
            "stop_name": "Station",
            "stop_lat": 59.5,
            "stop_lon": 15.0,
            "location_type": 1,
        },
        {
            "stop_id": "P1",
            "stop_name": "Platform 1",
            "stop_lat": 59.5,
            "stop_lon": 15.0003,
            "location_type": 0,
            "parent_station": "P",
        },
        {
            "stop_id": "P2",
            "stop_name": "Platform 2",
            "stop_lat": 59.5,
            "stop_lon": 14.9997,
            "location_type": "",
            "parent_station": "P",
        },
    ]
    files = feed_files(
        stop_rows,
        trip("T1", ("A", "8:00"), ("P1", "8:30")),
        trip("T2", ("P2", "8:31"), ("C", "9:00")),
        trip("T3", ("P2", "8:33"), ("C", "9:10")),
    )
    feed = load_feed(write_feed(tmp_path / "feed", files))
    index = feed.stop_index
    assert sorted(feed.stops_near(59.5, 15.0, 100)) == [index["P1"], index["P2"]]
    # Platforms of one station count as one place to change at.
    assert solve(feed.timetable(DAY), ["A"], ["C"]) == [J("8:00", "9:10", 1)]


def test_a_journey_can_start_in_the_middle_of_a_trip(tmp_path: Path) -> None:
    files = feed_files(stops("X", "A", "B"), trip("T", ("X", "7:00"), ("A", "7:30"), ("B", "8:00")))
    tt = load_feed(write_feed(tmp_path / "feed", files)).timetable(DAY)
    assert solve(tt, ["A"], ["B"]) == [J("7:30", "8:00", 0)]


def test_pickup_and_drop_off_types_are_respected(tmp_path: Path) -> None:
    t, times = trip("T", ("A", "7:00"), ("B", "7:30"), ("C", "8:00"))
    times[1]["pickup_type"] = 1
    times[1]["drop_off_type"] = 1
    times[0]["pickup_type"] = 0
    tt = load_feed(
        write_feed(tmp_path / "feed", feed_files(stops("A", "B", "C"), (t, times)))
    ).timetable(DAY)
    assert solve(tt, ["A"], ["B"]) == []
    assert solve(tt, ["B"], ["C"]) == []
    assert solve(tt, ["A"], ["C"]) == [J("7:00", "8:00", 0)]


def test_only_pareto_optimal_journeys_are_kept(tmp_path: Path) -> None:
    files = feed_files(
        stops("A", "B"),
        trip("Slow", ("A", "8:00"), ("B", "10:00")),
        trip("Fast", ("A", "8:30"), ("B", "9:00")),
        trip("Same", ("A", "8:40"), ("B", "9:00")),
    )
    tt = load_feed(write_feed(tmp_path / "feed", files)).timetable(DAY)
    assert solve(tt, ["A"], ["B"]) == [J("8:40", "9:00", 0)]


def test_fewest_changes_among_journeys_with_the_same_times(tmp_path: Path) -> None:
    files = feed_files(
        stops("A", "B", "C"),
        trip("Through", ("A", "8:00"), ("B", "8:30"), ("C", "9:00")),
        trip("First", ("A", "8:00"), ("B", "8:20")),
        trip("Second", ("B", "8:30"), ("C", "9:00")),
    )
    tt = load_feed(write_feed(tmp_path / "feed", files)).timetable(DAY)
    assert solve(tt, ["A"], ["C"]) == [J("8:00", "9:00", 0)]


def test_an_overnight_wait_is_no_journey_when_the_morning_departure_arrives_as_early(
    tmp_path: Path,
) -> None:
    files = feed_files(
        stops("A", "B", "C"),
        trip("Morning", ("A", "6:00"), ("B", "6:30")),
        trip("Evening", ("A", "22:00"), ("C", "22:30")),
        trip("Early", ("C", "6:50"), ("B", "7:20")),
    )
    tt = load_feed(write_feed(tmp_path / "feed", files)).timetable(DAY)
    # Leaving at 22:00 and waiting at C overnight arrives at 07:20 tomorrow; tomorrow's 06:00
    # arrives earlier: the evening departure gets nobody anywhere that night.
    assert solve(tt, ["A"], ["B"]) == [J("6:00", "6:30", 0)]
    assert solve(tt, ["A"], ["C"]) == [J("22:00", "22:30", 0)]


def test_a_late_train_arriving_after_midnight_is_a_journey(tmp_path: Path) -> None:
    files = feed_files(
        stops("A", "B"),
        trip("Day", ("A", "12:00"), ("B", "13:00")),
        trip("Night", ("A", "23:30"), ("B", "24:40")),
    )
    tt = load_feed(write_feed(tmp_path / "feed", files)).timetable(DAY)
    # Nothing leaving tomorrow arrives by 00:40: the night train is kept.
    assert solve(tt, ["A"], ["B"]) == [J("12:00", "13:00", 0), J("23:30", "24:40", 0)]


def test_one_cannot_change_where_the_vehicle_lets_nobody_off(tmp_path: Path) -> None:
    t, times = trip("T1", ("A", "8:00"), ("X", "8:20"), ("B", "8:40"))
    times[1]["drop_off_type"] = 1
    files = feed_files(
        stops("A", "X", "B", "C"), (t, times), trip("T2", ("X", "8:30"), ("C", "9:00"))
    )
    tt = load_feed(write_feed(tmp_path / "feed", files)).timetable(DAY)
    assert solve(tt, ["A"], ["C"]) == []
    assert solve(tt, ["A"], ["B"]) == [J("8:00", "8:40", 0)]


def test_journeys_from_an_untimed_stop_use_interpolated_times(tmp_path: Path) -> None:
    t, times = trip("T", ("A", "8:00"), ("M", "8:00"), ("B", "8:30"))
    times[1]["arrival_time"] = times[1]["departure_time"] = ""
    tt = load_feed(
        write_feed(tmp_path / "feed", feed_files(stops("A", "M", "B"), (t, times)))
    ).timetable(DAY)
    assert solve(tt, ["M"], ["B"]) == [J("8:15", "8:30", 0)]
    assert solve(tt, ["A"], ["M"]) == [J("8:00", "8:15", 0)]


def test_a_journey_must_leave_its_origin_when_places_overlap(tmp_path: Path) -> None:
    files = feed_files(
        stops("A", "B", "C"),
        trip("Inside", ("A", "8:00"), ("B", "8:10")),
        trip("Out", ("A", "9:00"), ("B", "9:10"), ("C", "9:30")),
    )
    tt = load_feed(write_feed(tmp_path / "feed", files)).timetable(DAY)
    # P's stops are A and B, Q's are B and C: from P, Q is reached at C only (boarding at B).
    assert solve(tt, ["A", "B"], ["B", "C"]) == [J("9:10", "9:30", 0)]
    index = tt.feed.stop_index
    found = all_pairs(tt, {"P": [index["A"], index["B"]], "Q": [index["B"], index["C"]]})
    assert found[("P", "Q")] == [J("9:10", "9:30", 0)]
    assert found[("Q", "P")] == []

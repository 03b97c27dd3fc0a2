"""Loading feeds: encodings, layouts, the timetable of a date, and every error path."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from transit import FeedError, load_feed
from transit.tests.feeds import DAY, feed_files, stops, trip, write_feed


def good_files() -> dict[str, list[dict[str, object]] | None]:
    return feed_files(stops("Örebro", "Åby"), trip("T", ("Örebro", "8:00"), ("Åby", "25:30")))


def test_a_zip_and_a_folder_load_the_same(tmp_path: Path) -> None:
    folder = write_feed(tmp_path / "feed", good_files())
    archive = tmp_path / "feed.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for f in folder.iterdir():
            out.write(f, f"gtfs/{f.name}")
    a, b = load_feed(folder), load_feed(archive)
    assert a.stop_ids == b.stop_ids == ["Örebro", "Åby"]
    assert a.st_arr.tolist() == b.st_arr.tolist() == [8 * 3600, 25 * 3600 + 1800]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_encodings(tmp_path: Path, encoding: str) -> None:
    feed = load_feed(write_feed(tmp_path / "feed", good_files(), encoding=encoding))
    assert feed.stop_names == ["Örebro", "Åby"]
    assert feed.agency_names == ["Länstrafiken"]


def test_columns_in_any_order_and_optional_columns_absent(tmp_path: Path) -> None:
    folder = write_feed(tmp_path / "feed", good_files())
    (folder / "stop_times.txt").write_text(
        "stop_sequence,stop_id,departure_time,trip_id,arrival_time\n2,Åby,25:30:00,T,25:30:00\n1,Örebro,08:00:00,T,08:00:00\n",
        encoding="utf-8",
    )
    (folder / "stops.txt").write_text(
        "stop_lon,stop_lat,stop_id\n15,59,Örebro\n15,59.1,Åby\n", encoding="utf-8"
    )
    feed = load_feed(folder)
    assert [feed.stop_ids[s] for s in feed.st_stop] == ["Örebro", "Åby"]


def test_times_left_out_at_intermediate_stops_are_interpolated(tmp_path: Path) -> None:
    files = feed_files(stops("A", "B", "C"), trip("T", ("A", "8:00"), ("B", "8:10"), ("C", "8:20")))
    rows = files["stop_times.txt"]
    assert rows is not None
    rows[1]["arrival_time"] = rows[1]["departure_time"] = ""
    feed = load_feed(write_feed(tmp_path / "feed", files))
    assert feed.st_arr.tolist() == [28800, 29400, 30000]


def test_the_timetable_has_connections_sorted_by_departure(tmp_path: Path) -> None:
    files = feed_files(
        stops("A", "B", "C"),
        trip("Late", ("B", "9:00"), ("C", "9:30")),
        trip("Early", ("A", "8:00"), ("B", "8:30"), ("C", "9:00")),
    )
    tt = load_feed(write_feed(tmp_path / "feed", files)).timetable(DAY)
    # Today's three connections, then tomorrow's three, 24 h later.
    assert tt.dep_s.tolist() == [28800, 30600, 32400, 115200, 117000, 118800]
    assert tt.n_trips == 4  # two trips today, two tomorrow


def broken(tmp_path: Path, **changes: list[dict[str, object]] | None) -> str:
    files = {**good_files(), **{k.replace("_txt", ".txt"): v for k, v in changes.items()}}
    with pytest.raises(FeedError) as caught:
        load_feed(write_feed(tmp_path / "feed", files))
    return str(caught.value)


@pytest.mark.parametrize(
    "name", ["agency.txt", "stops.txt", "routes.txt", "trips.txt", "stop_times.txt"]
)
def test_a_missing_required_file(tmp_path: Path, name: str) -> None:
    folder = write_feed(tmp_path / "feed", good_files())
    (folder / name).unlink()
    with pytest.raises(FeedError, match=f"missing required file {name}"):
        load_feed(folder)


def test_a_feed_without_any_calendar(tmp_path: Path) -> None:
    assert "calendar.txt or calendar_dates.txt" in broken(tmp_path, calendar_txt=None)


def test_a_missing_required_column(tmp_path: Path) -> None:
    message = broken(tmp_path, trips_txt=[{"route_id": "R", "trip_id": "T"}])
    assert message == "trips.txt, line 1: missing required column service_id"


def test_a_missing_stop_times_column(tmp_path: Path) -> None:
    rows = [{"trip_id": "T", "stop_id": "Åby", "stop_sequence": 1, "arrival_time": "8:00:00"}]
    assert (
        broken(tmp_path, stop_times_txt=rows)
        == "stop_times.txt, line 1: missing required column departure_time"
    )


def stop_time(**row: object) -> dict[str, object]:
    return {
        "trip_id": "T",
        "arrival_time": "8:00:00",
        "departure_time": "8:00:00",
        "stop_id": "Åby",
        "stop_sequence": 1,
        **row,
    }


def test_a_stop_time_with_an_unknown_trip(tmp_path: Path) -> None:
    rows = [stop_time(), stop_time(trip_id="Nope", stop_sequence=2)]
    assert broken(tmp_path, stop_times_txt=rows) == "stop_times.txt, line 3: unknown trip_id 'Nope'"


def test_a_stop_time_with_an_unknown_stop(tmp_path: Path) -> None:
    rows = [stop_time(), stop_time(stop_id="Nowhere", stop_sequence=2)]
    assert (
        broken(tmp_path, stop_times_txt=rows) == "stop_times.txt, line 3: unknown stop_id 'Nowhere'"
    )


@pytest.mark.parametrize("value", ["8.00.00", "8:61:00", "soon", "8:00"])
def test_an_unparsable_time(tmp_path: Path, value: str) -> None:
    rows = [stop_time(), stop_time(stop_sequence=2, arrival_time=value, departure_time="9:00:00")]
    assert (
        broken(tmp_path, stop_times_txt=rows)
        == f"stop_times.txt, line 3: unparsable arrival_time {value!r} (expected H:MM:SS)"
    )


def test_an_arrival_before_the_previous_departure(tmp_path: Path) -> None:
    rows = [
        stop_time(departure_time="9:00:00", arrival_time="9:00:00"),
        stop_time(stop_sequence=2, arrival_time="8:30:00", departure_time="8:30:00"),
    ]
    assert (
        broken(tmp_path, stop_times_txt=rows)
        == "stop_times.txt, line 3: arrival_time 08:30:00 is before the departure_time 09:00:00"
        " of the trip's stop on line 2"
    )


def test_a_time_after_midnight_written_as_the_next_day_is_reported_at_its_own_row(
    tmp_path: Path,
) -> None:
    rows = [stop_time(stop_id="Örebro", arrival_time="23:10:00", departure_time="23:10:00")]
    for sequence in range(2, 62):  # sixty untimed stops between
        rows.append(stop_time(stop_sequence=sequence, arrival_time="", departure_time=""))
    rows.append(stop_time(stop_sequence=62, arrival_time="00:02:00", departure_time="00:02:00"))
    assert broken(tmp_path, stop_times_txt=rows) == (
        "stop_times.txt, line 63: arrival_time 00:02:00 is before the departure_time 23:10:00"
        " of the trip's stop on line 2 (times after midnight are written 24:00:00 and later)"
    )


def test_a_departure_before_the_arrival(tmp_path: Path) -> None:
    rows = [stop_time(arrival_time="9:00:00", departure_time="8:59:00")]
    assert (
        broken(tmp_path, stop_times_txt=rows)
        == "stop_times.txt, line 2: departure_time is before arrival_time"
    )


def test_an_unparsable_stop_sequence(tmp_path: Path) -> None:
    assert broken(tmp_path, stop_times_txt=[stop_time(stop_sequence="first")]) == (
        "stop_times.txt, line 2: unparsable stop_sequence 'first' (expected an integer)"
    )


def test_a_duplicate_stop_sequence(tmp_path: Path) -> None:
    assert (
        broken(tmp_path, stop_times_txt=[stop_time(), stop_time()])
        == "stop_times.txt, line 3: duplicate stop_sequence 1"
    )


def test_a_trip_without_times_at_its_ends(tmp_path: Path) -> None:
    rows = [stop_time(), stop_time(stop_sequence=2, arrival_time="", departure_time="")]
    assert (
        broken(tmp_path, stop_times_txt=rows)
        == "stop_times.txt, line 3: the first and last stop of a trip need times"
    )


def test_a_duplicate_stop_id(tmp_path: Path) -> None:
    assert (
        broken(tmp_path, stops_txt=[*stops("A"), *stops("A")])
        == "stops.txt, line 3: duplicate stop_id 'A'"
    )


def test_an_unknown_parent_station_is_ignored_with_a_warning_that_counts(tmp_path: Path) -> None:
    rows = [*stops("Örebro", "Åby", "Ås")]
    rows[1]["parent_station"] = "Nope"
    rows[2]["parent_station"] = "Gone"
    files = {**good_files(), "stops.txt": rows}
    feed = load_feed(write_feed(tmp_path / "feed", files))
    assert feed.parent.tolist() == [-1, -1, -1]
    assert feed.warnings == [
        "stops.txt: 2 stops name a parent_station that is not in the file (first on line 3);"
        " they are read as stops without a station"
    ]
    assert feed.timetable(DAY).n_connections > 0


@pytest.mark.parametrize("value", ["300", "-1", "5"])
def test_a_location_type_out_of_range(tmp_path: Path, value: str) -> None:
    rows = [*stops("Örebro", "Åby")]
    rows[1]["location_type"] = value
    assert broken(tmp_path, stops_txt=rows) == (
        f"stops.txt, line 3: location_type must be 0 to 4, not '{value}'"
    )


def test_a_stop_off_the_earth(tmp_path: Path) -> None:
    rows = [*stops("Örebro", "Åby")]
    rows[1]["stop_lat"] = 95
    assert broken(tmp_path, stops_txt=rows) == (
        "stops.txt, line 3: stop_lat 95 and stop_lon 15.0 are not a position on Earth"
    )


def test_cr_only_line_ends_are_read(tmp_path: Path) -> None:
    folder = write_feed(tmp_path / "feed", good_files())
    for name in ("stop_times.txt", "stops.txt"):
        path = folder / name
        path.write_bytes(path.read_bytes().replace(b"\r\n", b"\r"))
    feed = load_feed(folder)
    assert feed.stop_ids == ["Örebro", "Åby"] and len(feed.st_stop) == 2


def test_a_stop_without_coordinates(tmp_path: Path) -> None:
    rows = [*stops("Örebro"), {"stop_id": "Åby", "stop_lat": "", "stop_lon": ""}]
    assert broken(tmp_path, stops_txt=rows) == "stops.txt, line 3: missing stop_lat or stop_lon"


def test_a_trip_on_an_unknown_route(tmp_path: Path) -> None:
    assert (
        broken(tmp_path, trips_txt=[{"route_id": "Nope", "service_id": "S", "trip_id": "T"}])
        == "trips.txt, line 2: unknown route_id 'Nope'"
    )


def test_an_unparsable_calendar_date(tmp_path: Path) -> None:
    rows = [
        {
            "service_id": "S",
            **dict.fromkeys(
                ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"), 1
            ),
            "start_date": "2024-01-01",
            "end_date": "20241231",
        }
    ]
    assert (
        broken(tmp_path, calendar_txt=rows)
        == "calendar.txt, line 2: unparsable start_date '2024-01-01' (expected YYYYMMDD)"
    )


def test_a_bad_exception_type(tmp_path: Path) -> None:
    rows = [{"service_id": "S", "date": "20240110", "exception_type": 3}]
    assert (
        broken(tmp_path, calendar_dates_txt=rows)
        == "calendar_dates.txt, line 2: exception_type must be 1 or 2, not '3'"
    )


def test_a_bad_frequency(tmp_path: Path) -> None:
    rows = [{"trip_id": "T", "start_time": "8:00:00", "end_time": "9:00:00", "headway_secs": 0}]
    assert (
        broken(tmp_path, frequencies_txt=rows)
        == "frequencies.txt, line 2: headway_secs must be positive and at most a week"
    )


def test_a_transfer_to_an_unknown_stop(tmp_path: Path) -> None:
    rows = [{"from_stop_id": "Åby", "to_stop_id": "Nope", "transfer_type": 0}]
    assert (
        broken(tmp_path, transfers_txt=rows) == "transfers.txt, line 2: unknown to_stop_id 'Nope'"
    )


def test_not_a_feed(tmp_path: Path) -> None:
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip")
    with pytest.raises(FeedError, match="not a zip archive"):
        load_feed(junk)
    with pytest.raises(FeedError, match="no such file"):
        load_feed(tmp_path / "missing")


def test_an_empty_file(tmp_path: Path) -> None:
    folder = write_feed(tmp_path / "feed", good_files())
    (folder / "routes.txt").write_text("")
    with pytest.raises(FeedError, match=r"^routes.txt, line 1: the file is empty"):
        load_feed(folder)


def test_the_real_feed_copy_is_in_the_repository() -> None:
    here = Path(__file__).resolve().parents[2] / "data" / "gtfs"
    assert (here / "sj-rail-2023.zip").is_file() and (here / "sj-rail-2023.SOURCE.md").is_file()


def test_an_integer_out_of_range(tmp_path: Path) -> None:
    rows: list[dict[str, object]] = [{"route_id": "R", "route_type": "99999999999999999999"}]
    assert broken(tmp_path, routes_txt=rows) == (
        "routes.txt, line 2: route_type 99999999999999999999 is out of range"
    )

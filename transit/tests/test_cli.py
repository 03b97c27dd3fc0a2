"""The command line, run as a real subprocess."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from transit.tests.test_indicators import PLACES, REQUIRED_KEYS, commute_feed

ROOT = Path(__file__).resolve().parents[2]
FEED = "data/gtfs/sj-rail-2023.zip"


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "transit", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def towns_csv(folder: Path) -> Path:
    """The county's seats and neighbouring towns as name,lat,lon,population."""
    path = folder / "places.csv"
    with (
        (ROOT / "data" / "geo" / "towns.csv").open(encoding="utf-8") as f,
        path.open("w", newline="", encoding="utf-8") as out,
    ):
        writer = csv.writer(out)
        writer.writerow(["name", "lat", "lon", "population"])
        for row in csv.DictReader(f):
            writer.writerow([row["town"], row["lat"], row["lon"], row["kommun_pop_2024_12_31"]])
    return path


def tiny_places_csv(folder: Path) -> Path:
    path = folder / "tiny.csv"
    rows = [f"{p.name},{p.lat},{p.lon},{p.population}" for p in PLACES]
    path.write_text("name,lat,lon,population\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def county_run(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    """One run over the real feed on Tuesday 2023-11-28, shared by the module's tests."""
    places = towns_csv(tmp_path_factory.mktemp("county"))
    done = run("connectivity", FEED, "--date", "2023-11-28", "--places", places)
    return done, json.loads(done.stdout) if done.returncode == 0 else {}


def test_connectivity_prints_every_pair_of_the_county(
    county_run: tuple[subprocess.CompletedProcess[str], dict[str, Any]],
) -> None:
    done, data = county_run
    assert done.returncode == 0, done.stderr
    assert data["date"] == "2023-11-28"
    names = [p["name"] for p in data["places"]]
    assert len(names) == 26 and all(isinstance(p["stops"], int) for p in data["places"])
    assert len(data["pairs"]) == 26 * 25
    for pair in data["pairs"]:
        assert list(pair)[: len(REQUIRED_KEYS)] == REQUIRED_KEYS
    pairs = {(p["from"], p["to"]): p for p in data["pairs"]}
    orebro_hallsberg = pairs[("Örebro", "Hallsberg")]
    assert orebro_hallsberg["journeys"] > 20
    assert orebro_hallsberg["direct_trips"] >= 20
    assert orebro_hallsberg["commute_possible"] is True
    assert orebro_hallsberg["latest_departure_arriving_by_0800_s"] <= 8 * 3600
    assert pairs[("Askersund", "Örebro")]["journeys"] == 0  # no railway in Askersund


def test_connectivity_writes_csv_and_xlsx(tmp_path: Path) -> None:
    feed = commute_feed(tmp_path)
    places = tiny_places_csv(tmp_path)
    done = run("connectivity", feed, "--date", "2024-01-10", "--places", places, "--format", "csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(done.stdout.splitlines()))
    assert len(rows) == 6 and list(rows[0])[: len(REQUIRED_KEYS)] == REQUIRED_KEYS
    assert rows[0]["from"] == "Aby" and rows[0]["to"] == "Bstad" and rows[0]["journeys"] == "3"

    out = tmp_path / "out.xlsx"
    args = ("--date", "2024-01-10", "--places", places, "--format", "xlsx", "--out", out)
    done = run("connectivity", feed, *args)
    assert done.returncode == 0, done.stderr
    import openpyxl

    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["pairs", "places"]
    assert [c.value for c in book["pairs"][1]][: len(REQUIRED_KEYS)] == REQUIRED_KEYS
    assert book["pairs"].max_row == 7


def test_progress_goes_to_stderr_when_asked(tmp_path: Path) -> None:
    args = ("--date", "2024-01-10", "--places", tiny_places_csv(tmp_path), "--progress")
    done = run("connectivity", commute_feed(tmp_path), *args)
    assert done.returncode == 0
    assert "9/9" in done.stderr
    json.loads(done.stdout)


def test_compare_flags_the_cut_train(tmp_path: Path) -> None:
    old = commute_feed(tmp_path)
    new = commute_feed(tmp_path, cut="T1")
    out = tmp_path / "changes.json"
    places = tiny_places_csv(tmp_path)
    done = run("compare", old, new, "--date", "2024-01-10", "--places", places, "--out", out)
    assert done.returncode == 0, done.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["flagged"] == 1
    change = next(p for p in data["pairs"] if (p["from"], p["to"]) == ("Aby", "Bstad"))
    assert (change["journeys_before"], change["journeys_after"]) == (3, 2)
    assert change["lost_journeys"] and change["slower"]


def test_compare_two_dates_of_one_feed_as_csv(tmp_path: Path) -> None:
    feed = commute_feed(tmp_path)
    args = ("--date", "2024-01-10", "--new-date", "2024-01-14", "--format", "csv")
    done = run("compare", feed, feed, *args, "--places", tiny_places_csv(tmp_path))
    assert done.returncode == 0, done.stderr
    rows = {(r["from"], r["to"]): r for r in csv.DictReader(done.stdout.splitlines())}
    assert rows[("Bstad", "Aby")]["lost_journeys"] == "True"


def assert_fails(done: subprocess.CompletedProcess[str], *words: str) -> None:
    assert done.returncode == 2
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    for word in words:
        assert word in done.stderr


def test_a_missing_feed_is_one_line_of_error(tmp_path: Path) -> None:
    places = tiny_places_csv(tmp_path)
    done = run("connectivity", tmp_path / "nope.zip", "--date", "2024-01-10", "--places", places)
    assert_fails(done, "nope.zip")
    assert len(done.stderr.strip().splitlines()) == 1


def test_a_broken_feed_names_the_file_and_line(tmp_path: Path) -> None:
    feed = commute_feed(tmp_path)
    times = feed / "stop_times.txt"
    times.write_text(times.read_text().replace("7:30:00", "7:xx:00"))
    done = run("connectivity", feed, "--date", "2024-01-10", "--places", tiny_places_csv(tmp_path))
    assert_fails(done, "stop_times.txt", "line")


def test_places_without_a_column_are_refused(tmp_path: Path) -> None:
    places = tmp_path / "places.csv"
    places.write_text("name,lat\nAby,59.0\n", encoding="utf-8")
    done = run("connectivity", commute_feed(tmp_path), "--date", "2024-01-10", "--places", places)
    assert_fails(done, "places.csv", "lon")


def test_a_bad_date_is_refused(tmp_path: Path) -> None:
    args = ("--date", "2024-13-01", "--places", tiny_places_csv(tmp_path))
    done = run("connectivity", commute_feed(tmp_path), *args)
    assert_fails(done, "2024-13-01")


def test_a_missing_places_file_is_refused(tmp_path: Path) -> None:
    args = ("--date", "2024-01-10", "--places", tmp_path / "none.csv")
    done = run("connectivity", commute_feed(tmp_path), *args)
    assert_fails(done, "none.csv")


def test_usage_errors_are_argparse_errors(tmp_path: Path) -> None:
    done = run("connectivity", commute_feed(tmp_path), "--places", tiny_places_csv(tmp_path))
    assert done.returncode == 2 and "usage:" in done.stderr and "--date" in done.stderr
    done = run(
        "connectivity",
        commute_feed(tmp_path),
        "--date",
        "2024-01-10",
        "--places",
        "x.csv",
        "--format",
        "xlsx",
    )
    assert done.returncode == 2 and "--out" in done.stderr


@pytest.mark.parametrize("lat", ["nan", "95", ""])
def test_places_off_the_earth_are_refused_with_their_line(tmp_path: Path, lat: str) -> None:
    places = tmp_path / "places.csv"
    places.write_text(f"name,lat,lon\nAby,59.0,15.0\nBstad,{lat},15.0\n", encoding="utf-8")
    done = run("connectivity", commute_feed(tmp_path), "--date", "2024-01-10", "--places", places)
    assert_fails(done, "places.csv, line 3")
    assert len(done.stderr.strip().splitlines()) == 1


def test_broken_archives_are_one_line_of_error(tmp_path: Path) -> None:
    from transit.tests.brokenzips import deflated, members_of, write_zip, zeros

    good = members_of(commute_feed(tmp_path))
    encrypted = [deflated(m.name, b"x") if m.name == "trips.txt" else m for m in good]
    next(m for m in encrypted if m.name == "trips.txt").flags = 1
    kinds = {
        "encrypted.zip": encrypted,
        "bomb.zip": [m for m in good if m.name != "stops.txt"] + [zeros("stops.txt", 1 << 30)],
    }
    places = tiny_places_csv(tmp_path)
    for name, members in kinds.items():
        path = write_zip(tmp_path / name, members)
        done = run("connectivity", path, "--date", "2024-01-10", "--places", places)
        assert_fails(done, "transit: error: ")
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_warnings_go_to_stderr_and_the_analysis_runs(tmp_path: Path) -> None:
    feed = commute_feed(tmp_path)
    stops_file = feed / "stops.txt"
    lines = stops_file.read_text(encoding="utf-8").splitlines()
    lines[0] += ",parent_station"
    lines[1] += ",Gone"
    stops_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = run("connectivity", feed, "--date", "2024-01-10", "--places", tiny_places_csv(tmp_path))
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith("transit: warning: stops.txt: 1 stop names a parent_station")
    assert json.loads(done.stdout)["pairs"]

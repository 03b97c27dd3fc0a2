"""The peers' side of bench/transit.py: the question each peer is given, in its own terms.

pyraptor and ferrobus run in environments of their own (var/bench/*-venv); what they are
asked is written here from the feed as the transit engine loaded it, so that both sides
answer the same question: only the date's own trips, no transfers.txt rules, no
pickup/drop-off restrictions, changes at the same stop in no time.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SJ_FEED = ROOT / "data" / "gtfs" / "sj-rail-2023.zip"
SJ_PLACES = ROOT / "data" / "geo" / "towns.csv"
SJ_DATE = dt.date(2023, 11, 28)
DAY_S = 86_400
# ferrobus's walk off a destination's node onto the place's point: 0 or 1 s at 0 m.
EGRESS_S = 1


# --------------------------------------------------------------------------- pyraptor


def comparison_feed(feed: Any, date: dt.date) -> Any:
    """The feed as pyraptor can see it: only the date's own trips, no transfers.txt, no
    pickup/drop-off restrictions (pyraptor models neither), so that both answer one question."""
    import numpy as np

    running = feed.services_on(date)
    return dataclasses.replace(
        feed,
        calendars={},
        calendar_dates={int(s): {date: 1} for s in np.flatnonzero(running)},
        transfers=[],
        frequencies=feed.frequencies,
        st_pickup=np.zeros_like(feed.st_pickup),
        st_dropoff=np.zeros_like(feed.st_dropoff),
    )


def write_problem(path: Path, budget_s: float, rounds: int) -> dict[str, Any]:
    """Export the SJ date's trips, station changes and the queries for pyraptor."""
    from transit import load_feed, place_stops

    feed = comparison_feed(load_feed(SJ_FEED), SJ_DATE)
    places = sj_places()
    stops = place_stops(feed, places)
    tt = feed.timetable(SJ_DATE, min_transfer_s=0)
    trips: list[list[tuple[int, int, int]]] = []
    for instance in range(tt.n_trips):
        t = int(tt.trip_feed[instance])
        shift = int(tt.trip_shift_s[instance])
        lo, hi = int(feed.trip_start[t]), int(feed.trip_start[t + 1])
        trips.append(
            [
                (int(feed.st_stop[r]), int(feed.st_arr[r]) + shift, int(feed.st_dep[r]) + shift)
                for r in range(lo, hi)
            ]
        )
    used = sorted({s for calls in trips for s, _, _ in calls})
    # A station is the parent station, or the stop itself.
    station_of = [f"P{int(feed.parent[s])}" if feed.parent[s] >= 0 else f"S{s}" for s in used]
    transfers = [
        (int(v), int(w), int(seconds))
        for v in used
        for w, seconds in tt.links(v)
        if v != w and seconds >= 0
    ]
    names = [p.name for p in places]
    served = [i for i, n in enumerate(names) if stops[n]]
    queries = []
    for hour in (7, 16, 9, 12, 6, 18, 8, 14, 20, 10):
        for o in served:
            queries.append(
                {
                    "origin_place": o,
                    "origin": stops[names[o]],
                    "departure_s": hour * 3600,
                    "destination_places": [d for d in served if d != o],
                    "destinations": [stops[names[d]] for d in served if d != o],
                }
            )
    # Queries a full profile stands for: one per origin and distinct departure time.
    needed = 0
    for o in served:
        at = np.isin(tt.dep_stop, stops[names[o]]) & tt.can_board & (tt.dep_s < 86_400)
        needed += len(np.unique(tt.dep_s[at]))
    problem = {
        "feed": str(SJ_FEED),
        "places": str(SJ_PLACES),
        "date": SJ_DATE.isoformat(),
        "place_names": names,
        "stops": used,
        "station_of": station_of,
        "trips": trips,
        "transfers": transfers,
        "queries": queries,
        "rounds": rounds,
        "budget_s": budget_s,
        "queries_for_full_profiles": needed,
        "stop_times": len(feed.st_stop),
    }
    path.write_text(json.dumps(problem), encoding="utf-8")
    return problem


def sj_places() -> list[Any]:
    import csv

    from transit import Place

    with SJ_PLACES.open(encoding="utf-8") as f:
        return [Place(r["town"], float(r["lat"]), float(r["lon"])) for r in csv.DictReader(f)]


# --------------------------------------------------------------------------- ferrobus


def ferrobus_feed(feed: Any, date: dt.date, stops: dict[str, list[int]], places: list[Any]) -> Any:
    """The feed as ferrobus is given it (see transit_ferrobus.py).

    The date's own trips; no transfers.txt rules, no pickup/drop-off restrictions. A place's
    stops are moved onto the place and made one station (ferrobus snaps them to one street
    node: changing between them takes no time); every other stop stands alone (ferrobus has no
    walk between two nodes of its network).
    """
    flat = comparison_feed(feed, date)
    lat, lon = flat.stop_lat.copy(), flat.stop_lon.copy()
    parent = np.full(flat.n_stops, -1, dtype=flat.parent.dtype)
    location_type = np.zeros_like(flat.location_type)
    for place in places:
        own = [s for s in stops[place.name] if parent[s] < 0]
        if not own:
            continue
        lat[own], lon[own] = place.lat, place.lon
        parent[own] = own[0]
    changed = dataclasses.replace(
        flat, stop_lat=lat, stop_lon=lon, parent=parent, location_type=location_type
    )
    return changed


def running_trips(feed: Any, date: dt.date) -> np.ndarray:
    """The trips with stop_times that run on the date."""
    nonempty = feed.trip_start[1:] > feed.trip_start[:-1]
    return np.flatnonzero(feed.services_on(date)[feed.trip_service] & nonempty)


def write_gtfs(feed: Any, date: dt.date, folder: Path) -> tuple[list[tuple[float, float]], int]:
    """The date's trips as a plain GTFS folder with one service, times as the engine has them
    (left-out times interpolated); return the used stops' positions and the stop_times."""
    folder.mkdir(parents=True, exist_ok=True)
    trips = running_trips(feed, date)
    used = np.zeros(feed.n_stops, dtype=bool)
    for t in trips:
        used[feed.st_stop[feed.trip_start[t] : feed.trip_start[t + 1]]] = True

    def write(name: str, header: list[str], rows: Any) -> None:
        with (folder / name).open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(header)
            writer.writerows(rows)

    def hms(s: int) -> str:
        return f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}"

    write("agency.txt", ["agency_id", "agency_name", "agency_url", "agency_timezone"],
          [["A", "bench", "https://example.org", "Europe/Stockholm"]])  # fmt: skip
    stop_rows = [
        [f"s{i}", f"s{i}", f"{feed.stop_lat[i]:.7f}", f"{feed.stop_lon[i]:.7f}"]
        for i in np.flatnonzero(used)
    ]
    write("stops.txt", ["stop_id", "stop_name", "stop_lat", "stop_lon"], stop_rows)
    routes = sorted({int(feed.trip_route[t]) for t in trips})
    write("routes.txt", ["route_id", "agency_id", "route_short_name", "route_type"],
          [[f"r{r}", "A", f"r{r}", int(feed.route_type[r])] for r in routes])  # fmt: skip
    write("trips.txt", ["route_id", "service_id", "trip_id"],
          [[f"r{feed.trip_route[t]}", "D", f"t{t}"] for t in trips])  # fmt: skip
    count = 0

    def calls() -> Any:
        nonlocal count
        for t in trips:
            for k, r in enumerate(range(int(feed.trip_start[t]), int(feed.trip_start[t + 1]))):
                count += 1
                yield [f"t{t}", hms(int(feed.st_arr[r])), hms(int(feed.st_dep[r])),
                       f"s{feed.st_stop[r]}", k + 1]  # fmt: skip

    write("stop_times.txt",
          ["trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"], calls())  # fmt: skip
    day = date.strftime("%Y%m%d")
    write("calendar.txt",
          ["service_id", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
           "sunday", "start_date", "end_date"],
          [["D", 1, 1, 1, 1, 1, 1, 1, day, day]])  # fmt: skip
    positions = [(float(feed.stop_lat[i]), float(feed.stop_lon[i])) for i in np.flatnonzero(used)]
    return positions, count


def write_ferrobus_problem(
    path: Path,
    *,
    feed_path: Path,
    places: list[Any],
    date: dt.date,
    budget_s: float,
    max_transfers: int,
) -> dict[str, Any]:
    """Write the date's GTFS folder and the pairs to answer for transit_ferrobus.py."""
    from transit import load_feed, place_stops

    loaded = load_feed(feed_path)
    stops = place_stops(loaded, places)
    feed = ferrobus_feed(loaded, date, stops, places)
    folder = path.with_suffix("")
    positions, stop_times = write_gtfs(feed, date, folder / "gtfs")
    names = [p.name for p in places]
    served = [n for n in names if stops[n]]
    problem = {
        "feed": str(feed_path),
        "date": date.isoformat(),
        "gtfs": str(folder / "gtfs"),
        "pbf": str(folder / "network.osm.pbf"),
        "stop_positions": positions,
        "places": [[p.name, p.lat, p.lon] for p in places],
        "place_file": None,
        "pairs": [[o, d] for o in served for d in served if o != d],
        "day_s": DAY_S,
        "max_transfers": max_transfers,
        "budget_s": budget_s,
        "stop_times": stop_times,
        "trips": len(running_trips(feed, date)),
    }
    path.write_text(json.dumps(problem), encoding="utf-8")
    return problem


def ours_on_ferrobus_question(problem: dict[str, Any], places: list[Any]) -> dict[str, Any]:
    """The transit engine on the same feed: every pair's journeys, best of 3 all-pairs runs."""
    import time

    from transit import all_pairs, load_feed, place_stops

    date = dt.date.fromisoformat(problem["date"])
    loaded = load_feed(problem["feed"])
    stops = place_stops(loaded, places)
    feed = ferrobus_feed(loaded, date, stops, places)
    tt = feed.timetable(date, min_transfer_s=0)
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        found = all_pairs(tt, stops)
        best = min(best, time.perf_counter() - started)
    journeys = {
        f"{o}\t{d}": [[j.departure_s, j.arrival_s] for j in found[(o, d)]]
        for o, d in problem["pairs"]
    }
    changes = max((j.transfers for js in found.values() for j in js), default=0)
    return {"all_pairs_s": best, "journeys": journeys, "max_changes": changes}


def compare_answers(
    problem: dict[str, Any], ours: dict[str, Any], theirs: dict[str, Any]
) -> dict[str, Any]:
    """Per ferrobus departure, its arrival against ours leaving then or later.

    ferrobus's departure is its walk onto the origin's stop node before the vehicle leaves,
    its arrival the walk off the destination's node after: a second or none, though the
    point lies on the node (its rounding). An arrival up to that second later counts as
    equal.
    """
    same = differ = 0
    by_kind: dict[str, int] = {}
    examples = []
    for (o, d), answer in zip(problem["pairs"], theirs["answers"], strict=False):
        journeys = ours["journeys"][f"{o}\t{d}"]
        for t, travel in zip(answer["departures"], answer["travel_s"], strict=True):
            their_arrival = t + travel
            mine = next((a for dep, a in journeys if dep >= t), None)
            if mine is not None and 0 <= their_arrival - mine <= EGRESS_S:
                same += 1
                continue
            differ += 1
            if mine is None:
                kind = "ours none"
            elif their_arrival < mine:
                kind = "ferrobus earlier"
            else:
                kind = "ferrobus later"
            by_kind[kind] = by_kind.get(kind, 0) + 1
            if len(examples) < 8:
                examples.append({"from": o, "to": d, "departure_s": t, "ours": mine,
                                 "ferrobus": their_arrival})  # fmt: skip
    single_same = single_differ = 0
    for o, d, t, travel in theirs.get("single", []):
        mine = next((a for dep, a in ours["journeys"][f"{o}\t{d}"] if dep >= t), None)
        if (mine is None and travel is None) or (
            mine is not None and travel is not None and 0 <= t + travel - mine <= EGRESS_S
        ):
            single_same += 1
        else:
            single_differ += 1
    return {
        "equal": same,
        "different": differ,
        "by_kind": by_kind,
        "examples": examples,
        "single_equal": single_same,
        "single_different": single_differ,
    }

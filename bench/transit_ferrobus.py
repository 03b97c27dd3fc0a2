"""Range queries with ferrobus (PyPI: RAPTOR in Rust), run inside its own environment.

    var/bench/ferrobus-venv/bin/python bench/transit_ferrobus.py PROBLEM.json ANSWERS.json

bench/transit.py writes PROBLEM.json: a GTFS folder holding the date's trips exactly as the
transit engine sees them (times left out interpolated, one service running on the date), the
positions of the stops (a place's stops moved onto the place) and of the places, and the
ordered pairs of places to answer. ferrobus needs a street network as an OSM .pbf: this
script writes a minimal one with pyosmium, one node per distinct stop position and a
footway from each to a hub 200 km away, so that the network is one component (ferrobus keeps
only the largest) while no walk between two stops fits in a transfer: a place's stops share
one node (changing between them takes no time, as the transit engine is told too), and a
place's point snaps onto that node.

Writes ANSWERS.json: per pair the departure times and travel times of ferrobus's range query
(rRAPTOR, range_multimodal_routing) over the day, and the seconds it took to write the
network, build the model and answer every pair, measured apart.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path

import ferrobus
import osmium

# The hub lies this many degrees of latitude north of the northernmost stop (~220 km).
HUB_NORTH_DEG = 2.0
MAX_WALK_S = 1200
SINGLE_HOURS = (7, 12, 16)


def write_network(path: Path, positions: list[tuple[float, float]]) -> int:
    """One node per distinct position and a footway from each to a far hub; return the nodes."""
    if path.exists():
        path.unlink()
    writer = osmium.SimpleWriter(str(path))
    distinct = list(dict.fromkeys((round(lat, 7), round(lon, 7)) for lat, lon in positions))
    hub = len(distinct) + 1
    lat0 = max(lat for lat, _ in distinct) + HUB_NORTH_DEG
    lon0 = sum(lon for _, lon in distinct) / len(distinct)
    for n, (lat, lon) in enumerate(distinct, start=1):
        writer.add_node(osmium.osm.mutable.Node(id=n, location=osmium.osm.Location(lon, lat)))
    writer.add_node(osmium.osm.mutable.Node(id=hub, location=osmium.osm.Location(lon0, lat0)))
    for n in range(1, hub):
        writer.add_way(osmium.osm.mutable.Way(id=n, nodes=[n, hub], tags={"highway": "footway"}))
    writer.close()
    return len(distinct) + 1


def main() -> None:
    problem = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    started = time.perf_counter()
    pbf = Path(problem["pbf"])
    nodes = write_network(pbf, [tuple(p) for p in problem["stop_positions"]])
    network_s = time.perf_counter() - started
    started = time.perf_counter()
    date = dt.date.fromisoformat(problem["date"]) if problem.get("filter_date") else None
    model = ferrobus.create_transit_model(str(pbf), [problem["gtfs"]], date, MAX_WALK_S)
    model_s = time.perf_counter() - started
    points = {}
    for name, lat, lon in problem["places"]:
        try:
            points[name] = ferrobus.create_transit_point(lat, lon, model, MAX_WALK_S, 10)
        except ValueError:
            points[name] = None  # no stop there: no journeys, as for the transit engine
    # ferrobus walks from a place's point onto its node and back even at 0 m: its access and
    # egress walks, from one route that uses transit.
    walk_s = None
    for origin, destination in problem["pairs"]:
        if points[origin] is None or points[destination] is None:
            continue
        route = ferrobus.find_route(model, points[origin], points[destination], 8 * 3600, 10)
        if route and route.get("used_transit"):
            walk_s = int(route["walking_time_seconds"])
            break
    budget = float(problem["budget_s"])
    answers = []
    started = time.perf_counter()
    for origin, destination in problem["pairs"]:
        if time.perf_counter() - started > budget:
            break
        start, end = points[origin], points[destination]
        if start is None or end is None:
            answers.append({"departures": [], "travel_s": []})
            continue
        found = ferrobus.range_multimodal_routing(
            model, start, end, (0, problem["day_s"]), problem["max_transfers"]
        )
        answers.append({"departures": found.departure_times(), "travel_s": found.travel_times()})
    query_s = time.perf_counter() - started
    # One-to-many earliest-arrival queries at a few times, to tell its range query's answers
    # from its single queries'.
    single = []
    started = time.perf_counter()
    origins = list(dict.fromkeys(o for o, _ in problem["pairs"]))
    for hour in SINGLE_HOURS:
        for origin in origins:
            ends = [d for o, d in problem["pairs"] if o == origin]
            if points[origin] is None:
                continue
            served = [d for d in ends if points[d] is not None]
            found = ferrobus.find_routes_one_to_many(
                model,
                points[origin],
                [points[d] for d in served],
                hour * 3600,
                problem["max_transfers"],
            )
            for destination, route in zip(served, found, strict=True):
                travel = route["travel_time_seconds"] if route else None
                single.append([origin, destination, hour * 3600, travel])
    single_s = time.perf_counter() - started
    Path(sys.argv[2]).write_text(
        json.dumps(
            {
                "network_nodes": nodes,
                "network_s": network_s,
                "model_s": model_s,
                "query_s": query_s,
                "stops": model.stop_count(),
                "routes": model.route_count(),
                "access_and_egress_walk_s": walk_s,
                "answers": answers,
                "single": single,
                "single_s": single_s,
            }
        ),
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()

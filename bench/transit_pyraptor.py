"""Earliest-arrival queries with pyraptor (PyPI), run inside its own Python 3.11 environment.

    var/bench/pyraptor-venv/bin/python bench/transit_pyraptor.py PROBLEM.json ANSWERS.json

bench/transit.py writes PROBLEM.json: the date's trips exactly as the transit engine sees them
(stop, arrival and departure per call), the change times between stops of one station, and the
queries (origin stops, departure time, destination places). pyraptor's own GTFS reader only
knows calendar_dates.txt and one agency, so the timetable is built here from its classes
instead; the algorithm (pyraptor.model.raptor.RaptorAlgorithm) is pyraptor's, unchanged.

Writes ANSWERS.json: per query the earliest arrival at every destination place (null: none), and
the time pyraptor took, building the timetable and querying, measured separately.
"""

from __future__ import annotations

import json
import sys
import time

from loguru import logger
from pyraptor.model.raptor import RaptorAlgorithm
from pyraptor.model.structures import (
    Routes,
    Station,
    Stations,
    Stop,
    Stops,
    Timetable,
    Transfer,
    Transfers,
    Trip,
    Trips,
    TripStopTime,
    TripStopTimes,
)

LARGE = 2147483647


def build(problem: dict) -> Timetable:
    stations = Stations()
    stops = Stops()
    by_index: dict[int, Stop] = {}
    for index, station_id in zip(problem["stops"], problem["station_of"], strict=True):
        station = stations.add(Station(station_id, station_id))
        stop = Stop(index, str(index), station, "?")
        station.add_stop(stop)
        by_index[index] = stops.add(stop)
    trips = Trips()
    trip_stop_times = TripStopTimes()
    for calls in problem["trips"]:
        trip = Trip()
        for position, (stop_index, arrival, departure) in enumerate(calls):
            stop_time = TripStopTime(trip, position, by_index[stop_index], arrival, departure, 0)
            trip_stop_times.add(stop_time)
            trip.add_stop_time(stop_time)
        if trip:
            trips.add(trip)
    routes = Routes()
    for trip in trips:
        routes.add(trip)
    transfers = Transfers()
    for a, b, seconds in problem["transfers"]:
        transfers.add(Transfer(from_stop=by_index[a], to_stop=by_index[b], layovertime=seconds))
    return Timetable(
        stations=stations,
        stops=stops,
        trips=trips,
        trip_stop_times=trip_stop_times,
        routes=routes,
        transfers=transfers,
    )


def main() -> None:
    logger.remove()
    with open(sys.argv[1], encoding="utf-8") as f:
        problem = json.load(f)
    started = time.perf_counter()
    timetable = build(problem)
    built = time.perf_counter() - started
    stop_of = {s.id: s for s in timetable.stops}
    answers = []
    budget = float(problem.get("budget_s", 60.0))
    query_started = time.perf_counter()
    for query in problem["queries"]:
        if time.perf_counter() - query_started > budget:
            break
        raptor = RaptorAlgorithm(timetable)
        origin = [stop_of[s] for s in query["origin"] if s in stop_of]
        rounds = int(problem["rounds"])
        arrivals: list[int | None] = [None] * len(query["destinations"])
        if origin:
            raptor.run(origin, query["departure_s"], rounds)
            # The best over all rounds (the bag of the last round is left empty when the
            # rounds stop early because nothing improved).
            labels = raptor.bag_star
            for d, stops in enumerate(query["destinations"]):
                best = min(
                    (labels[stop_of[s]].earliest_arrival_time for s in stops if s in stop_of),
                    default=LARGE,
                )
                arrivals[d] = None if best >= LARGE else int(best)
        answers.append(arrivals)
    queried = time.perf_counter() - query_started
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        json.dump({"build_s": built, "query_s": queried, "answers": answers}, f)


if __name__ == "__main__":
    main()

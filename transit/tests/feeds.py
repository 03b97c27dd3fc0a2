"""Tiny GTFS feeds written from Python dicts, for tests."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

DAY = dt.date(2024, 1, 10)  # a Wednesday

Rows = list[dict[str, Any]]


def hms(text: str) -> int:
    """Return seconds for H:MM[:SS]."""
    parts = [int(p) for p in text.split(":")] + [0]
    return parts[0] * 3600 + parts[1] * 60 + parts[2]


def write_feed(folder: Path, files: dict[str, Rows | None], *, encoding: str = "utf-8") -> Path:
    """Write a feed folder; files not given get defaults, and None leaves a file out."""
    defaults: dict[str, Rows | None] = {
        "agency.txt": [
            {
                "agency_id": "A",
                "agency_name": "Länstrafiken",
                "agency_url": "https://x",
                "agency_timezone": "Europe/Stockholm",
            }
        ],
        "routes.txt": [
            {"route_id": "R", "agency_id": "A", "route_short_name": "1", "route_type": 3}
        ],
        "calendar.txt": [
            {
                "service_id": "S",
                **dict.fromkeys(
                    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
                    1,
                ),
                "start_date": "20240101",
                "end_date": "20241231",
            }
        ],
    }
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in {**defaults, **files}.items():
        if rows is None:
            continue
        columns: list[str] = []
        for row in rows:
            columns += [c for c in row if c not in columns]
        with (folder / name).open("w", newline="", encoding=encoding) as out:
            writer = csv.DictWriter(out, fieldnames=columns)
            writer.writeheader()
            writer.writerows(rows)
    return folder


def stops(*names: str, spacing_m: float = 5000.0) -> Rows:
    """Stops on a line, spacing_m apart, named as given."""
    return [
        {"stop_id": n, "stop_name": n, "stop_lat": 59.0 + i * spacing_m / 111_000, "stop_lon": 15.0}
        for i, n in enumerate(names)
    ]


def trip(
    trip_id: str, *calls: tuple[str, str], route: str = "R", service: str = "S"
) -> tuple[dict[str, Any], Rows]:
    """A trips.txt row and its stop_times rows from (stop, time) calls."""
    times = [
        {
            "trip_id": trip_id,
            "arrival_time": f"{t}:00",
            "departure_time": f"{t}:00",
            "stop_id": s,
            "stop_sequence": i + 1,
        }
        for i, (s, t) in enumerate(calls)
    ]
    return {"route_id": route, "service_id": service, "trip_id": trip_id}, times


def feed_files(
    stop_rows: Rows, *trips: tuple[dict[str, Any], Rows], **extra: Rows | None
) -> dict[str, Rows | None]:
    """The files of a feed with these stops and trips; extra names other files (dots as _)."""
    files: dict[str, Rows | None] = {
        "stops.txt": stop_rows,
        "trips.txt": [t for t, _ in trips],
        "stop_times.txt": [row for _, rows in trips for row in rows],
    }
    for key, rows in extra.items():
        files[key.replace("_txt", ".txt")] = rows
    return files

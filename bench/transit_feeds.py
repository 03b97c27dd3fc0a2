"""Synthetic GTFS feeds for the transit benchmark: towns, rural lines, school buses and trains.

Everything is drawn from a seeded generator, so one scale always gives the same feed. The feed is
written as a folder (plain .txt files) with a places.csv beside it for the analysis.

The structure, per scale:
- places: towns with Zipf-like populations at random points in a box (a county, or Sweden);
- town buses: in every town, lines through the centre with frequent trips, fewer at weekends;
- rural lines: from every town to its nearest towns through villages, and dead-end branches
  into the countryside, with few trips (some none at weekends);
- school buses: from the countryside into a town, one trip in the morning and one in the
  afternoon on school days only (a calendar with the school holidays taken out);
- trains: lines through the larger towns, calling at a station that is the parent of the town's
  bus hub (a change there is a walk between two stops of one station), hourly on weekdays;
- transfers.txt: a longer minimum change at each station.

Trip counts are then scaled so that stop_times.txt reaches the target size.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

KM_PER_DEG_LAT = 111.195
START = dt.date(2026, 1, 5)
END = dt.date(2026, 12, 31)
# A school Tuesday and its weekend (the analysis date of the benchmark).
DATE = dt.date(2026, 3, 10)
HOLIDAYS = [
    (dt.date(2026, 2, 23), dt.date(2026, 2, 27)),
    (dt.date(2026, 4, 6), dt.date(2026, 4, 10)),
    (dt.date(2026, 6, 15), dt.date(2026, 8, 14)),
    (dt.date(2026, 10, 26), dt.date(2026, 10, 30)),
    (dt.date(2026, 12, 21), dt.date(2026, 12, 31)),
]


@dataclass(frozen=True)
class Scale:
    """How big a feed to make."""

    name: str
    places: int
    stops: int
    stop_times: int
    # The box the towns lie in: south-west corner and size in km.
    lat0: float
    lon0: float
    width_km: float
    height_km: float
    largest_town: int
    seed: int


COUNTY = Scale("county", 25, 5_000, 1_000_000, 58.7, 14.3, 150, 130, 160_000, 1)
SWEDEN = Scale("sweden", 290, 50_000, 5_000_000, 55.6, 12.8, 480, 1_300, 1_000_000, 2)
SMALL = Scale("small", 6, 300, 20_000, 59.0, 15.0, 40, 40, 20_000, 3)
SCALES = {s.name: s for s in (COUNTY, SWEDEN, SMALL)}


@dataclass
class _Pattern:
    """A sequence of stops driven by one route with the minutes between them."""

    route: int
    stops: list[int]
    minutes: list[int]
    # (service, first departure s, last departure s, trips) windows.
    windows: list[tuple[str, int, int, int]]
    scalable: bool = True


@dataclass
class _Builder:
    scale: Scale
    rng: np.random.Generator
    stop_x: list[float] = field(default_factory=list)
    stop_y: list[float] = field(default_factory=list)
    stop_name: list[str] = field(default_factory=list)
    stop_parent: list[int] = field(default_factory=list)
    stop_kind: list[int] = field(default_factory=list)
    routes: list[tuple[str, int]] = field(default_factory=list)
    patterns: list[_Pattern] = field(default_factory=list)

    def stop(self, x: float, y: float, name: str, parent: int = -1, kind: int = 0) -> int:
        self.stop_x.append(x)
        self.stop_y.append(y)
        self.stop_name.append(name)
        self.stop_parent.append(parent)
        self.stop_kind.append(kind)
        return len(self.stop_x) - 1

    def route(self, name: str, route_type: int) -> int:
        self.routes.append((name, route_type))
        return len(self.routes) - 1

    def minutes(self, stops: list[int], kmh: float, dwell: float = 0.0) -> list[int]:
        result = []
        for a, b in itertools.pairwise(stops):
            d = math.hypot(self.stop_x[a] - self.stop_x[b], self.stop_y[a] - self.stop_y[b])
            result.append(max(1, round(d * 1.25 / kmh * 60 + dwell)))
        return result

    def both_ways(
        self,
        route: int,
        stops: list[int],
        kmh: float,
        windows: list[tuple[str, int, int, int]],
        *,
        scalable: bool = True,
    ) -> None:
        minutes = self.minutes(stops, kmh)
        self.patterns.append(_Pattern(route, stops, minutes, windows, scalable))
        self.patterns.append(_Pattern(route, stops[::-1], minutes[::-1], windows, scalable))


def _h(hours: float) -> int:
    return round(hours * 3600)


def _line_stops(
    b: _Builder, x0: float, y0: float, x1: float, y1: float, spacing: float, name: str
) -> list[int]:
    """Stops every `spacing` km (with some jitter) strictly between two points."""
    length = math.hypot(x1 - x0, y1 - y0)
    count = max(1, int(length / spacing))
    stops = []
    for i in range(1, count):
        f = i / count + b.rng.uniform(-0.3, 0.3) / count
        jitter = b.rng.normal(0, spacing * 0.15)
        dx, dy = (x1 - x0) / length, (y1 - y0) / length
        stops.append(
            b.stop(
                x0 + f * (x1 - x0) - dy * jitter, y0 + f * (y1 - y0) + dx * jitter, f"{name} {i}"
            )
        )
    return stops


def generate(scale: Scale, folder: Path) -> dict[str, int]:
    """Write the feed and places.csv into folder; return counts of what was written."""
    rng = np.random.default_rng(scale.seed)
    b = _Builder(scale, rng)
    n = scale.places
    # Towns: Zipf-like populations, at random points at least a few km apart.
    population = (scale.largest_town / np.arange(1, n + 1) ** 1.05).astype(np.int64)
    town_x: list[float] = []
    town_y: list[float] = []
    while len(town_x) < n:
        x, y = rng.uniform(0, scale.width_km), rng.uniform(0, scale.height_km)
        if all(math.hypot(x - tx, y - ty) > 6 for tx, ty in zip(town_x, town_y, strict=True)):
            town_x.append(x)
            town_y.append(y)
    names = [f"Ort {i + 1:03d}" for i in range(n)]
    big = max(2, n // 4)

    # Stop budget: town stops grow with population, the rest goes to the countryside.
    hub: list[int] = []
    station: list[int] = []
    for i in range(n):
        if i < big:
            parent = b.stop(town_x[i], town_y[i], f"{names[i]} station", kind=1)
            station.append(b.stop(town_x[i] + 0.05, town_y[i], f"{names[i]} station spår", parent))
            hub.append(b.stop(town_x[i], town_y[i] + 0.08, f"{names[i]} resecentrum", parent))
        else:
            hub.append(b.stop(town_x[i], town_y[i], f"{names[i]} centrum"))

    town_share = 0.35
    town_stops_total = scale.stops * town_share
    weights = population**0.7 / (population**0.7).sum()
    for i in range(n):
        budget = max(4, int(town_stops_total * weights[i]))
        lines = max(1, min(12, budget // 14))
        radius = 1.2 + 3.5 * math.sqrt(population[i] / scale.largest_town)
        route = b.route(f"{names[i]} stadsbuss", 3)
        per_line = max(2, budget // lines // 2)
        for line in range(lines):
            angle = math.pi * line / lines + rng.uniform(-0.2, 0.2)
            dx, dy = math.cos(angle), math.sin(angle)
            arm_a = [
                b.stop(
                    town_x[i] + dx * radius * k / per_line,
                    town_y[i] + dy * radius * k / per_line,
                    f"{names[i]} {line}a{k}",
                )
                for k in range(1, per_line + 1)
            ]
            arm_b = [
                b.stop(
                    town_x[i] - dx * radius * k / per_line,
                    town_y[i] - dy * radius * k / per_line,
                    f"{names[i]} {line}b{k}",
                )
                for k in range(1, per_line + 1)
            ]
            stops = [*arm_a[::-1], hub[i], *arm_b]
            size = population[i] / scale.largest_town
            b.both_ways(
                route,
                stops,
                20,
                [
                    ("WD", _h(5.5), _h(23), max(8, int(70 * size**0.5))),
                    ("SA", _h(7), _h(22), max(4, int(30 * size**0.5))),
                    ("SU", _h(9), _h(21), max(2, int(20 * size**0.5))),
                ],
            )

    # Rural lines: every town to its nearest towns, through villages every 1.5-3 km.
    xy = np.column_stack([town_x, town_y])
    distance = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    links: set[tuple[int, int]] = set()
    for i in range(n):
        for j in np.argsort(distance[i])[1:4]:
            links.add((min(i, int(j)), max(i, int(j))))
    rural_route = b.route("Landsbygd", 3)
    rural_stops: list[int] = []
    for i, j in sorted(links):
        stops = [
            hub[i],
            *_line_stops(
                b, town_x[i], town_y[i], town_x[j], town_y[j], 2.2, f"{names[i]}–{names[j]}"
            ),
            hub[j],
        ]
        rural_stops += stops[1:-1]
        busy = math.sqrt((population[i] + population[j]) / scale.largest_town)
        b.both_ways(
            rural_route,
            stops,
            55,
            [
                ("WD", _h(5), _h(22), max(4, int(18 * busy))),
                ("SA", _h(8), _h(20), max(2, int(7 * busy))),
                ("SU", _h(10), _h(19), max(1, int(4 * busy))),
            ],
        )
    # Dead-end branches into the countryside until the stop budget is used.
    school_ends: list[tuple[int, list[int]]] = []
    branch = 0
    while len(b.stop_x) < scale.stops * 0.93:
        i = int(rng.choice(n, p=weights))
        angle = rng.uniform(0, 2 * math.pi)
        length = rng.uniform(8, 30)
        x1, y1 = town_x[i] + math.cos(angle) * length, town_y[i] + math.sin(angle) * length
        stops = [hub[i], *_line_stops(b, town_x[i], town_y[i], x1, y1, 1.6, f"Gren {branch}")]
        stops.append(b.stop(x1, y1, f"Gren {branch} vändplan"))
        rural_stops += stops[1:]
        windows = [("WD", _h(6), _h(19), int(rng.integers(3, 8)))]
        if rng.random() < 0.4:
            windows.append(("SA", _h(9), _h(16), 2))
        b.both_ways(rural_route, stops, 50, windows)
        school_ends.append((i, stops))
        branch += 1

    # School buses: a loop of countryside stops into town in the morning and out in the afternoon.
    school_route = b.route("Skolbuss", 3)
    for k, (_town, stops) in enumerate(school_ends):
        if k % 2:
            continue
        inbound = stops[::-1]
        minutes = b.minutes(inbound, 45)
        b.patterns.append(
            _Pattern(
                school_route,
                inbound,
                minutes,
                [("SCH", _h(7) - sum(minutes) * 60, _h(7) - sum(minutes) * 60, 1)],
                scalable=False,
            )
        )
        b.patterns.append(
            _Pattern(
                school_route, stops, minutes[::-1], [("SCH", _h(15.3), _h(15.3), 1)], scalable=False
            )
        )

    # Trains: chains through the larger towns, sorted along the longer side of the box.
    train_route = b.route("Regionaltåg", 2)
    axis = 1 if scale.height_km > scale.width_km else 0
    order = sorted(range(big), key=lambda i: (town_x, town_y)[axis][i])
    lines = [order[k::2] for k in range(2)] if big >= 6 else [order]
    for towns in lines:
        stops = [station[i] for i in towns]
        minutes = b.minutes(stops, 110, dwell=1)
        for part in range(0, len(stops) - 1, 8):
            piece = stops[part : part + 9]
            if len(piece) < 2:
                continue
            b.patterns.append(
                _Pattern(
                    train_route,
                    piece,
                    minutes[part : part + len(piece) - 1],
                    [("WD", _h(5), _h(23), 19), ("SA", _h(7), _h(22), 9), ("SU", _h(8), _h(22), 8)],
                )
            )
            b.patterns.append(
                _Pattern(
                    train_route,
                    piece[::-1],
                    minutes[part : part + len(piece) - 1][::-1],
                    [
                        ("WD", _h(5.5), _h(23.5), 19),
                        ("SA", _h(7.5), _h(22.5), 9),
                        ("SU", _h(8.5), _h(22.5), 8),
                    ],
                )
            )

    counts = _write(b, folder, names, town_x, town_y, population, station)
    return counts


def _write(
    b: _Builder,
    folder: Path,
    names: list[str],
    town_x: list[float],
    town_y: list[float],
    population: np.ndarray,
    station: list[int],
) -> dict[str, int]:
    scale = b.scale
    folder.mkdir(parents=True, exist_ok=True)
    lat0, lon0 = scale.lat0, scale.lon0
    km_per_deg_lon = KM_PER_DEG_LAT * math.cos(
        math.radians(lat0 + scale.height_km / KM_PER_DEG_LAT / 2)
    )

    def latlon(x: float, y: float) -> tuple[float, float]:
        return lat0 + y / KM_PER_DEG_LAT, lon0 + x / km_per_deg_lon

    # Scale the trip counts to the stop_times target.
    fixed = sum(len(p.stops) * sum(w[3] for w in p.windows) for p in b.patterns if not p.scalable)
    scalable = sum(len(p.stops) * sum(w[3] for w in p.windows) for p in b.patterns if p.scalable)
    factor = max(0.05, (scale.stop_times - fixed) / max(scalable, 1))

    trip_route: list[int] = []
    trip_service: list[str] = []
    st_trip: list[np.ndarray] = []
    st_stop: list[np.ndarray] = []
    st_time: list[np.ndarray] = []
    st_seq: list[np.ndarray] = []
    for p in b.patterns:
        offsets = np.concatenate(([0], np.cumsum(p.minutes))) * 60
        for service, first, last, trips in p.windows:
            count = max(1, round(trips * factor)) if p.scalable else trips
            starts = np.linspace(first, max(first, last), count).round(-1).astype(np.int64)
            starts += int(b.rng.integers(0, 6)) * 60
            first_trip = len(trip_route)
            trip_route += [p.route] * count
            trip_service += [service] * count
            ids = np.repeat(np.arange(first_trip, first_trip + count), len(p.stops))
            st_trip.append(ids)
            st_stop.append(np.tile(np.asarray(p.stops, dtype=np.int64), count))
            st_time.append((starts[:, None] + offsets[None, :]).ravel())
            st_seq.append(np.tile(np.arange(1, len(p.stops) + 1), count))

    def text(rows: list[dict[str, object]], name: str) -> None:
        with (folder / name).open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)

    text(
        [
            {
                "agency_id": "L",
                "agency_name": "Syntetiska trafiken",
                "agency_url": "https://example.org",
                "agency_timezone": "Europe/Stockholm",
            }
        ],
        "agency.txt",
    )
    stops_rows: list[dict[str, object]] = []
    for s in range(len(b.stop_x)):
        lat, lon = latlon(b.stop_x[s], b.stop_y[s])
        stops_rows.append(
            {
                "stop_id": f"S{s}",
                "stop_name": b.stop_name[s],
                "stop_lat": f"{lat:.6f}",
                "stop_lon": f"{lon:.6f}",
                "location_type": b.stop_kind[s],
                "parent_station": f"S{b.stop_parent[s]}" if b.stop_parent[s] >= 0 else "",
            }
        )
    text(stops_rows, "stops.txt")
    text(
        [
            {"route_id": f"R{r}", "agency_id": "L", "route_short_name": name, "route_type": kind}
            for r, (name, kind) in enumerate(b.routes)
        ],
        "routes.txt",
    )
    text(
        [
            {"route_id": f"R{r}", "service_id": s, "trip_id": f"T{t}"}
            for t, (r, s) in enumerate(zip(trip_route, trip_service, strict=True))
        ],
        "trips.txt",
    )
    week = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    flags = {"WD": "1111100", "SA": "0000010", "SU": "0000001", "SCH": "1111100"}
    text(
        [
            {
                "service_id": s,
                **{d: f[i] for i, d in enumerate(week)},
                "start_date": START.strftime("%Y%m%d"),
                "end_date": END.strftime("%Y%m%d"),
            }
            for s, f in flags.items()
        ],
        "calendar.txt",
    )
    removed = []
    for first, last in HOLIDAYS:
        day = first
        while day <= last:
            if day.weekday() < 5:
                removed.append(
                    {"service_id": "SCH", "date": day.strftime("%Y%m%d"), "exception_type": 2}
                )
            day += dt.timedelta(days=1)
    text(removed, "calendar_dates.txt")
    parents = sorted({b.stop_parent[s] for s in station})
    text(
        [
            {
                "from_stop_id": f"S{p}",
                "to_stop_id": f"S{p}",
                "transfer_type": 2,
                "min_transfer_time": 300,
            }
            for p in parents
        ],
        "transfers.txt",
    )

    trip = np.concatenate(st_trip)
    time = np.concatenate(st_time)
    hms = _hms(time)
    table = pa.table(
        {
            "trip_id": pc.binary_join_element_wise("T", pc.cast(pa.array(trip), pa.string()), ""),
            "arrival_time": hms,
            "departure_time": hms,
            "stop_id": pc.binary_join_element_wise(
                "S", pc.cast(pa.array(np.concatenate(st_stop)), pa.string()), ""
            ),
            "stop_sequence": pa.array(np.concatenate(st_seq)),
        }
    )
    pacsv.write_csv(
        table, folder / "stop_times.txt", write_options=pacsv.WriteOptions(quoting_style="none")
    )

    with (folder / "places.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["name", "lat", "lon", "population"])
        for i, name in enumerate(names):
            lat, lon = latlon(town_x[i], town_y[i])
            writer.writerow([name, f"{lat:.6f}", f"{lon:.6f}", int(population[i])])
    return {
        "stops": len(b.stop_x),
        "trips": len(trip_route),
        "stop_times": len(trip),
        "places": len(names),
    }


def _hms(seconds: np.ndarray) -> pa.Array:
    """H:MM:SS strings, vectorised."""
    h = pc.cast(pa.array(seconds // 3600), pa.string())
    m = pc.utf8_lpad(pc.cast(pa.array(seconds // 60 % 60), pa.string()), 2, "0")
    s = pc.utf8_lpad(pc.cast(pa.array(seconds % 60), pa.string()), 2, "0")
    return pc.binary_join_element_wise(h, m, s, ":")

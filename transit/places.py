"""Places: named points whose stops are the boardable stops within a radius."""

from __future__ import annotations

import csv
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from transit.errors import FeedError
from transit.feed import Feed


@dataclass(frozen=True)
class Place:
    """A named point, optionally with its population."""

    name: str
    lat: float
    lon: float
    population: int | None = None


def place_stops(feed: Feed, places: list[Place], radius_m: float = 1000.0) -> dict[str, list[int]]:
    """Return the stop indices of every place, by place name."""
    return {p.name: feed.stops_near(p.lat, p.lon, radius_m) for p in places}


def stop_members(
    n_stops: int, groups: Sequence[Collection[int]]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The groups (places, origins) of each stop, as a CSR list by stop.

    Returns (member_start, member_group): stop s belongs to the groups
    member_group[member_start[s]:member_start[s + 1]], each once, in increasing order.
    """
    members = sorted({(int(s), g) for g, stops in enumerate(groups) for s in stops})
    member_stop = np.asarray([m[0] for m in members], dtype=np.int64)
    member_group = np.asarray([m[1] for m in members], dtype=np.int64)
    member_start = np.searchsorted(member_stop, np.arange(n_stops + 1)).astype(np.int64)
    return member_start, member_group


def read_places(path: str | Path) -> list[Place]:
    """Read places from a UTF-8 CSV with columns name,lat,lon[,population]."""
    name = Path(path).name
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise FeedError(f"cannot read places: {error}", file=name) from None
    try:
        return _places(csv.DictReader(text.splitlines()), name)
    except csv.Error as error:
        raise FeedError(f"unreadable CSV: {error}", file=name) from None


def _places(reader: csv.DictReader[str], name: str) -> list[Place]:
    header = [h.strip() for h in reader.fieldnames or []]
    for column in ("name", "lat", "lon"):
        if column not in header:
            raise FeedError(f"missing required column {column}", file=name, line=1)
    reader.fieldnames = header
    places: list[Place] = []
    for row in reader:
        line = reader.line_num
        try:
            population = (row.get("population") or "").strip()
            place = Place(
                name=(row["name"] or "").strip(),
                lat=float(row["lat"]),
                lon=float(row["lon"]),
                population=int(population) if population else None,
            )
        except (TypeError, ValueError):
            raise FeedError("unparsable lat, lon or population", file=name, line=line) from None
        # NaN fails both comparisons.
        if not (-90 <= place.lat <= 90 and -180 <= place.lon <= 180):
            raise FeedError(
                f"lat {row['lat'].strip()} and lon {row['lon'].strip()} are not a position on Earth",
                file=name,
                line=line,
            )
        if not place.name:
            raise FeedError("a place needs a name", file=name, line=line)
        if place.population is not None and place.population < 0:
            raise FeedError("the population must not be negative", file=name, line=line)
        places.append(place)
    return places

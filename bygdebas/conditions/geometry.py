"""Plain geometry on GeoJSON boundaries: which municipality a point lies in, distances, and a
small SVG map for the PDF dossier (no GIS library, no tile server)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

EARTH_RADIUS_M = 6_371_000.0


def _in_ring(lon: float, lat: float, ring: Sequence[Sequence[float]]) -> bool:
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def _polygons(geometry: dict[str, Any] | None) -> list[list[list[list[float]]]]:
    if not geometry:
        return []
    if geometry.get("type") == "Polygon":
        return [geometry["coordinates"]]
    if geometry.get("type") == "MultiPolygon":
        return list(geometry["coordinates"])
    return []


def contains(geometry: dict[str, Any] | None, lat: float, lon: float) -> bool:
    """Whether the point lies inside a GeoJSON Polygon or MultiPolygon (holes excluded)."""
    for polygon in _polygons(geometry):
        if (
            polygon
            and _in_ring(lon, lat, polygon[0])
            and not any(_in_ring(lon, lat, hole) for hole in polygon[1:])
        ):
            return True
    return False


def bounds(geometry: dict[str, Any] | None) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of a geometry, or None when it has no points."""
    xs: list[float] = []
    ys: list[float] = []
    for polygon in _polygons(geometry):
        for ring in polygon:
            xs.extend(point[0] for point in ring)
            ys.extend(point[1] for point in ring)
    if not xs:
        return None
    return min(xs), min(ys), max(xs), max(ys)


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def box_around(lat: float, lon: float, radius_m: float) -> tuple[float, float, float, float]:
    """(west, south, east, north) of a box holding the circle: an index-friendly first filter."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    dlon = dlat / max(math.cos(math.radians(lat)), 0.01)
    return lon - dlon, lat - dlat, lon + dlon, lat + dlat


def svg_map(
    geometries: Iterable[dict[str, Any] | None],
    points: Iterable[tuple[float, float, str]],
    *,
    width: int = 600,
    height: int = 420,
) -> str:
    """An SVG of the boundaries with numbered points ((lat, lon, label)), for print."""
    geometries = [g for g in geometries if g]
    points = list(points)
    boxes = [b for b in (bounds(g) for g in geometries) if b]
    xs = [b[0] for b in boxes] + [b[2] for b in boxes] + [p[1] for p in points]
    ys = [b[1] for b in boxes] + [b[3] for b in boxes] + [p[0] for p in points]
    if not xs:
        return ""
    west, east, south, north = min(xs), max(xs), min(ys), max(ys)
    scale_x = math.cos(math.radians((south + north) / 2))
    span_x = max((east - west) * scale_x, 1e-6)
    span_y = max(north - south, 1e-6)
    factor = min((width - 20) / span_x, (height - 20) / span_y)

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return 10 + (lon - west) * scale_x * factor, 10 + (north - lat) * factor

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">'
    ]
    for geometry in geometries:
        for polygon in _polygons(geometry):
            for ring in polygon:
                path = " ".join(
                    f"{x:.1f},{y:.1f}" for x, y in (xy(pt[0], pt[1]) for pt in ring[::2] or ring)
                )
                parts.append(
                    f'<polygon points="{path}" fill="#e3ece6" stroke="#1f5f3a" stroke-width="1"/>'
                )
    for lat, lon, label in points:
        x, y = xy(lon, lat)
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="7" fill="#ffbf47" stroke="#8a4b00"/>'
            f'<text x="{x:.1f}" y="{y + 3:.1f}" font-size="8" text-anchor="middle">'
            f"{_escape(label)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

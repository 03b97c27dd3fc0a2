"""Reads of published reports: filters, the map's compact GeoJSON, the summary per municipality."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from bygdebas.conditions.models import (
    CLOSED_STATUSES,
    Category,
    Report,
    ReportQuerySet,
    Status,
    median_age_days,
)
from bygdebas.core.models import Municipality, Network


def apply_filters(rows: ReportQuerySet, filters: dict[str, Any]) -> ReportQuerySet:
    """Narrow by category, status, municipality (a row) and period (dates of publication)."""
    if filters.get("category"):
        rows = rows.filter(category=filters["category"])
    if filters.get("status"):
        rows = rows.filter(status=filters["status"])
    if filters.get("municipality"):
        rows = rows.filter(municipality=filters["municipality"])
    if filters.get("start"):
        rows = rows.filter(published_at__date__gte=filters["start"])
    if filters.get("end"):
        rows = rows.filter(published_at__date__lte=filters["end"])
    return rows


def parse_bbox(value: str) -> tuple[float, float, float, float] | None:
    """``west,south,east,north`` (Leaflet's ``toBBoxString``); None when absent or unreadable."""
    try:
        west, south, east, north = (float(part) for part in value.split(","))
    except ValueError:
        return None
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        return None
    return west, south, east, north


MAP_LIMIT = 2000


def map_features(rows: ReportQuerySet, *, limit: int = MAP_LIMIT) -> dict[str, Any]:
    """Compact GeoJSON: positions rounded to 5 decimals (about a metre), short property names."""
    values = rows.order_by("-published_at").values_list(
        "pk", "lat", "lon", "category", "status", "title"
    )[: limit + 1]
    features = [
        {
            "type": "Feature",
            "id": pk,
            "geometry": {"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]},
            "properties": {"c": category, "s": status, "t": title},
        }
        for pk, lat, lon, category, status, title in values[:limit]
    ]
    return {
        "type": "FeatureCollection",
        "features": features,
        "truncated": len(values) > limit,
    }


@dataclass
class MunicipalitySummary:
    municipality: Municipality
    open_by_category: dict[str, int] = field(default_factory=dict)
    total: int = 0
    fixed: int = 0
    published: list[datetime.datetime] = field(default_factory=list)

    @property
    def open_total(self) -> int:
        return sum(self.open_by_category.values())

    @property
    def fixed_share(self) -> float | None:
        return self.fixed / self.total if self.total else None

    @property
    def median_age_days(self) -> float | None:
        return median_age_days(self.published, now=timezone.now())

    def open_rows(self) -> list[tuple[str, int]]:
        return [(str(Category(c).label), n) for c, n in sorted(self.open_by_category.items())]


def summary(network: Network) -> list[MunicipalitySummary]:
    """Per municipality: open reports by category, median age of the open ones, share fixed."""
    found: dict[int, MunicipalitySummary] = {
        m.pk: MunicipalitySummary(m) for m in network.municipalities()
    }
    rows: QuerySet[Report, tuple[int, str, str, datetime.datetime | None]] = (
        Report.objects.for_network(network)
        .published()
        .values_list("municipality_id", "category", "status", "published_at")
    )
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for municipality_id, category, status, published_at in rows:
        entry = found.get(municipality_id)
        if entry is None:
            continue
        entry.total += 1
        if status == Status.FIXED:
            entry.fixed += 1
        if status not in CLOSED_STATUSES and published_at is not None:
            counts[municipality_id][category] = counts[municipality_id].get(category, 0) + 1
            entry.published.append(published_at)
    for municipality_id, by_category in counts.items():
        found[municipality_id].open_by_category = by_category
    return list(found.values())

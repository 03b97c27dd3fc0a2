"""Open311 GeoReport v2, read-only: the service list and the service requests (the published
reports), as JSON and XML, with the standard query parameters and a bounding box."""

from __future__ import annotations

import datetime
from typing import Any
from xml.etree import ElementTree

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from bygdebas.conditions.models import CLOSED_STATUSES, Category, Report, ReportQuerySet
from bygdebas.conditions.reads import parse_bbox

# GeoReport v2's default and maximum window and page size.
DEFAULT_DAYS = 90
MAX_REQUESTS = 1000
SERVICE_GROUPS = {
    Category.ROAD: "Vägar",
    Category.WINTER_ROAD: "Vägar",
    Category.BROADBAND: "Uppkoppling",
    Category.MOBILE: "Uppkoppling",
    Category.TRANSPORT: "Kollektivtrafik",
}


class Open311Error(ValueError):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


def services() -> list[dict[str, Any]]:
    return [
        {
            "service_code": category.value,
            "service_name": str(category.label),
            "description": str(category.label),
            "metadata": False,
            "type": "realtime",
            "keywords": category.value.replace("_", ","),
            "group": SERVICE_GROUPS.get(category, "Service"),
        }
        for category in Category
    ]


def _iso(value: datetime.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _date(value: str, name: str) -> datetime.datetime:
    parsed = parse_datetime(value)
    if parsed is None:
        try:
            day = datetime.date.fromisoformat(value)
        except ValueError:
            raise Open311Error(
                400, f"{name} must be a W3C date-time, e.g. 2025-06-01T00:00:00Z"
            ) from None
        parsed = datetime.datetime.combine(day, datetime.time())
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def query(rows: ReportQuerySet, params: Any) -> ReportQuerySet:
    """Filter published reports by GeoReport v2's parameters (and ``bbox``)."""
    if params.get("service_request_id"):
        ids = [part.strip() for part in params["service_request_id"].split(",") if part.strip()]
        if not all(part.isdigit() for part in ids):
            raise Open311Error(400, "service_request_id must be numbers separated by commas")
        return rows.filter(pk__in=[int(part) for part in ids])
    if params.get("service_code"):
        codes = [part.strip() for part in params["service_code"].split(",")]
        unknown = [code for code in codes if code not in Category.values]
        if unknown:
            raise Open311Error(400, f"unknown service_code: {', '.join(unknown)}")
        rows = rows.filter(category__in=codes)
    status = params.get("status", "")
    if status:
        wanted = {part.strip() for part in status.split(",")}
        if not wanted <= {"open", "closed"}:
            raise Open311Error(400, "status must be open or closed")
        if wanted == {"open"}:
            rows = rows.exclude(status__in=CLOSED_STATUSES)
        elif wanted == {"closed"}:
            rows = rows.filter(status__in=CLOSED_STATUSES)
    start = _date(params["start_date"], "start_date") if params.get("start_date") else None
    end = _date(params["end_date"], "end_date") if params.get("end_date") else None
    if start is None and end is None:
        start = timezone.now() - datetime.timedelta(days=DEFAULT_DAYS)
    if start is not None:
        rows = rows.filter(published_at__gte=start)
    if end is not None:
        rows = rows.filter(published_at__lte=end)
    if params.get("bbox"):
        box = parse_bbox(params["bbox"])
        if box is None:
            raise Open311Error(400, "bbox must be west,south,east,north in degrees")
        rows = rows.in_box(*box)
    return rows


def request_row(report: Report, *, base_url: str) -> dict[str, Any]:
    photo = next(iter(report.photos.all()), None)
    return {
        "service_request_id": str(report.pk),
        "status": "closed" if report.status in CLOSED_STATUSES else "open",
        "status_notes": str(report.get_status_display()),
        "service_name": str(report.get_category_display()),
        "service_code": report.category,
        "description": report.description,
        "agency_responsible": report.authority,
        "service_notice": "",
        "requested_datetime": _iso(report.published_at),
        "updated_datetime": _iso(report.status_changed_at or report.published_at),
        "expected_datetime": None,
        "address": ", ".join(
            p for p in (report.address, report.locality, report.municipality.name) if p
        ),
        "address_id": "",
        "zipcode": "",
        "lat": round(report.lat, 6),
        "long": round(report.lon, 6),
        "media_url": base_url + photo.image.url_for(960) if photo else "",
    }


def to_xml(root: str, item: str, rows: list[dict[str, Any]]) -> bytes:
    element = ElementTree.Element(root)
    for row in rows:
        child = ElementTree.SubElement(element, item)
        for key, value in row.items():
            sub = ElementTree.SubElement(child, key)
            if value is None:
                continue
            sub.text = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return ElementTree.tostring(element, encoding="utf-8", xml_declaration=True)


def error_rows(error: Open311Error) -> list[dict[str, Any]]:
    return [{"code": error.code, "description": error.description}]

"""Fixtures for the conditions tests: a municipality with a square boundary, published reports."""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone
from PIL import Image as PILImage

from bygdebas.conditions.models import Report
from bygdebas.core.models import County, Municipality, Network
from bygdebas.core.moderation import ModerationStatus
from bygdebas.testing import make_municipality

# A square around Kumla: lat 59.0–59.2, lon 15.0–15.3.
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[15.0, 59.0], [15.3, 59.0], [15.3, 59.2], [15.0, 59.2], [15.0, 59.0]]],
}
INSIDE = (59.1, 15.15)
OUTSIDE = (60.5, 17.0)


def make_square_municipality(county: County, **overrides: Any) -> Municipality:
    defaults: dict[str, Any] = {
        "code": "1881",
        "name": "Kumla",
        "seat_name": "Kumla",
        "seat_lat": 59.127,
        "seat_lon": 15.143,
        "boundary": SQUARE,
        "county": county,
    }
    defaults.update(overrides)
    return make_municipality(**defaults)


def make_report(
    *, network: Network, municipality: Municipality, published: bool = True, **overrides: Any
) -> Report:
    now = timezone.now()
    defaults: dict[str, Any] = {
        "category": "road",
        "title": "Potthål på Byvägen",
        "description": "Stora hål sedan i våras.",
        "municipality": municipality,
        "lat": INSIDE[0],
        "lon": INSIDE[1],
        "submitter_name": "Eva Ek",
        "submitter_email": "eva@example.org",
        "submitter_language": "sv",
        "reported_title": overrides.get("title", "Potthål på Byvägen"),
        "reported_description": overrides.get("description", "Stora hål sedan i våras."),
    }
    if published:
        defaults.update(
            confirmed_at=now, published_at=now, moderation_status=ModerationStatus.APPROVED
        )
    defaults.update(overrides)
    return Report.objects.create(network=network, **defaults)


def jpeg_bytes(*, size: tuple[int, int] = (64, 48), gps: bool = False) -> bytes:
    """A small JPEG; with ``gps`` its EXIF holds a GPS position (Örebro)."""
    image = PILImage.new("RGB", size, (120, 160, 90))
    out = io.BytesIO()
    exif = PILImage.Exif()
    if gps:
        exif[0x8825] = {1: "N", 2: (59.0, 16.0, 30.0), 3: "E", 4: (15.0, 13.0, 0.0)}
        exif[0x010F] = "Kameratillverkaren"
    image.save(out, "JPEG", exif=exif.tobytes() if gps else b"")
    return out.getvalue()

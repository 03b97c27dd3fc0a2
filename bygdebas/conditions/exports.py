"""A selection of reports for an authority: CSV, GeoJSON and the PDF dossier (map, photos, "me
too" counts); and the printable contact tree of a municipality."""

from __future__ import annotations

import base64
import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from bygdebas.conditions import geometry
from bygdebas.conditions.models import PreparednessProfile, Report
from bygdebas.core.models import Image, Municipality, Network


def _rows(reports: Sequence[Report]) -> list[dict[str, Any]]:
    return [
        {
            "id": r.pk,
            "category": r.get_category_display(),
            "status": r.get_status_display(),
            "title": r.title,
            "description": r.description,
            "municipality": r.municipality.name,
            "locality": r.locality,
            "address": r.address,
            "lat": round(r.lat, 6),
            "lon": round(r.lon, 6),
            "published": timezone.localtime(r.published_at).strftime("%Y-%m-%d %H:%M")
            if r.published_at
            else "",
            "me_too": getattr(r, "me_too_count", 0),
        }
        for r in reports
    ]


def to_csv(reports: Sequence[Report]) -> str:
    out = io.StringIO()
    columns = [
        ("id", _("Number")),
        ("category", _("Category")),
        ("status", _("Status")),
        ("title", _("Heading")),
        ("description", _("Description")),
        ("municipality", _("Municipality")),
        ("locality", _("Locality")),
        ("address", _("Address or place")),
        ("lat", _("Latitude")),
        ("lon", _("Longitude")),
        ("published", _("Published")),
        ("me_too", _("Me too")),
    ]
    writer = csv.writer(out, delimiter=";")
    writer.writerow([label for _key, label in columns])
    for row in _rows(reports):
        writer.writerow([row[key] for key, _label in columns])
    return "\ufeff" + out.getvalue()  # the BOM: Excel reads å, ä and ö right


def to_geojson(reports: Sequence[Report]) -> str:
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
            "properties": {k: v for k, v in row.items() if k not in ("lat", "lon")},
        }
        for row in _rows(reports)
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)


def _data_uri(image: Image, width: int = 480) -> str:
    rendition = image.best_for(width)
    try:
        with default_storage.open(rendition["name"], "rb") as handle:
            data = handle.read()
    except OSError:
        return ""
    return f"data:{image.content_type};base64,{base64.b64encode(data).decode()}"


def dossier_pdf(
    *, network: Network, title: str, recipient: str, reports: Sequence[Report]
) -> bytes:
    """A4: a map of the reports numbered, then one section per report with its photos."""
    import weasyprint

    municipality_ids = {r.municipality_id for r in reports}
    boundaries = Municipality.objects.filter(pk__in=municipality_ids).values_list(
        "boundary", flat=True
    )
    svg = geometry.svg_map(boundaries, [(r.lat, r.lon, str(n)) for n, r in enumerate(reports, 1)])
    sections = [
        {
            "number": n,
            "report": r,
            "photos": [(p.image.alt_text, _data_uri(p.image)) for p in r.photos.all()],
        }
        for n, r in enumerate(reports, 1)
    ]
    html = render_to_string(
        "conditions/pdf/dossier.html",
        {
            "network": network,
            "title": title,
            "recipient": recipient,
            "sections": sections,
            "map_uri": "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode(),
            "printed_at": timezone.localtime(),
            "language_code": get_language(),
            "total_me_too": sum(getattr(r, "me_too_count", 0) for r in reports),
        },
    )
    return weasyprint.HTML(string=html).write_pdf()


def contact_tree_pdf(
    *, network: Network, municipality: Municipality, profiles: Sequence[PreparednessProfile]
) -> bytes:
    """A4: each group's meeting point and its contact chain, in order, dated when printed."""
    import weasyprint

    html = render_to_string(
        "conditions/pdf/contact_tree.html",
        {
            "network": network,
            "municipality": municipality,
            "profiles": profiles,
            "printed_at": timezone.localtime(),
            "language_code": get_language(),
        },
    )
    return weasyprint.HTML(string=html).write_pdf()

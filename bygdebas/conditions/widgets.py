"""The conditions widget (``core.widgets``): the open reports in one municipality.

The municipality comes from ``?kommun=<code>`` and must be one of the network's; without it the
widget lists the municipalities to choose from. The reports are a static list of counts by
category (no script, no tiles), with a link to the full map in the top window. Only the
published reports' public fields are read: never who reported them.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.db.models import Count
from django.http import HttpRequest
from django.urls import reverse

from bygdebas.conditions.models import Category, Report
from bygdebas.core.models import Network


def conditions_context(request: HttpRequest, network: Network) -> dict[str, Any]:
    map_url = request.build_absolute_uri(reverse("conditions:report-map"))
    code = request.GET.get("kommun", "").strip()
    context: dict[str, Any] = {"map_url": map_url, "code": code[:20]}
    municipalities = list(network.municipalities().only("pk", "code", "name"))
    municipality = next((m for m in municipalities if m.code == code), None) if code else None
    if municipality is None:
        context["municipalities"] = municipalities
        context["is_unknown"] = bool(code)
        return context
    counts = dict(
        Report.objects.for_network(network)
        .published()
        .open()
        .filter(municipality=municipality)
        .order_by()
        .values_list("category")
        .annotate(n=Count("pk"))
        .values_list("category", "n")
    )
    labels = dict(Category.choices)
    query = urlencode({"municipality": municipality.pk})
    context.update(
        municipality=municipality,
        categories=[
            {"label": labels[key], "count": counts[key]} for key in Category.values if key in counts
        ],
        total=sum(counts.values()),
        municipality_map_url=f"{map_url}?{query}",
        list_url=request.build_absolute_uri(reverse("conditions:report-list")) + f"?{query}",
    )
    return context

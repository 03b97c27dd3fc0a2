"""The good-examples widget (``core.widgets``): the latest published examples."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from bygdebas.core.models import Network
from bygdebas.core.rows import attach
from bygdebas.projects.models import Example

SHOWN = 4


def examples_context(request: HttpRequest, network: Network) -> dict[str, Any]:
    rows = list(
        Example.objects.for_network(network)
        .published()
        .select_related("photo")
        .only("pk", "title", "summary", "published_at", "photo")
        .order_by("-published_at", "-pk")[:SHOWN]
    )
    for example in rows:
        attach(
            example,
            link=request.build_absolute_uri(reverse("projects:example-detail", args=[example.pk])),
        )
    return {
        "examples": rows,
        "catalogue_url": request.build_absolute_uri(reverse("projects:example-catalogue")),
    }

"""The calendar widget (``core.widgets``): the next events, the network's own and those of
other networks that are open to it."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from bygdebas.core.models import Network
from bygdebas.core.rows import attach
from bygdebas.core.tenancy import network_q
from bygdebas.events.models import Event

SHOWN = 8


def calendar_context(request: HttpRequest, network: Network) -> dict[str, Any]:
    own = network_q(Event, network)
    events = (
        Event.objects.public()
        .filter(own | Q(is_open_to_networks=True))
        .filter(ends_at__gte=timezone.now())
        .select_related("network", "municipality")
        .order_by("starts_at", "pk")[:SHOWN]
    )
    rows = list(events)
    for event in rows:
        link = (
            request.build_absolute_uri(reverse("events:event-detail", args=[event.pk]))
            if event.network_id == network.pk
            else event.absolute_url
        )
        attach(event, link=link)
    return {
        "events": rows,
        "calendar_url": request.build_absolute_uri(reverse("events:event-list")),
    }

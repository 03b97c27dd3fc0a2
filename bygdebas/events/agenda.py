"""The public calendar, as ``core.agenda`` shows it to apps that may not import events."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.urls import reverse

from bygdebas.core.agenda import Upcoming
from bygdebas.core.metadata import summary
from bygdebas.events.models import Event

if TYPE_CHECKING:
    from bygdebas.core.models import Network


def upcoming_public_events(
    network: Network, start: datetime.datetime, end: datetime.datetime
) -> list[Upcoming]:
    """Published public events starting in the window (only what the public calendar shows)."""
    events = (
        Event.objects.for_network(network)
        .public()
        .filter(status=Event.Status.PUBLISHED, starts_at__gte=start, starts_at__lt=end)
        .select_related("municipality")
        .order_by("starts_at")
    )
    return [
        Upcoming(
            key=f"event:{event.pk}",
            title=event.title,
            starts_at=event.starts_at,
            place=event.short_place_line,
            summary=summary(event.description),
            url=reverse("events:event-detail", kwargs={"pk": event.pk}),
        )
        for event in events
    ]

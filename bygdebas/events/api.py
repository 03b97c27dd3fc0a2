"""The calendar in the public API: the network's upcoming public events, no key needed.

Registered with ``core.api_registry`` in ``EventsConfig.ready()``; the ``api`` app mounts it under
``/api/v1/public/events``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import F
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from bygdebas.core.api_registry import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    Text,
    api_network,
    cursor_page,
    page_schema,
)
from bygdebas.events.models import Event, EventQuerySet


class PublicEventOut(Schema):
    id: int
    title: str
    description: str = Field(description="Markdown.")
    kind: str
    format: str
    status: str = Field(description="`published`, or `cancelled` for a cancelled event.")
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place_name: str
    address: str
    # Annotated on the queryset (``with_municipality``): one model per row, not two.
    municipality_code: str | None
    municipality_name: str | None
    organisers: str
    target_groups: str
    url: str = Field(description="The event's page, where people register.")
    updated_at: datetime.datetime

    @staticmethod
    def resolve_url(obj: Event, context: dict[str, Any]) -> str:
        request: HttpRequest = context["request"]
        # Resolved once a request, not once a row: the page's address with the pk swapped in.
        pattern = vars(request).get("event_url_pattern")
        if pattern is None:
            pattern = request.build_absolute_uri(reverse("events:event-detail", args=[0]))
            vars(request)["event_url_pattern"] = pattern
        return f"{pattern.removesuffix('0/')}{obj.pk}/"


PublicEventPage = page_schema(PublicEventOut, "PublicEventPage")


def with_municipality(events: EventQuerySet) -> EventQuerySet:
    """The municipality's code and name on each event, as ``PublicEventOut`` reads them."""
    return events.annotate(
        municipality_code=F("municipality__code"), municipality_name=F("municipality__name")
    )


class UpcomingFilters(Schema):
    cursor: Text | None = Field(None, description="`next_cursor` of the previous page.")
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    municipality: Text | None = Field(
        None, description="A municipality code (four digits, e.g. 1880 for Örebro)."
    )


def public_router() -> Router:
    router = Router(tags=["Public: events"])

    @router.get(
        "/upcoming",
        response=PublicEventPage,
        url_name="public-events-upcoming",
        summary="Upcoming public events",
    )
    def upcoming_events(request: HttpRequest, filters: Query[UpcomingFilters]) -> dict[str, Any]:
        """The network's public events that have not ended, soonest first."""
        network = api_network(request)
        events = Event.objects.for_network(network).public().upcoming(timezone.now())
        if filters.municipality:
            events = events.filter(municipality__code=filters.municipality)
        items, next_cursor = cursor_page(
            with_municipality(events), order="starts_at", cursor=filters.cursor, limit=filters.limit
        )
        return {"items": items, "next_cursor": next_cursor}

    return router

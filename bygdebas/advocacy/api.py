"""Positions in the public API: the network's published positions, no key needed.

Registered with ``core.api_registry`` in ``AdvocacyConfig.ready()``; the ``api`` app mounts it
under ``/api/v1/public/positions``. Only what the public position pages show: no draft, no
consultation case's internal notes, no contributor.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import F
from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema

from bygdebas.advocacy.models import Position
from bygdebas.core.api_registry import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    Text,
    api_network,
    cursor_page,
    page_schema,
)


def _page_url(request: HttpRequest, name: str, pk: int) -> str:
    # Resolved once a request and page kind, not once a row: the address with the pk swapped in.
    cache_key = f"api_url_pattern:{name}"
    pattern = vars(request).get(cache_key)
    if pattern is None:
        pattern = request.build_absolute_uri(reverse(name, args=[0]))
        vars(request)[cache_key] = pattern
    head, _zero, tail = pattern.rpartition("0")
    return f"{head}{pk}{tail}"


class PublicPositionOut(Schema):
    id: int
    title: str
    text: str = Field(description="Markdown.")
    published_on: datetime.date
    # Annotated on the queryset: one query a page, not one a row.
    topic: str | None = Field(description="The topic's name.")
    consultation_authority: str | None = Field(
        description="For a consultation answer: the authority that sent the consultation."
    )
    consultation_reference: str | None = Field(
        description="For a consultation answer: the authority's reference number, if any."
    )
    url: str = Field(description="The position's page.")
    pdf_url: str = Field(description="The position as a PDF letter.")
    updated_at: datetime.datetime

    @staticmethod
    def resolve_url(obj: Position, context: dict[str, Any]) -> str:
        return _page_url(context["request"], "advocacy:position-detail", obj.pk)

    @staticmethod
    def resolve_pdf_url(obj: Position, context: dict[str, Any]) -> str:
        return _page_url(context["request"], "advocacy:position-pdf", obj.pk)

    @staticmethod
    def resolve_topic(obj: Any) -> str | None:
        return obj.topic_name

    @staticmethod
    def resolve_consultation_reference(obj: Any) -> str | None:
        return obj.consultation_reference or None


PublicPositionPage = page_schema(PublicPositionOut, "PublicPositionPage")


class PositionFilters(Schema):
    cursor: Text | None = Field(None, description="`next_cursor` of the previous page.")
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    topic: Text | None = Field(None, description="A topic's name, exactly as given in `topic`.")


def public_router() -> Router:
    router = Router(tags=["Public: positions"])

    @router.get(
        "/",
        response=PublicPositionPage,
        url_name="public-positions",
        summary="Published positions",
    )
    def positions(request: HttpRequest, filters: Query[PositionFilters]) -> dict[str, Any]:
        """The network's published positions and consultation answers, by date (oldest first:
        follow `next_cursor` to the newest)."""
        network = api_network(request)
        rows = Position.objects.for_network(network).published()
        if filters.topic:
            rows = rows.filter(topic__name=filters.topic)
        rows = rows.annotate(
            topic_name=F("topic__name"),
            consultation_authority=F("case__authority"),
            consultation_reference=F("case__reference"),
        )
        items, next_cursor = cursor_page(
            rows, order="published_on", cursor=filters.cursor, limit=filters.limit
        )
        return {"items": items, "next_cursor": next_cursor}

    return router

"""Reports on the conditions map in the public API: the network's public reports, no key needed.

Registered with ``core.api_registry`` in ``ConditionsConfig.ready()`` (``registrations``); the
``api`` app mounts it under ``/api/v1/public/conditions``. Only what a report's public page
shows: confirmed, let through by moderation, not hidden and not merged into another. No
reporter's name or address, no "me too" sender, no words as first reported once staff edited
them, and no staff member behind an update.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from django.db.models import F, Prefetch
from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema
from pydantic import WithJsonSchema

from bygdebas.conditions.models import Category, Report, ReportPhoto, ReportUpdate, Status
from bygdebas.core.api_registry import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    Text,
    api_network,
    cursor_page,
    page_schema,
)
from bygdebas.core.metadata import MetaImage


class ReportPhotoOut(Schema):
    url: str
    width: int | None
    height: int | None
    alt_text: str

    @staticmethod
    def resolve_url(obj: ReportPhoto, context: dict[str, Any]) -> str:
        return context["request"].build_absolute_uri(MetaImage.from_image(obj.image).url)

    @staticmethod
    def resolve_width(obj: ReportPhoto) -> int | None:
        return MetaImage.from_image(obj.image).width

    @staticmethod
    def resolve_height(obj: ReportPhoto) -> int | None:
        return MetaImage.from_image(obj.image).height

    @staticmethod
    def resolve_alt_text(obj: ReportPhoto) -> str:
        return obj.image.alt_text


class ReportUpdateOut(Schema):
    created_at: datetime.datetime
    text: str
    new_status: str = Field(description="The status the report got, if the update changed it.")


class PublicReportOut(Schema):
    id: int
    category: str
    category_label: str
    title: str
    description: str
    status: str
    status_label: str
    # Annotated on the queryset: one query a page, not one a row.
    municipality_code: str
    municipality_name: str
    locality: str
    address: str = Field(description="The address or place the reporter gave.")
    lat: float
    lon: float
    is_position_approximate: bool = Field(
        description="The position is the locality's or the municipal seat's."
    )
    published_at: datetime.datetime
    status_changed_at: datetime.datetime | None
    me_too_count: int = Field(description="Confirmed “me too”s.")
    photos: list[ReportPhotoOut]
    updates: list[ReportUpdateOut] = Field(description="Public updates, oldest first.")
    url: str = Field(description="The report's page.")
    updated_at: datetime.datetime

    @staticmethod
    def resolve_category_label(obj: Report) -> str:
        return str(obj.get_category_display())

    @staticmethod
    def resolve_status_label(obj: Report) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_photos(obj: Report) -> list[ReportPhoto]:
        return list(obj.photos.all())

    @staticmethod
    def resolve_updates(obj: Report) -> list[ReportUpdate]:
        return list(obj.updates.all())

    @staticmethod
    def resolve_url(obj: Report, context: dict[str, Any]) -> str:
        request: HttpRequest = context["request"]
        # Resolved once a request, not once a row: the page's address with the pk swapped in.
        pattern = vars(request).get("report_url_pattern")
        if pattern is None:
            pattern = request.build_absolute_uri(reverse("conditions:report-detail", args=[0]))
            vars(request)["report_url_pattern"] = pattern
        return f"{pattern.removesuffix('0/')}{obj.pk}/"


PublicReportPage = page_schema(PublicReportOut, "PublicReportPage")


# The models' choices, under names of their own in the document ("Status" is too common a name).
ReportCategory = Annotated[
    Category, WithJsonSchema({"type": "string", "enum": list(Category.values), "title": "Category"})
]
ReportStatus = Annotated[
    Status, WithJsonSchema({"type": "string", "enum": list(Status.values), "title": "Status"})
]


class ReportFilters(Schema):
    cursor: Text | None = Field(None, description="`next_cursor` of the previous page.")
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    category: ReportCategory | None = None
    status: ReportStatus | None = None
    municipality: Text | None = Field(
        None, description="A municipality code (four digits, e.g. 1880 for Örebro)."
    )


def public_reports(network: Any) -> Any:
    """What the map and the report pages show: published (confirmed, let through by moderation,
    not hidden, not merged); confirmed and approved are asked again, not assumed."""
    return Report.objects.for_network(network).published().confirmed().approved()


def public_router() -> Router:
    router = Router(tags=["Public: conditions map"])

    @router.get(
        "/reports",
        response=PublicReportPage,
        url_name="public-conditions-reports",
        summary="Public reports on the conditions map",
    )
    def reports(request: HttpRequest, filters: Query[ReportFilters]) -> dict[str, Any]:
        """The network's public reports of roads, broadband and services, with their positions,
        by publication (oldest first: follow `next_cursor` to the newest)."""
        network = api_network(request)
        rows = public_reports(network)
        if filters.category:
            rows = rows.filter(category=filters.category)
        if filters.status:
            rows = rows.filter(status=filters.status)
        if filters.municipality:
            rows = rows.filter(municipality__code=filters.municipality)
        rows = (
            rows.with_me_too_count()
            .annotate(
                municipality_code=F("municipality__code"),
                municipality_name=F("municipality__name"),
            )
            .prefetch_related(
                Prefetch("photos", queryset=ReportPhoto.objects.select_related("image")),
                Prefetch("updates", queryset=ReportUpdate.objects.order_by("created_at", "pk")),
            )
        )
        items, next_cursor = cursor_page(
            rows, order="published_at", cursor=filters.cursor, limit=filters.limit
        )
        return {"items": items, "next_cursor": next_cursor}

    return router

"""The newsletter archive in the public API: the network's sent issues, no key needed.

Registered with ``core.api_registry`` in ``NewsletterConfig.ready()``; the ``api`` app mounts it
under ``/api/v1/public/newsletter``. Only what the archive pages show: the number, title,
introduction and items of each sent issue. No draft or scheduled issue, no segment, no counts,
no subscriber and no member organisation that sent an item in.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema

from bygdebas.core.api_registry import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    Text,
    api_network,
    cursor_page,
    page_schema,
)
from bygdebas.core.metadata import MetaImage
from bygdebas.newsletter.models import Issue, IssueEntry


class ItemPhotoOut(Schema):
    url: str
    width: int | None
    height: int | None
    alt_text: str


class PublicItemOut(Schema):
    title: str
    text: str = Field(description="Markdown.")
    link: str
    photo: ItemPhotoOut | None

    @staticmethod
    def resolve_title(obj: IssueEntry) -> str:
        return obj.item.title

    @staticmethod
    def resolve_text(obj: IssueEntry) -> str:
        return obj.item.text

    @staticmethod
    def resolve_link(obj: IssueEntry) -> str:
        return obj.item.link

    @staticmethod
    def resolve_photo(obj: IssueEntry, context: dict[str, Any]) -> dict[str, Any] | None:
        if obj.item.photo is None:
            return None
        image = MetaImage.from_image(obj.item.photo)
        return {
            "url": context["request"].build_absolute_uri(image.url),
            "width": image.width,
            "height": image.height,
            "alt_text": image.alt,
        }


class PublicIssueOut(Schema):
    number: int
    title: str
    introduction: str = Field(description="Markdown.")
    sent_at: datetime.datetime | None
    items: list[PublicItemOut] = Field(description="The issue's items, in order.")
    url: str = Field(description="The issue's page in the archive.")

    @staticmethod
    def resolve_items(obj: Issue) -> list[IssueEntry]:
        return list(obj.entries.all())

    @staticmethod
    def resolve_url(obj: Issue, context: dict[str, Any]) -> str:
        request: HttpRequest = context["request"]
        # Resolved once a request, not once a row: the page's address with the number swapped in.
        pattern = vars(request).get("issue_url_pattern")
        if pattern is None:
            pattern = request.build_absolute_uri(
                reverse("newsletter:archive-detail", kwargs={"number": 0})
            )
            vars(request)["issue_url_pattern"] = pattern
        return f"{pattern.removesuffix('0/')}{obj.number}/"


PublicIssuePage = page_schema(PublicIssueOut, "PublicIssuePage")


class IssueFilters(Schema):
    cursor: Text | None = Field(None, description="`next_cursor` of the previous page.")
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    year: int | None = Field(None, ge=1900, le=9998, description="Only issues sent this year.")


def public_router() -> Router:
    router = Router(tags=["Public: newsletter"])

    @router.get(
        "/issues",
        response=PublicIssuePage,
        url_name="public-newsletter-issues",
        summary="The newsletter archive",
    )
    def issues(request: HttpRequest, filters: Query[IssueFilters]) -> dict[str, Any]:
        """The network's sent newsletter issues with their items, by number (oldest first:
        follow `next_cursor` to the newest)."""
        network = api_network(request)
        rows = Issue.objects.for_network(network).sent()
        if filters.year:
            rows = rows.for_year(filters.year)
        rows = rows.prefetch_related(
            Prefetch(
                "entries",
                queryset=IssueEntry.objects.select_related("item", "item__photo").order_by(
                    "position", "pk"
                ),
            )
        )
        items, next_cursor = cursor_page(
            rows, order="number", cursor=filters.cursor, limit=filters.limit
        )
        return {"items": items, "next_cursor": next_cursor}

    return router

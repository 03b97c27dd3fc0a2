"""Good examples in the public API: the network's published examples, no key needed.

Registered with ``core.api_registry`` in ``ProjectsConfig.ready()``; the ``api`` app mounts it
under ``/api/v1/public/examples``. Only what the public catalogue shows, and less: no submitter,
and no contact person even where the example's page shows one with consent (the page is linked).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import F, Prefetch
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
from bygdebas.members.models import Organisation
from bygdebas.projects.models import Example


class ExampleGoalOut(Schema):
    number: int
    name: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj)


class ExampleThemeOut(Schema):
    key: str
    name: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj)


class ExamplePhotoOut(Schema):
    url: str
    width: int | None
    height: int | None
    alt_text: str


class PublicExampleOut(Schema):
    id: int
    title: str
    summary: str
    story: str = Field(description="Markdown.")
    place: str = Field(description="The locality and municipality, as the page shows them.")
    # Annotated on the queryset: one query a page, not one a row.
    municipality_code: str | None
    municipality_name: str | None
    locality: str
    lat: float | None
    lon: float | None
    is_youth: bool = Field(description="Run by or for children and young people.")
    goals: list[ExampleGoalOut] = Field(description="Agenda 2030 goals.")
    themes: list[ExampleThemeOut]
    organisations: list[str] = Field(description="The member organisations behind it.")
    other_organisations: str
    photo: ExamplePhotoOut | None
    published_at: datetime.datetime
    updated_at: datetime.datetime
    url: str = Field(description="The example's page.")

    @staticmethod
    def resolve_place(obj: Example) -> str:
        return obj.place_line

    @staticmethod
    def resolve_goals(obj: Example) -> list[Any]:
        return list(obj.goals.all())

    @staticmethod
    def resolve_themes(obj: Example) -> list[Any]:
        return list(obj.themes.all())

    @staticmethod
    def resolve_organisations(obj: Example) -> list[str]:
        return [organisation.name for organisation in obj.organisations.all()]

    @staticmethod
    def resolve_photo(obj: Example, context: dict[str, Any]) -> dict[str, Any] | None:
        if obj.photo is None:
            return None
        image = MetaImage.from_image(obj.photo)
        return {
            "url": context["request"].build_absolute_uri(image.url),
            "width": image.width,
            "height": image.height,
            "alt_text": image.alt,
        }

    @staticmethod
    def resolve_url(obj: Example, context: dict[str, Any]) -> str:
        request: HttpRequest = context["request"]
        # Resolved once a request, not once a row: the page's address with the pk swapped in.
        pattern = vars(request).get("example_url_pattern")
        if pattern is None:
            pattern = request.build_absolute_uri(reverse("projects:example-detail", args=[0]))
            vars(request)["example_url_pattern"] = pattern
        return f"{pattern.removesuffix('0/')}{obj.pk}/"


PublicExamplePage = page_schema(PublicExampleOut, "PublicExamplePage")


class ExampleFilters(Schema):
    cursor: Text | None = Field(None, description="`next_cursor` of the previous page.")
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    municipality: Text | None = Field(
        None, description="A municipality code (four digits, e.g. 1880 for Örebro)."
    )
    theme: Text | None = Field(None, description="A theme's key, as given in `themes`.")
    goal: int | None = Field(None, ge=1, le=17, description="An Agenda 2030 goal's number.")
    youth: bool | None = Field(
        None, description="`true`: only those for children and young people."
    )


def public_router() -> Router:
    router = Router(tags=["Public: good examples"])

    @router.get(
        "/",
        response=PublicExamplePage,
        url_name="public-examples",
        summary="Published good examples",
    )
    def examples(request: HttpRequest, filters: Query[ExampleFilters]) -> dict[str, Any]:
        """The network's published good examples, by publication (oldest first: follow
        `next_cursor` to the newest)."""
        network = api_network(request)
        rows = Example.objects.for_network(network).published()
        if filters.municipality:
            rows = rows.filter(municipality__code=filters.municipality)
        rows = rows.filtered(
            goal=filters.goal, theme=filters.theme or "", is_youth=bool(filters.youth)
        )
        rows = (
            rows.annotate(
                municipality_code=F("municipality__code"),
                municipality_name=F("municipality__name"),
            )
            .select_related("photo", "municipality")
            .prefetch_related(
                "goals",
                "themes",
                Prefetch("organisations", queryset=Organisation.objects.order_by("name")),
            )
        )
        items, next_cursor = cursor_page(
            rows, order="published_at", cursor=filters.cursor, limit=filters.limit
        )
        return {"items": items, "next_cursor": next_cursor}

    return router

"""Public pages: the catalogue of good examples (list, map, page, feeds) and funding calls."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from bygdebas.core.access import current_network
from bygdebas.core.metadata import MetaImage, PageMeta, organization_schema, summary
from bygdebas.projects import calls as call_calendar
from bygdebas.projects.access import get_published_example
from bygdebas.projects.catalogue import find_examples, map_points
from bygdebas.projects.forms import CatalogueForm
from bygdebas.projects.models import FundingCall


def _catalogue_form(request: HttpRequest) -> tuple[CatalogueForm, str, dict[str, Any]]:
    network = current_network(request)
    form = CatalogueForm(request.GET or None, network=network)
    if request.GET and not form.is_valid():
        return form, "", {}
    return form, form.query(), form.filters() if request.GET else {}


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_GET
def example_catalogue(request: HttpRequest) -> HttpResponse:
    """The published examples, filtered and searched, newest (or best matching) first."""
    network = current_network(request)
    form, query, filters = _catalogue_form(request)
    page = find_examples(
        network, query=query, filters=filters, page=request.GET.get("page"), user=request.user
    )
    return render(
        request,
        "projects/example_catalogue.html",
        {
            "form": form,
            "page": page,
            "query": _query_without_page(request),
            "page_meta": PageMeta(
                title=_("Good examples"),
                description=_("Local development in our villages: projects, ideas and results."),
            ),
        },
        status=400 if request.GET and not form.is_valid() else 200,
    )


@require_GET
def example_map(request: HttpRequest) -> HttpResponse:
    """The same examples on a map; the list beside it says the same without script."""
    network = current_network(request)
    form, query, filters = _catalogue_form(request)
    points = map_points(network, query=query, filters=filters)
    return render(
        request,
        "projects/example_map.html",
        {"form": form, "points": points, "query": request.GET.urlencode()},
    )


@require_GET
def example_map_json(request: HttpRequest) -> JsonResponse:
    network = current_network(request)
    _form, query, filters = _catalogue_form(request)
    response = JsonResponse({"examples": map_points(network, query=query, filters=filters)})
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def example_detail(request: HttpRequest, pk: int) -> HttpResponse:
    network = current_network(request)
    example = get_published_example(network, pk)
    base_url = request.build_absolute_uri("/")
    schema: dict[str, Any] = {
        "@type": "Article",
        "headline": example.title,
        "description": summary(example.summary),
        "datePublished": example.published_at,
        "dateModified": example.updated_at,
        "publisher": organization_schema(network, base_url=base_url),
    }
    if example.photo is not None:
        photo = MetaImage.from_image(example.photo)
        schema["image"] = request.build_absolute_uri(photo.url)
    if example.place_line:
        schema["contentLocation"] = {"@type": "Place", "name": example.place_line}
    schema = {key: value for key, value in schema.items() if value is not None}
    return render(
        request,
        "projects/example_detail.html",
        {
            "example": example,
            "goals": list(example.goals.all()),
            "themes": list(example.themes.all()),
            "organisations": list(example.organisations.order_by("name")),
            "page_meta": PageMeta(
                title=example.title,
                description=summary(example.summary),
                image=example.photo,
                type="article",
                schema=[schema],
            ),
        },
    )


def _open_calls(request: HttpRequest) -> Any:
    network = current_network(request)
    return (
        FundingCall.objects.for_network(network)
        .upcoming(timezone.localdate())
        .prefetch_related("municipalities", "themes")
    )


@require_GET
def call_list(request: HttpRequest) -> HttpResponse:
    """Funding calls still open, by deadline."""
    return render(
        request,
        "projects/call_public_list.html",
        {
            "calls": list(_open_calls(request)),
            "today": timezone.localdate(),
            "page_meta": PageMeta(
                title=_("Funding calls"),
                description=_("Grants local groups can apply for, by deadline."),
            ),
        },
    )


@require_GET
def calls_ics(request: HttpRequest) -> HttpResponse:
    """The open calls' deadlines as an iCalendar feed."""
    network = current_network(request)
    content = call_calendar.calls_ics(
        _open_calls(request),
        name=_("Funding calls – %(network)s") % {"network": network.name},
        base_url=request.build_absolute_uri("/"),
    )
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="utlysningar.ics"'
    return response

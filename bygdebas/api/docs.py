"""The readable documentation page, made from the OpenAPI document itself (no CDN, no script)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

if TYPE_CHECKING:
    from ninja import NinjaAPI

METHODS = ("get", "post", "put", "patch", "delete")


@dataclass
class Row:
    name: str
    type: str
    required: bool
    description: str = ""
    where: str = ""


@dataclass
class Operation:
    method: str
    path: str
    anchor: str
    summary: str
    description: str
    is_public: bool
    parameters: list[Row] = field(default_factory=list)
    body: str = ""
    responses: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Model:
    name: str
    fields: list[Row]


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def type_of(schema: dict[str, Any]) -> str:
    """A schema as a short type: ``string (date-time)``, ``Organisation[]``, ``integer | null``."""
    if "$ref" in schema:
        return _ref_name(schema["$ref"])
    if "anyOf" in schema:
        return " | ".join(type_of(part) for part in schema["anyOf"])
    kind = schema.get("type", "any")
    if kind == "array":
        return f"{type_of(schema.get('items', {}))}[]"
    if "format" in schema:
        return f"{kind} ({schema['format']})"
    return str(kind)


def _rows(schema: dict[str, Any]) -> list[Row]:
    required = set(schema.get("required", []))
    return [
        Row(
            name=name,
            type=type_of(prop),
            required=name in required,
            description=prop.get("description", ""),
        )
        for name, prop in schema.get("properties", {}).items()
    ]


def read(document: dict[str, Any]) -> dict[str, Any]:
    """The operations (by tag) and models of an OpenAPI document, ready for a template."""
    groups: dict[str, list[Operation]] = {}
    for route, methods in document.get("paths", {}).items():
        for method in METHODS:
            spec = methods.get(method)
            if spec is None:
                continue
            body = ""
            content = spec.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                body = type_of(content["application/json"].get("schema", {}))
            responses = []
            for status, answer in spec.get("responses", {}).items():
                answer_content = answer.get("content", {})
                media: dict[str, Any] = next(iter(answer_content.values()), {})
                responses.append(
                    (
                        status,
                        type_of(media["schema"])
                        if "schema" in media
                        else answer.get("description", ""),
                    )
                )
            operation = Operation(
                method=method.upper(),
                path=route,
                anchor=spec.get("operationId", f"{method}-{route}"),
                summary=spec.get("summary", ""),
                description=spec.get("description", ""),
                is_public=not spec.get("security"),
                parameters=[
                    Row(
                        name=parameter["name"],
                        type=type_of(parameter.get("schema", {})),
                        required=parameter.get("required", False),
                        description=parameter.get("description", "")
                        or parameter.get("schema", {}).get("description", ""),
                        where=parameter.get("in", ""),
                    )
                    for parameter in spec.get("parameters", [])
                ],
                body=body,
                responses=responses,
            )
            for tag in spec.get("tags", ["API"])[:1]:
                groups.setdefault(tag, []).append(operation)
    models = [
        Model(name=name, fields=_rows(schema))
        for name, schema in sorted(document.get("components", {}).get("schemas", {}).items())
    ]
    return {
        "title": document.get("info", {}).get("title", ""),
        "version": document.get("info", {}).get("version", ""),
        "openapi": document.get("openapi", ""),
        "description": document.get("info", {}).get("description", ""),
        "groups": sorted(groups.items()),
        "models": models,
    }


def docs_page(request: HttpRequest, *, api: NinjaAPI) -> HttpResponse:
    """The API's documentation, read from its OpenAPI document."""
    document = api.get_openapi_schema()
    response = render(
        request,
        "api/docs.html",
        {"api": read(document), "openapi_url": request.build_absolute_uri("openapi.json")},
    )
    response["Cache-Control"] = "public, max-age=300"
    return response

"""The API, version 1: the keyed routers, every app's public routers from ``core.api_registry``,
errors as problem details, and the OpenAPI 3.1 document."""

from __future__ import annotations

import functools
import json
from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_safe
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation
from ninja.responses import NinjaJSONEncoder

from bygdebas.api.docs import docs_page
from bygdebas.api.endpoints import keyed_router
from bygdebas.api.http import (
    RateLimitedError,
    problem_response,
    too_many_requests,
    unknown_path,
    wrap_view,
)
from bygdebas.core.api_registry import CursorError, Problem, public_endpoints
from bygdebas.events.services.registrations import RegistrationError

NAMESPACE = "api-v1"
PUBLIC_PREFIX = "public/"

DESCRIPTION = """\
The open API of a Bygdebas network (a county branch).

* **Public endpoints** (`/api/v1/public/…`) need no key, answer for the network of the host they
  are asked on, and may be read from any web page (CORS).
* **Everything else** needs a key of the network: `Authorization: Bearer bb_…`. An administrator
  makes keys on the staff pages, with scopes (`read_public`, `read_registry`, `read_personal`,
  `write_actions`, `write_registrations`) and an expiry; the key is shown once. A key reads and
  writes its own network only. E-mail addresses, phone numbers and the names of people who
  registered are null without `read_personal`, and every answer carrying personal data is
  written to the network's audit log.
* **Lists** page by cursor: pass the `next_cursor` of one page as `cursor` for the next (null on
  the last page); `limit` is 1–100. The keyed lists come in the order rows last changed, and
  `updated_since` returns only rows changed at or after a time: to synchronise, remember when
  you started (less a minute, for changes still being saved then) and ask for rows changed
  since then next time; a row seen twice is simply the same row again. Deletions are not
  reported: a full pass without `updated_since` shows what still exists.
* **Conditional requests**: every successful GET has an `ETag`; send it back in `If-None-Match`
  to get `304 Not Modified` when nothing changed.
* **Rate limits** per key (per client address on the public endpoints), per minute, with the
  headers `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` and `RateLimit-Policy`;
  past the limit the answer is 429 with `Retry-After`.
* **Errors** are RFC 9457 problem details (`application/problem+json`): `type`, `title`,
  `status`, `detail`, and `errors` for invalid input.
"""


class BygdebasAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        return operation.view_func.__name__

    def get_root_path(self, path_params: dict[str, Any]) -> str:
        return reverse(f"{NAMESPACE}:docs")

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return document_errors(schema)

    def api_urls(self) -> tuple[list[URLPattern], str, str]:
        """ninja's URL patterns, each view wrapped (``api.http.wrap_view``), and the docs page
        at the root in place of ninja's."""
        patterns: list[URLPattern] = [
            path("", require_safe(functools.partial(docs_page, api=self)), name="docs"),
        ]
        for pattern in self.urls[0]:
            assert isinstance(pattern, URLPattern)
            if pattern.name == "api-root":
                continue
            route = str(pattern.pattern)
            public = route.startswith(PUBLIC_PREFIX) or pattern.name == "openapi-json"
            view = pattern.callback
            if pattern.name == "openapi-json":
                view = require_safe(view)
            patterns.append(path(route, wrap_view(view, public=public), name=pattern.name))
        patterns.append(path("<path:rest>", wrap_view(unknown_path, public=False), name="unknown"))
        return patterns, NAMESPACE, NAMESPACE


def document_errors(schema: OpenAPISchema) -> OpenAPISchema:
    """Every operation may answer a problem (RFC 9457), and every GET 304 Not Modified."""
    # A plain JSON document (ninja keys responses by int), as clients and validators read it.
    schema = json.loads(json.dumps(schema, cls=NinjaJSONEncoder))
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = Problem.model_json_schema()
    problem = {
        "description": "An error, as RFC 9457 problem details.",
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        },
    }
    for methods in schema.get("paths", {}).values():
        for method, operation in methods.items():
            responses = operation.setdefault("responses", {})
            responses["default"] = problem
            if method == "get":
                responses["304"] = {"description": "Not modified: the `If-None-Match` tag matched."}
    return schema


def _problem(status: int, detail: str = "", **kwargs: Any) -> HttpResponse:
    return problem_response(status, HTTPStatus(status).phrase, detail, **kwargs)


def _validation_errors(errors: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "location": [str(part) for part in error.get("loc", ())],
            "message": str(error.get("msg", "")),
            "type": str(error.get("type", "")),
        }
        for error in errors
        if isinstance(error, dict)
    ]


def build_api() -> BygdebasAPI:
    """The API with every router mounted: keyed, then each app's public endpoints."""
    api = BygdebasAPI(
        title="Bygdebas API",
        version="1",
        description=DESCRIPTION,
        openapi_url="/openapi.json",
        docs_url=None,
        urls_namespace=NAMESPACE,
    )

    @api.exception_handler(NinjaValidationError)
    def invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return _problem(
            422, "The request is not valid.", errors=_validation_errors(list(exc.errors))
        )

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return _problem(
            401,
            "A valid API key is needed: Authorization: Bearer bb_… (a revoked or expired key is "
            "not valid).",
            headers={"WWW-Authenticate": 'Bearer realm="bygdebas"'},
        )

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return _problem(exc.status_code, str(exc.message))

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return _problem(404, "No such row in this network.")

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return _problem(403)

    @api.exception_handler(CursorError)
    def bad_cursor(request: HttpRequest, exc: CursorError) -> HttpResponse:
        return _problem(400, str(exc))

    @api.exception_handler(RateLimitedError)
    def rate_limited(request: HttpRequest, exc: RateLimitedError) -> HttpResponse:
        return too_many_requests(exc.state)

    @api.exception_handler(RegistrationError)
    def registration_refused(request: HttpRequest, exc: RegistrationError) -> HttpResponse:
        return _problem(409, " ".join(exc.messages))

    @api.exception_handler(DjangoValidationError)
    def refused(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        return _problem(422, " ".join(exc.messages))

    api.add_router("/", keyed_router())
    for entry in public_endpoints():
        api.add_router(f"/{PUBLIC_PREFIX}{entry.prefix}", entry.router())
    return api


api = build_api()

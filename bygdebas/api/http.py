"""What every API answer shares: problem details (RFC 9457), rate limits with their headers,
ETags for conditional requests, caching, and CORS for the public endpoints only.

The ninja views are wrapped once, at the URL level (``wrap_view``), so no endpoint can forget
any of it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import patch_vary_headers

from bygdebas.core.ratelimit import client_key, count_attempt

PROBLEM_TYPE = "application/problem+json"
WINDOW_S = 60
# Headers a browser script on another origin may send and read on the public endpoints.
CORS_REQUEST_HEADERS = "If-None-Match, Accept"
CORS_EXPOSED_HEADERS = "ETag, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, Retry-After"


def problem_response(
    status: int,
    title: str,
    detail: str = "",
    *,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    """An error as RFC 9457 problem details."""
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if errors is not None:
        body["errors"] = errors
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, default=str), status=status, content_type=PROBLEM_TYPE
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


@dataclass(frozen=True)
class RateState:
    limit: int
    remaining: int
    reset: int  # seconds until the window ends

    def headers(self) -> dict[str, str]:
        return {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset),
            "RateLimit-Policy": f"{self.limit};w={WINDOW_S}",
        }


class RateLimitedError(Exception):
    def __init__(self, state: RateState) -> None:
        super().__init__("Too many requests")
        self.state = state


def count_request(request: HttpRequest, key: str, limit: int) -> RateState:
    """Count one request under ``key`` (core's shared counter, one-minute windows); the state is
    kept on the request for the answer's headers. Raises RateLimitedError past the limit."""
    attempts = count_attempt(f"api:{key}", window=WINDOW_S)
    reset = max(1, math.ceil(WINDOW_S - time.time() % WINDOW_S))
    state = RateState(limit=limit, remaining=max(0, limit - attempts), reset=reset)
    vars(request)["api_rate"] = state  # read by finish_response
    if attempts > limit:
        raise RateLimitedError(state)
    return state


def too_many_requests(state: RateState) -> HttpResponse:
    return problem_response(
        429,
        "Too many requests",
        f"At most {state.limit} requests a minute; try again in {state.reset} seconds.",
        headers={"Retry-After": str(state.reset)},
    )


def etag_for(content: bytes) -> str:
    return f'W/"{hashlib.sha256(content).hexdigest()[:32]}"'


def _matches(header: str, etag: str) -> bool:
    if header.strip() == "*":
        return True
    # Weak comparison (RFC 9110 13.1.2): W/"x" and "x" are the same tag.
    wanted = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return etag.removeprefix("W/") in wanted


def finish_response(
    request: HttpRequest, response: HttpResponseBase, *, public: bool
) -> HttpResponseBase:
    """Problem details for ninja's bare 405, rate-limit headers, ETag (and 304 when it matches),
    caching and CORS."""
    if response.status_code == 405 and response.get("Content-Type") != PROBLEM_TYPE:
        allowed = response.get("Allow", "")
        response = problem_response(
            405, "Method Not Allowed", f"Allowed: {allowed}.", headers={"Allow": allowed}
        )
    state: RateState | None = vars(request).get("api_rate")
    if state is not None:
        for name, value in state.headers().items():
            response[name] = value
    if request.method in {"GET", "HEAD"} and response.status_code == 200:
        content = getattr(response, "content", b"")
        etag = etag_for(content)
        if _matches(request.headers.get("If-None-Match", ""), etag):
            not_modified = HttpResponse(status=304)
            for name in ("Cache-Control", "Vary", *(state.headers() if state else {})):
                if name in response:
                    not_modified[name] = response[name]
            response = not_modified
        response["ETag"] = etag
    if "Cache-Control" not in response:
        if public and response.status_code in {200, 304}:
            response["Cache-Control"] = "public, max-age=60"
        elif vars(request).get("api_personal"):
            response["Cache-Control"] = "private, no-store"
        else:
            response["Cache-Control"] = "private, no-cache"
    if public:
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = CORS_EXPOSED_HEADERS
    else:
        patch_vary_headers(response, ["Authorization"])
    return response


def unknown_path(request: HttpRequest, rest: str) -> HttpResponse:
    """Any other path under the API: a 404 problem, not the site's HTML page."""
    return problem_response(404, "Not Found", "No such endpoint; see /api/v1/openapi.json.")


def preflight() -> HttpResponse:
    response = HttpResponse(status=204)
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
    response["Access-Control-Allow-Headers"] = CORS_REQUEST_HEADERS
    response["Access-Control-Max-Age"] = "86400"
    return response


def wrap_view(
    view: Callable[..., HttpResponseBase], *, public: bool
) -> Callable[..., HttpResponseBase]:
    """The view with everything above. A public view also answers CORS preflights and is rate
    limited per client address (a keyed view is limited per key, when the key is checked)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if public and request.method == "OPTIONS":
            return preflight()
        if public:
            try:
                count_request(
                    request,
                    f"public:{client_key(request)}",
                    settings.BYGDEBAS_API_PUBLIC_RATE_LIMIT,
                )
            except RateLimitedError as error:
                return finish_response(request, too_many_requests(error.state), public=public)
        return finish_response(request, view(request, *args, **kwargs), public=public)

    return wrapped

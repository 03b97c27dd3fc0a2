"""The public API's registry, and the pieces every app's endpoints share.

The ``api`` app serves ``/api/v1/``; the apps below it never import it. An app with public,
read-only data (the calendar, good examples, positions, the newsletter archive, reports on the
conditions map) writes a django-ninja ``Router`` of its own and registers it in its
``AppConfig.ready()``::

    from bygdebas.core.api_registry import register_public_endpoints

    register_public_endpoints("events", prefix="events", router=events_api.public_router)

The routers are mounted under ``/api/v1/public/<prefix>`` with no key needed, CORS open and a
rate limit per client address; they answer for the network of the host they are asked on
(``api_network``). A list pages by cursor with ``cursor_page`` and answers a ``page_schema``.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

from django.db import models
from django.db.models import Q
from django.http import Http404, HttpRequest
from ninja import Schema
from pydantic import AfterValidator, Field, create_model

if TYPE_CHECKING:
    from ninja import Router

    from bygdebas.core.models import Network

# The largest page any list answers; the default when the client does not say.
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 50


# The largest id a database column holds: a bigger number in a path or body is refused as
# invalid input rather than overflowing in the database.
MAX_ID = 2_147_483_647


def _storable_text(value: str) -> str:
    # PostgreSQL refuses NUL in text, and a lone surrogate cannot be encoded: refuse both as
    # invalid input, before they reach a query.
    if "\x00" in value:
        raise ValueError("Text may not contain NUL characters.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError("Text is not valid Unicode.") from error
    return value


def as_utc(value: datetime.datetime) -> datetime.datetime:
    """An aware time in UTC; ValueError for a naive one or one UTC cannot hold (year 1 with a
    positive offset). PostgreSQL refuses offsets past ±15:59, which ISO 8601 allows."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("A time needs a time zone (e.g. 2025-06-01T12:00:00+02:00 or …Z).")
    try:
        return value.astimezone(datetime.UTC)
    except OverflowError as error:
        raise ValueError("The time is out of range.") from error


Text = Annotated[str, AfterValidator(_storable_text)]
Timestamp = Annotated[datetime.datetime, AfterValidator(as_utc)]
RowId = Annotated[int, Field(ge=1, le=MAX_ID)]


@dataclass(frozen=True)
class PublicEndpoints:
    key: str
    prefix: str  # under /api/v1/public/
    router: Callable[[], Router]  # a new Router each call: a router can be mounted only once


_public: dict[str, PublicEndpoints] = {}


def register_public_endpoints(key: str, *, prefix: str, router: Callable[[], Router]) -> None:
    """Mount the router ``router()`` makes under ``/api/v1/public/<prefix>``."""
    entry = PublicEndpoints(key=key, prefix=prefix.strip("/"), router=router)
    if key in _public and _public[key] != entry:
        raise ValueError(f"Public API endpoints {key!r} are already registered differently.")
    clash = [other for other in _public.values() if other.prefix == entry.prefix and other != entry]
    if clash:
        raise ValueError(f"The API prefix {entry.prefix!r} is taken by {clash[0].key!r}.")
    _public[key] = entry


def public_endpoints() -> list[PublicEndpoints]:
    return sorted(_public.values(), key=lambda entry: entry.prefix)


def api_network(request: HttpRequest) -> Network:
    """The network of the host a public endpoint is asked on; 404 on a host without one."""
    network = getattr(request, "network", None)
    if network is None:
        raise Http404("No network is served on this host.")
    return network


class Problem(Schema):
    """An error, as RFC 9457 problem details (``application/problem+json``)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str = ""
    errors: list[dict[str, Any]] | None = None


def page_schema(item: type[Schema], name: str) -> type[Schema]:
    """The schema of one page of ``item``: the rows and the cursor of the next page."""
    return create_model(
        name,
        __base__=Schema,
        items=(list[item], ...),  # type: ignore[valid-type]  # a class made at run time
        next_cursor=(str | None, None),
    )


class CursorError(ValueError):
    """A cursor that this API did not make (changed, cut short, for another list)."""


def encode_cursor(value: str, pk: int) -> str:
    raw = json.dumps([value, pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value, pk = json.loads(raw)
    except (binascii.Error, ValueError, TypeError) as error:
        raise CursorError("The cursor is not one this API gave.") from error
    if not isinstance(value, str) or not isinstance(pk, int) or isinstance(pk, bool):
        raise CursorError("The cursor is not one this API gave.")
    return value, pk


def cursor_page[M: models.Model](
    queryset: models.QuerySet[M], *, order: str, cursor: str | None, limit: int
) -> tuple[list[M], str | None]:
    """One page of ``queryset`` in ``order`` (a field, ascending; the primary key breaks ties),
    after ``cursor``; and the cursor of the next page, None on the last.

    Keyset paging: a row added or changed while a client pages through is neither skipped nor
    shown twice among the rows it has not reached, and a page costs one query however deep.
    """
    field = queryset.model._meta.get_field(order)
    assert isinstance(field, models.Field), f"{order} is not a column"
    rows = queryset.order_by(order, "pk")
    if cursor:
        text, pk = decode_cursor(cursor)
        try:
            value = field.to_python(text)
        except Exception as error:  # a ValidationError, or a date too far out of range
            raise CursorError("The cursor is not one this API gave.") from error
        if value is None:
            raise CursorError("The cursor is not one this API gave.")
        if isinstance(value, datetime.datetime):
            try:
                value = as_utc(value)
            except ValueError as error:
                raise CursorError("The cursor is not one this API gave.") from error
        rows = rows.filter(Q(**{f"{order}__gt": value}) | Q(**{order: value, "pk__gt": pk}))
    found = list(rows[: limit + 1])
    if len(found) <= limit:
        return found, None
    last = found[limit - 1]
    return found[:limit], encode_cursor(field.value_to_string(last), last.pk)

"""The public catalogue of good examples: filters and full-text search behind one call.

Without words, the published examples are filtered in the database and paged there. With words,
``core.search`` finds and ranks them (Swedish stemming on PostgreSQL, FTS5 on SQLite); filters
then narrow the best ``SEARCH_CAP`` matches. Either way a page costs a fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Paginator

from bygdebas.core.models import Network
from bygdebas.core.rows import attach
from bygdebas.core.search import matching_ids, search
from bygdebas.projects.models import Example

PAGE_SIZE = 20
KIND = "projects.example"
# Filters with words narrow this many of the best matches (a network has far fewer examples).
SEARCH_CAP = 500


@dataclass
class CataloguePage:
    examples: list[Example] = field(default_factory=list)
    total: int = 0
    number: int = 1
    num_pages: int = 1
    query: str = ""

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def published(network: Network) -> Any:
    return (
        Example.objects.for_network(network)
        .published()
        .select_related("photo", "municipality")
        .order_by("-published_at", "-pk")
    )


def _has_filters(filters: dict[str, Any]) -> bool:
    return any(filters.values())


def find_examples(
    network: Network,
    *,
    query: str = "",
    filters: dict[str, Any] | None = None,
    page: Any = 1,
    user: Any = None,
    per_page: int = PAGE_SIZE,
) -> CataloguePage:
    """A page of the published examples matching ``query`` and ``filters``, best first."""
    filters = filters or {}
    try:
        number = max(1, int(page or 1))
    except (TypeError, ValueError):
        number = 1
    if not query:
        paginator = Paginator(published(network).filtered(**filters), per_page)
        found = paginator.get_page(number)
        return CataloguePage(
            list(found.object_list), paginator.count, found.number, paginator.num_pages
        )
    if not _has_filters(filters):
        result = search(
            query, network=network, user=user, kinds=[KIND], page=number, per_page=per_page
        )
        ids = [int(r.object_id) for r in result.results]
        snippets = {int(r.object_id): r.snippet for r in result.results}
        return CataloguePage(
            _in_order(network, ids, snippets, filters),
            result.total,
            result.number,
            result.num_pages,
            query,
        )
    ids = [
        int(pk)
        for pk in matching_ids(query, network=network, user=user, kinds=[KIND], limit=SEARCH_CAP)
    ]
    passing = set(
        published(network).filtered(**filters).filter(pk__in=ids).values_list("pk", flat=True)
    )
    ordered = [pk for pk in ids if pk in passing]
    num_pages = max(1, -(-len(ordered) // per_page))
    number = min(number, num_pages)
    start = (number - 1) * per_page
    rows = _in_order(network, ordered[start : start + per_page], {}, {})
    return CataloguePage(rows, len(ordered), number, num_pages, query)


def _in_order(
    network: Network, ids: list[int], snippets: dict[int, Any], filters: dict[str, Any]
) -> list[Example]:
    if not ids:
        return []
    rows = {row.pk: row for row in published(network).filtered(**filters).filter(pk__in=ids)}
    ordered = [rows[pk] for pk in ids if pk in rows]
    for row in ordered:
        attach(row, snippet=snippets.get(row.pk, ""))  # none when filtered: the summary shows
    return ordered


def map_points(
    network: Network, *, query: str = "", filters: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """The matching published examples that have a position, for the map (one or two queries)."""
    filters = filters or {}
    rows = published(network).filtered(**filters).filter(lat__isnull=False, lon__isnull=False)
    if query:
        ids = matching_ids(query, network=network, kinds=[KIND], limit=SEARCH_CAP)
        rows = rows.filter(pk__in=[int(pk) for pk in ids])
    return [
        {
            "id": row.pk,
            "title": row.title,
            "url": row.get_absolute_url(),
            "lat": row.lat,
            "lon": row.lon,
            "place": row.place_line,
        }
        for row in rows.select_related(None).select_related("municipality")[:2000]
    ]

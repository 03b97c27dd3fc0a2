"""Atom 1.0 and JSON Feed 1.1 for any public list, from one definition.

Subclass ``PublicFeed`` (Django's syndication ``Feed``, with the network as its object) and
mount both formats with ``PublicFeed.urls(route, name)``: ``<route>.atom`` named
``<name>-atom`` and ``<route>.json`` named ``<name>-json``. Pages announce them in their head
with ``{% feed_links "<app>:<name>" title %}`` (``{% load feeds %}``).

Links are made absolute for the host the request came to, so each network's feed points at its
own site. Dates: ``item_pubdate`` is an entry's first publication, ``item_updateddate`` its last
change; the feed's own "updated" is the latest of those.
"""

from __future__ import annotations

import datetime
import json
from typing import IO, Any, ClassVar

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponseNotAllowed
from django.urls import URLPattern, path
from django.utils.feedgenerator import Atom1Feed, SyndicationFeed

from bygdebas.core.access import current_network
from bygdebas.core.models import Network

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


def _iso(value: datetime.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


class JsonFeed(SyndicationFeed):
    """JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/) from Django's feed generator."""

    content_type = "application/feed+json; charset=utf-8"

    def write(self, outfile: IO[Any], encoding: str) -> None:
        feed = self.feed
        document: dict[str, Any] = {
            "version": JSON_FEED_VERSION,
            "title": feed["title"],
            "home_page_url": feed["link"],
            "feed_url": feed.get("feed_url") or feed["link"],
            "description": feed.get("description") or "",
            "language": feed.get("language") or "sv",
        }
        if feed.get("author_name"):
            document["authors"] = [_author(feed["author_name"], feed.get("author_link"))]
        document["items"] = [self._item(item) for item in self.items]
        outfile.write(json.dumps(document, ensure_ascii=False, indent=1).encode(encoding))

    @staticmethod
    def _item(item: dict[str, Any]) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "id": item.get("unique_id") or item["link"],
            "url": item["link"],
            "title": item["title"],
            "content_html": item.get("description") or "",
        }
        if item.get("summary"):
            entry["summary"] = item["summary"]
        if item.get("pubdate"):
            entry["date_published"] = _iso(item["pubdate"])
        if item.get("updateddate"):
            entry["date_modified"] = _iso(item["updateddate"])
        if item.get("author_name"):
            entry["authors"] = [_author(item["author_name"], item.get("author_link"))]
        if item.get("categories"):
            entry["tags"] = [str(category) for category in item["categories"]]
        return entry


def _author(name: str, url: str | None) -> dict[str, str]:
    return {"name": name, **({"url": url} if url else {})}


class PublicFeed(Feed):
    """A public list as a feed of the request's network; subclasses say what is in it.

    Define ``items(network)`` (newest first, with a limit), ``item_title``,
    ``item_description`` (safe HTML), ``item_link`` (a path), ``item_pubdate`` and
    ``item_updateddate``; ``title``/``description`` may be strings or ``(network) -> str``.
    """

    feed_type: ClassVar[type[SyndicationFeed]] = Atom1Feed  # type: ignore[misc]
    language = "sv"
    #: The page the feed mirrors (a path), e.g. "/kalender/".
    home_path = "/"

    def __init__(self, feed_type: type[SyndicationFeed] | None = None) -> None:
        super().__init__()
        if feed_type is not None:
            self.feed_type = feed_type  # type: ignore[misc]

    @classmethod
    def urls(cls, route: str, name: str) -> list[URLPattern]:
        """``<route>.atom`` and ``<route>.json``, named ``<name>-atom`` and ``<name>-json``."""
        return [
            path(f"{route}.atom", cls(Atom1Feed), name=f"{name}-atom"),
            path(f"{route}.json", cls(JsonFeed), name=f"{name}-json"),
        ]

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Network:
        return current_network(request)

    def link(self, network: Network) -> str:
        return self.home_path

    def author_name(self, network: Network) -> str:
        return network.name

    def item_author_name(self, item: Any) -> str | None:
        return None  # the feed's author (the network) stands for every entry

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        # A feed is read, never posted to (the permission matrix asks every URL).
        if request.method not in {"GET", "HEAD"}:
            return HttpResponseNotAllowed(["GET", "HEAD"])
        response = super().__call__(request, *args, **kwargs)
        # Feed readers poll: a few minutes' caching spares the database without going stale.
        response.headers.setdefault("Cache-Control", "public, max-age=300")
        return response

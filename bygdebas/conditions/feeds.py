"""The published reports as Atom and JSON Feed, optionally for one municipality and category
(``?kommun=1880&kategori=road``)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext as _

from bygdebas.conditions.models import Category, Report
from bygdebas.core.access import current_network
from bygdebas.core.feeds import PublicFeed
from bygdebas.core.models import Municipality, Network


@dataclass(frozen=True)
class Scope:
    network: Network
    municipality: Municipality | None
    category: str


class ReportFeed(PublicFeed):
    home_path = "/landsbygdslaget/lista/"

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        network = current_network(request)
        code = request.GET.get("kommun", "")
        municipality = network.municipalities().filter(code=code).first() if code else None
        category = request.GET.get("kategori", "")
        return Scope(network, municipality, category if category in Category.values else "")

    def title(self, scope: Scope) -> str:
        parts = [_("Reports – %(network)s") % {"network": scope.network.name}]
        if scope.municipality is not None:
            parts.append(scope.municipality.name)
        if scope.category:
            parts.append(str(Category(scope.category).label))
        return " · ".join(parts)

    def link(self, scope: Any) -> str:
        return self.home_path

    def author_name(self, scope: Any) -> str:
        return scope.network.name

    def items(self, scope: Scope) -> Any:
        rows = Report.objects.for_network(scope.network).published().with_place()
        if scope.municipality is not None:
            rows = rows.filter(municipality=scope.municipality)
        if scope.category:
            rows = rows.filter(category=scope.category)
        return rows.order_by("-published_at")[:50]

    def item_title(self, item: Report) -> str:
        return f"{item.title} ({item.get_category_display()}, {item.municipality.name})"

    def item_description(self, item: Report) -> str:
        return f"<p>{escape(item.get_status_display())}</p>" + linebreaks(escape(item.description))

    def item_link(self, item: Report) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Report) -> datetime.datetime | None:
        return item.published_at

    def item_updateddate(self, item: Report) -> datetime.datetime | None:
        return item.updated_at

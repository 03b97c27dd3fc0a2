"""The catalogue of good examples as Atom 1.0 and JSON Feed 1.1."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _

from bygdebas.core.feeds import PublicFeed
from bygdebas.core.markdown import render_markdown
from bygdebas.core.models import Network
from bygdebas.projects.models import Example

FEED_ITEMS = 50


class ExampleFeed(PublicFeed):
    home_path = "/goda-exempel/"

    def title(self, network: Network) -> str:
        return _("Good examples – %(network)s") % {"network": network.name}

    def description(self, network: Network) -> str:
        return _("Good examples of local development, newest first.")

    def items(self, network: Network) -> Any:
        return (
            Example.objects.for_network(network)
            .published()
            .order_by("-published_at", "-pk")[:FEED_ITEMS]
        )

    def item_title(self, item: Example) -> str:
        return item.title

    def item_description(self, item: Example) -> str:
        return render_markdown(f"{item.summary}\n\n{item.story}")

    def item_link(self, item: Example) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Example) -> datetime.datetime | None:
        return item.published_at

    def item_updateddate(self, item: Example) -> datetime.datetime:
        return item.updated_at

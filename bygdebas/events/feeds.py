"""The public calendar as Atom and JSON Feed (next to its iCalendar feed)."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from bygdebas.core.feeds import PublicFeed
from bygdebas.core.markdown import render_markdown
from bygdebas.core.models import Network
from bygdebas.events.models import Event
from bygdebas.events.views.public import _feed_events

FEED_ITEMS = 50


def _when(event: Event) -> str:
    starts = timezone.localtime(event.starts_at)
    return f"{formats.date_format(starts, 'j F Y')}, {formats.time_format(starts, 'H:i')}"


def _where(event: Event) -> str:
    place = event.place_line
    if event.is_digital:
        place = f"{place} {_('and online')}" if place else _("Online")
    return place


class EventFeed(PublicFeed):
    """The network's public events: upcoming ones and those of the last 90 days."""

    home_path = "/kalender/"

    def title(self, network: Network) -> str:
        return _("Calendar – %(network)s") % {"network": network.name}

    def description(self, network: Network) -> str:
        return _("Meetings, seminars and other events of %(network)s.") % {"network": network.name}

    def link(self, network: Network) -> str:
        return reverse("events:event-list")

    def items(self, network: Network) -> list[Event]:
        # What is new first: a feed reader shows the latest additions.
        return list(_feed_events(network).order_by("-created_at", "-pk")[:FEED_ITEMS])

    def item_title(self, event: Event) -> str:
        title = f"{event.title} – {_when(event)}"
        return f"{_('Cancelled')}: {title}" if event.is_cancelled else title

    def item_description(self, event: Event) -> str:
        facts = f"<p><strong>{escape(_when(event))}</strong>"
        if where := _where(event):
            facts += f"<br>{escape(where)}"
        return facts + "</p>" + render_markdown(event.description)

    def item_link(self, event: Event) -> str:
        return reverse("events:event-detail", args=[event.pk])

    def item_pubdate(self, event: Event) -> datetime.datetime:
        return event.created_at

    def item_updateddate(self, event: Event) -> datetime.datetime:
        return event.updated_at

    def item_author_name(self, event: Event) -> str | None:
        return event.organisers or None

    def item_categories(self, event: Event) -> list[Any]:
        return [event.get_kind_display()]

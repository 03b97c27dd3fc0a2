"""What is coming up in a network, for apps that must not import the app that owns it.

The events app registers its public calendar here; the newsletter's composer reads it to offer
"upcoming events" without importing events::

    register_upcoming("events.public", upcoming=fn)  # fn(network, start, end) -> [Upcoming]
    upcoming(network, days=42)  # every source's entries, soonest first
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone

if TYPE_CHECKING:
    from bygdebas.core.models import Network


@dataclass(frozen=True)
class Upcoming:
    """One public thing ahead: only what anyone may see (title, when, where, its public page)."""

    key: str  # unique within its source, e.g. "event:42"
    title: str
    starts_at: datetime.datetime
    place: str
    summary: str
    url: str  # a path on the network's host


UpcomingSource = Callable[["Network", datetime.datetime, datetime.datetime], list[Upcoming]]
_sources: dict[str, UpcomingSource] = {}


def register_upcoming(key: str, *, upcoming: UpcomingSource) -> None:
    """Let other apps see ``upcoming(network, start, end)``: public entries in that window."""
    if key in _sources and _sources[key] is not upcoming:
        raise ValueError(f"Upcoming source {key!r} is registered twice.")
    _sources[key] = upcoming


def upcoming(network: Network, *, days: int = 42) -> list[Upcoming]:
    """Every registered source's public entries in the next ``days`` days, soonest first."""
    start = timezone.now()
    end = start + datetime.timedelta(days=days)
    entries = [entry for source in _sources.values() for entry in source(network, start, end)]
    return sorted(entries, key=lambda entry: entry.starts_at)

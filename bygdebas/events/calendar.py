"""iCalendar (RFC 5545) for events: one event as an invitation, and calendar feeds."""

from __future__ import annotations

from collections.abc import Iterable

import icalendar
from django.urls import reverse
from django.utils import timezone

from bygdebas.events.models import Event

PRODID = "-//Bygdebas//Kalender//SV"


def _vevent(event: Event, *, base_url: str) -> icalendar.Event:
    url = base_url.rstrip("/") + reverse("events:event-detail", args=[event.pk])
    host = base_url.split("//", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "bygdebas"
    entry = icalendar.Event()
    entry.add("uid", f"event-{event.pk}@{host}")
    entry.add("dtstamp", timezone.now())
    entry.add("dtstart", event.starts_at)
    entry.add("dtend", event.ends_at)
    entry.add("summary", event.title)
    entry.add("url", url)
    description = event.description.strip()
    entry.add("description", f"{description}\n\n{url}" if description else url)
    place = event.place_line
    if place:
        entry.add("location", place)
    elif event.is_digital:
        entry.add("location", "Digitalt")
    if event.lat is not None and event.lon is not None:
        entry.add("geo", (event.lat, event.lon))
    entry.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    entry.add("last-modified", event.updated_at)
    entry.add("sequence", int(event.updated_at.timestamp()) // 60 % 100000)
    return entry


def calendar_ics(events: Iterable[Event], *, name: str, base_url: str) -> str:
    """A calendar holding ``events`` (a feed, or one event's invitation)."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    for event in events:
        cal.add_component(_vevent(event, base_url=base_url))
    return cal.to_ical().decode("utf-8")


def event_ics(event: Event, *, base_url: str) -> str:
    """One event as an .ics file, for the confirmation e-mail and the event page."""
    return calendar_ics([event], name=event.title, base_url=base_url)

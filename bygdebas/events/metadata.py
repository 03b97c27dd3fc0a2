"""An event page as Open Graph and schema.org ``Event`` (what search engines show as an event)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from bygdebas.core.metadata import PageMeta, organization_schema, summary
from bygdebas.core.models import Network
from bygdebas.events.models import Event

SCHEMA = "https://schema.org/"
ATTENDANCE = {
    Event.Format.PHYSICAL: "OfflineEventAttendanceMode",
    Event.Format.DIGITAL: "OnlineEventAttendanceMode",
    Event.Format.HYBRID: "MixedEventAttendanceMode",
}


def _place(event: Event) -> dict[str, Any]:
    address: dict[str, Any] = {"@type": "PostalAddress", "addressCountry": "SE"}
    if event.address:
        address["streetAddress"] = event.address
    if event.municipality:
        address["addressLocality"] = event.municipality.name
    place: dict[str, Any] = {
        "@type": "Place",
        "name": event.place_name
        or event.address
        or (event.municipality.name if event.municipality else ""),
        "address": address,
    }
    if event.lat is not None and event.lon is not None:
        place["geo"] = {"@type": "GeoCoordinates", "latitude": event.lat, "longitude": event.lon}
    return place


def event_schema(
    event: Event,
    *,
    network: Network,
    url: str,
    base_url: str,
    description: str,
    places_left: int | None,
) -> dict[str, Any]:
    """schema.org Event: dates, status, attendance mode, place, organiser and registration."""
    locations: list[dict[str, Any]] = []
    if event.is_physical:
        locations.append(_place(event))
    if event.is_digital:
        # The video link itself is only for registered participants: the page stands in for it.
        locations.append({"@type": "VirtualLocation", "url": url})
    organizer = organization_schema(network, base_url=base_url)
    data: dict[str, Any] = {
        "@type": "Event",
        "name": event.title,
        "url": url,
        "startDate": timezone.localtime(event.starts_at).isoformat(),
        "endDate": timezone.localtime(event.ends_at).isoformat(),
        "eventStatus": SCHEMA + ("EventCancelled" if event.is_cancelled else "EventScheduled"),
        "eventAttendanceMode": SCHEMA + ATTENDANCE[Event.Format(event.format)],
        "location": locations[0] if len(locations) == 1 else locations,
        "organizer": organizer,
        "inLanguage": "sv",
        "isAccessibleForFree": True,
    }
    if description:
        data["description"] = description
    if event.organisers and event.organisers != network.name:
        # The member organisations arranging it together with the network.
        data["organizer"] = [organizer, {"@type": "Organization", "name": event.organisers}]
    if event.capacity is not None:
        data["maximumAttendeeCapacity"] = event.capacity
        if places_left is not None:
            data["remainingAttendeeCapacity"] = places_left
    if not event.is_cancelled:
        # Registration is free; a full event still takes registrations to its waiting list.
        offer: dict[str, Any] = {
            "@type": "Offer",
            "url": f"{url}#register-heading",
            "price": "0",
            "priceCurrency": "SEK",
            "availability": SCHEMA + ("SoldOut" if places_left == 0 else "InStock"),
            "validFrom": timezone.localtime(
                event.registration_opens_at or event.created_at
            ).isoformat(),
        }
        closes = event.registration_closes_at or event.starts_at
        offer["validThrough"] = timezone.localtime(closes).isoformat()
        data["offers"] = offer
    return data


def event_page_meta(
    event: Event,
    *,
    request: HttpRequest,
    network: Network,
    description_html: str,
    places_left: int | None,
) -> PageMeta:
    """Open Graph and JSON-LD for an event's public page."""
    path = reverse("events:event-detail", args=[event.pk])
    url = request.build_absolute_uri(path)
    text = summary(description_html, 200)
    starts = timezone.localtime(event.starts_at)
    when = f"{formats.date_format(starts, 'j F Y')}, {formats.time_format(starts, 'H:i')}"
    return PageMeta(
        title=event.title,
        description=f"{when}. {text}" if text else when,
        canonical=path,
        schema=[
            event_schema(
                event,
                network=network,
                url=url,
                base_url=request.build_absolute_uri("/"),
                description=text,
                places_left=places_left,
            )
        ],
    )


def calendar_page_meta(
    events: list[Event], *, request: HttpRequest, network: Network, title: str, path: str
) -> PageMeta:
    """Open Graph and JSON-LD for a calendar page: an ``ItemList`` of the page's ``Event``s."""
    base_url = request.build_absolute_uri("/")
    items = [
        {
            "@type": "ListItem",
            "position": position,
            "item": event_schema(
                event,
                network=network,
                url=request.build_absolute_uri(reverse("events:event-detail", args=[event.pk])),
                base_url=base_url,
                description="",
                places_left=getattr(event, "places_left", None),
            ),
        }
        for position, event in enumerate(events, start=1)
    ]
    return PageMeta(
        title=title,
        description=summary(
            _("Meetings, seminars and other events of %(network)s.") % {"network": network.name},
            200,
        ),
        canonical=path,
        schema=[{"@type": "ItemList", "name": title, "itemListElement": items}],
    )

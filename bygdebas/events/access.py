"""Fetching events, their attachments, registrations and bodies: 404 for other networks' rows,
403 for a missing role."""

from __future__ import annotations

from bygdebas.core.access import fetch, fetch_in_network, role_in
from bygdebas.core.http import AnyUser
from bygdebas.core.models import Network
from bygdebas.events.models import (
    BodyMeeting,
    Event,
    EventAttachment,
    PartnershipBody,
    Registration,
)


def get_public_event(network: Network, pk: int, *, user: AnyUser | None = None) -> Event:
    """An event as the public sees it: published and public; members-only for signed-in roles."""
    events = Event.objects.published().select_related("municipality")
    if role_in(user, network) is None:
        events = events.filter(is_members_only=False)
    return fetch_in_network(network, events, pk)


def get_registration_by_token(network: Network, token: str) -> Registration:
    """The registration behind a personal link (the link is the credential)."""
    registrations = Registration.objects.select_related("event__network", "event__municipality")
    return fetch_in_network(network, registrations, token=token)


def get_event_for_user(user: AnyUser, network: Network, pk: int, *, write: bool = False) -> Event:
    return fetch(user, network, Event.objects.select_related("municipality"), pk, write=write)


def get_attachment_for_user(
    user: AnyUser, network: Network, pk: int, *, write: bool = False
) -> EventAttachment:
    return fetch(user, network, EventAttachment.objects.select_related("event"), pk, write=write)


def get_registration_for_user(
    user: AnyUser, network: Network, pk: int, *, write: bool = False
) -> Registration:
    return fetch(user, network, Registration.objects.select_related("event"), pk, write=write)


def get_body_for_user(
    user: AnyUser, network: Network, pk: int, *, write: bool = False
) -> PartnershipBody:
    return fetch(user, network, PartnershipBody, pk, write=write)


def get_meeting_for_user(
    user: AnyUser, network: Network, pk: int, *, write: bool = False
) -> BodyMeeting:
    return fetch(user, network, BodyMeeting.objects.select_related("body"), pk, write=write)

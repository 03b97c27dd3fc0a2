"""Fetching events, their attachments, registrations and bodies: 404 for other networks' rows, 403 for a missing role."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from bygdebas.core.access import READ_ROLES, WRITE_ROLES, check_role
from bygdebas.core.models import Network
from bygdebas.events.models import (
    BodyMeeting,
    Event,
    EventAttachment,
    PartnershipBody,
    Registration,
)


def _roles(write: bool) -> frozenset[str]:
    return WRITE_ROLES if write else READ_ROLES


def get_public_event(network: Network, pk: int, *, user: Any = None) -> Event:
    """An event as the public sees it: published and public; members-only for signed-in roles."""
    events = Event.objects.for_network(network).published().select_related("municipality")
    role = user.role_in(network) if user is not None and user.is_authenticated else None
    if role is None:
        events = events.filter(is_members_only=False)
    try:
        return events.get(pk=pk)
    except Event.DoesNotExist:
        raise Http404 from None


def get_registration_by_token(network: Network, token: str) -> Registration:
    """The registration behind a personal link (the link is the credential)."""
    try:
        return Registration.objects.select_related("event__network", "event__municipality").get(
            token=token, event__network=network
        )
    except Registration.DoesNotExist:
        raise Http404 from None


def get_event_for_user(user: Any, network: Network, pk: int, *, write: bool = False) -> Event:
    check_role(user, network, _roles(write))
    try:
        return Event.objects.for_network(network).select_related("municipality").get(pk=pk)
    except Event.DoesNotExist:
        raise Http404 from None


def get_attachment_for_user(
    user: Any, network: Network, pk: int, *, write: bool = False
) -> EventAttachment:
    check_role(user, network, _roles(write))
    try:
        return EventAttachment.objects.select_related("event").get(event__network=network, pk=pk)
    except EventAttachment.DoesNotExist:
        raise Http404 from None


def get_registration_for_user(
    user: Any, network: Network, pk: int, *, write: bool = False
) -> Registration:
    check_role(user, network, _roles(write))
    try:
        return Registration.objects.select_related("event").get(event__network=network, pk=pk)
    except Registration.DoesNotExist:
        raise Http404 from None


def get_body_for_user(
    user: Any, network: Network, pk: int, *, write: bool = False
) -> PartnershipBody:
    check_role(user, network, _roles(write))
    try:
        return PartnershipBody.objects.for_network(network).get(pk=pk)
    except PartnershipBody.DoesNotExist:
        raise Http404 from None


def get_meeting_for_user(
    user: Any, network: Network, pk: int, *, write: bool = False
) -> BodyMeeting:
    check_role(user, network, _roles(write))
    try:
        return BodyMeeting.objects.select_related("body").get(body__network=network, pk=pk)
    except BodyMeeting.DoesNotExist:
        raise Http404 from None

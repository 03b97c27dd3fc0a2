"""Fetching the webhooks app's rows for a user: administrators only."""

from __future__ import annotations

from bygdebas.core.access import ADMIN_ROLES, fetch
from bygdebas.core.http import AnyUser
from bygdebas.core.models import Network
from bygdebas.webhooks.models import Endpoint, Message


def get_endpoint_for_user(
    user: AnyUser, network: Network, pk: int, *, write: bool = False
) -> Endpoint:
    return fetch(user, network, Endpoint.objects.select_related("network"), pk, roles=ADMIN_ROLES)


def get_message_for_user(
    user: AnyUser, network: Network, pk: int, *, write: bool = False
) -> Message:
    return fetch(user, network, Message.objects.select_related("endpoint"), pk, roles=ADMIN_ROLES)

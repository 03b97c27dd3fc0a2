"""A demo webhook endpoint for the Örebro county network: paused, so that nothing is sent."""

from __future__ import annotations

from bygdebas.core.models import Network
from bygdebas.webhooks.models import Endpoint


def load(network: Network, *, year: int) -> str:
    endpoint, _created = Endpoint.objects.for_network(network).get_or_create(
        url="https://medlemsregister.example.org/bygdebas/webhooks",
        defaults={
            "network": network,
            "description": "Medlemsregistret (exempel, pausad)",
            "event_names": ["organisation.joined", "registration.created"],
            "is_active": False,
        },
    )
    return f"Webhooks: 1 paused endpoint ({endpoint.description})."

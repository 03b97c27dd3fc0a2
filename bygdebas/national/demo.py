"""The national organisation's demo login, and an event open to the other county branches."""

from __future__ import annotations

from django.utils import timezone

from bygdebas.core.demo import DEMO_PASSWORD
from bygdebas.core.models import Network, User
from bygdebas.events.models import Event
from bygdebas.national import services

NATIONAL_EMAIL = "riks@demo.bygdebas.se"


def load(network: Network, *, year: int) -> str:
    user = User.objects.filter(email=NATIONAL_EMAIL).first() or User.objects.create_user(
        email=NATIONAL_EMAIL, password=DEMO_PASSWORD, first_name="Rikard", last_name="Riksson"
    )
    services.grant_national_role(user=user)
    shared = (
        Event.objects.for_network(network)
        .public()
        .upcoming(timezone.now())
        .filter(is_members_only=False)
        .order_by("starts_at")
        .first()
    )
    if shared is not None:
        shared.is_open_to_networks = True
        shared.save(update_fields=["is_open_to_networks", "updated_at"])
    opened = f"; «{shared.title}» is open to other county branches" if shared else ""
    return f"National: {NATIONAL_EMAIL} sees /riks/{opened}."

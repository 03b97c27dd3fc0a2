"""What a contact person sees of the knowledge bank on their self-service home."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from bygdebas.core.navigation import Viewer
from bygdebas.members.access import organisations_for_contact
from bygdebas.projects.forms import DigestForm
from bygdebas.projects.models import CallDigestSubscription
from bygdebas.projects.services import calls_for_municipalities

PANEL_CALLS = 5


def calls_panel_context(viewer: Viewer) -> Mapping[str, Any] | None:
    """The funding calls open to the contact person's municipalities, and the digest toggle."""
    network, user = viewer.network, viewer.user
    if network is None or user is None or not user.is_authenticated:
        return None
    municipalities = [
        pk
        for pk in organisations_for_contact(user, network).values_list("municipality_id", flat=True)
        if pk is not None
    ]
    calls = calls_for_municipalities(network, municipalities, today=timezone.localdate())
    wanted = CallDigestSubscription.objects.for_network(network).filter(user=user).exists()
    return {
        "open_calls": calls[:PANEL_CALLS],
        "more_calls": max(0, len(calls) - PANEL_CALLS),
        "digest_form": DigestForm(initial={"wanted": wanted}),
        "has_digest": wanted,
    }

"""Writes of the widgets app."""

from __future__ import annotations

from bygdebas.core.models import Network
from bygdebas.widgets.models import EmbedSettings


def settings_for(network: Network) -> EmbedSettings:
    """The network's widget settings (unsaved defaults if it has none yet)."""
    found = EmbedSettings.objects.for_network(network).first()
    return found or EmbedSettings(network=network)


def save_settings(*, network: Network, allowed_origins: str, colour: str) -> EmbedSettings:
    """Save which sites may embed the widgets, and their colour (validated)."""
    embed = settings_for(network)
    embed.allowed_origins = "\n".join(
        embed_line.strip() for embed_line in allowed_origins.splitlines() if embed_line.strip()
    )
    embed.colour = colour
    embed.full_clean(exclude=["network"])
    embed.save()
    return embed

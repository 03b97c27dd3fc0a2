"""Demo widget settings: the national website may embed the Örebro county network's widgets."""

from __future__ import annotations

from bygdebas.core.models import Network
from bygdebas.widgets import services


def load(network: Network, *, year: int) -> str:
    services.save_settings(
        network=network,
        allowed_origins="https://www.helasverige.se\nhttps://www.kilsmobygden.se",
        colour="#1f5f3a",
    )
    return "Widgets: embeddable on www.helasverige.se and www.kilsmobygden.se (/kansli/widgetar/)."

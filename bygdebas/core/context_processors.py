from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from bygdebas.core.access import READ_ROLES, WRITE_ROLES, Role


def network(request: HttpRequest) -> dict[str, Any]:
    """The current network and the user's role in it, for the navigation."""
    net = getattr(request, "network", None)
    user = getattr(request, "user", None)
    role = user.role_in(net) if user is not None and user.is_authenticated else None
    return {
        "network": net,
        "user_role": role,
        "can_read_office": role in READ_ROLES,
        "can_write_office": role in WRITE_ROLES,
        "is_network_admin": role == Role.Kind.ADMIN,
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }

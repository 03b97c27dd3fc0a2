from __future__ import annotations

from bygdebas.api.models import ApiKey
from bygdebas.core.access import ADMIN_ROLES, fetch
from bygdebas.core.http import AnyUser
from bygdebas.core.models import Network


def get_api_key_for_user(
    user: AnyUser, network: Network, pk: int, *, write: bool = False
) -> ApiKey:
    """Keys are the administrators' alone, to read as well as to revoke."""
    return fetch(user, network, ApiKey, pk, write=write, roles=ADMIN_ROLES)

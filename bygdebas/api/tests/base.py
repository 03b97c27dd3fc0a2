"""The cast with API keys: network A's keys of each scope, and one of network B with every scope."""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

from django.test import Client
from django.utils import timezone

from bygdebas.api.models import ApiKey
from bygdebas.api.services import create_api_key
from bygdebas.core.models import Network
from bygdebas.testing import CastMixin

Scope = ApiKey.Scope
ALL_SCOPES = tuple(Scope.values)


def make_api_key(
    *, network: Network, scopes: tuple[str, ...] = ALL_SCOPES, **overrides: Any
) -> tuple[ApiKey, str]:
    defaults: dict[str, Any] = {
        "name": "Testprogram",
        "expires_at": timezone.now() + datetime.timedelta(days=30),
        "created_by": None,
    }
    defaults.update(overrides)
    return create_api_key(network=network, scopes=scopes, **defaults)


def key_client(key: str | None, host: str = "a.test") -> Client:
    """A client that sends ``key`` as its bearer token (none: no Authorization header)."""
    if key is None:
        return Client(HTTP_HOST=host)
    return Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Bearer {key}")


class ApiCastMixin(CastMixin):
    """``keys[name]`` is the plain key: ``a_<scope>`` for each scope of A, ``a_all`` and
    ``b_all`` with every scope."""

    keys: ClassVar[dict[str, str]]
    api_keys: ClassVar[dict[str, ApiKey]]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.keys, cls.api_keys = {}, {}
        specs: dict[str, tuple[Network, tuple[str, ...]]] = {
            f"a_{scope}": (cls.network_a, (scope,)) for scope in ALL_SCOPES
        }
        specs["a_all"] = (cls.network_a, ALL_SCOPES)
        specs["b_all"] = (cls.network_b, ALL_SCOPES)
        for name, (network, scopes) in specs.items():
            api_key, key = make_api_key(network=network, scopes=scopes, name=name)
            cls.keys[name], cls.api_keys[name] = key, api_key

    def api(self, name: str | None, host: str | None = None) -> Client:
        """A client with the key ``name``, on its own network's host (A's by default)."""
        if host is None:
            host = "b.test" if name and name.startswith("b_") else "a.test"
        return key_client(self.keys[name] if name else None, host)

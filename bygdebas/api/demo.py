"""A demo API key for the Örebro county network: the national website's calendar reader.

``load`` is called by ``python manage.py load_demo``; the key is printed once, as the staff page
shows it, so that the API can be tried at once (``curl -H "Authorization: Bearer …"``).
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from bygdebas.api.models import ApiKey
from bygdebas.api.services import create_api_key
from bygdebas.core.models import Network

DEMO_KEY_NAME = "Hela Sveriges webbplats – kalendern och registret"


def load(network: Network, *, year: int) -> str:
    """Make the demo key unless it exists; a one-line summary."""
    if ApiKey.objects.for_network(network).filter(name=DEMO_KEY_NAME).exists():
        return "API: the demo key exists (make a new one on /kansli/api-nycklar/ to see it)"
    _api_key, key = create_api_key(
        network=network,
        name=DEMO_KEY_NAME,
        scopes=[ApiKey.Scope.READ_PUBLIC, ApiKey.Scope.READ_REGISTRY],
        expires_at=timezone.now() + datetime.timedelta(days=365),
        created_by=None,
    )
    return f"API: a demo key with read_public and read_registry: {key} (docs at /api/v1/)"

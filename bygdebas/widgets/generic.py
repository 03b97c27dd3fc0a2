"""The generic widget every network has: who we are and how to reach us."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from bygdebas.core.models import Network


def about_context(request: HttpRequest, network: Network) -> dict[str, Any]:
    return {"network": network, "home": request.build_absolute_uri("/")}

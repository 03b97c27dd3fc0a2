"""A small fixed-window rate limit for public forms and the login form."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_key(request: HttpRequest) -> str:
    # REMOTE_ADDR is the proxy's address behind a reverse proxy; configure the proxy to set it
    # (e.g. uwsgi/gunicorn with forwarded-allow-ips) rather than trusting X-Forwarded-For here.
    address = request.META.get("REMOTE_ADDR", "") or "unknown"
    return hashlib.sha256(address.encode()).hexdigest()[:32]


def is_rate_limited(request: HttpRequest, scope: str) -> bool:
    """Count one attempt for this client in ``scope``; True once the window's limit is passed."""
    window = settings.BYGDEBAS_RATE_LIMIT_WINDOW_S
    key = f"ratelimit:{scope}:{client_key(request)}"
    cache.add(key, 0, timeout=window)
    try:
        attempts = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        attempts = 1
    return attempts > settings.BYGDEBAS_RATE_LIMIT_POSTS

"""A small fixed-window rate limit for public forms and the login form.

``count_attempt(key)`` is the one counter: everything here (and ``core.public_forms``, which
counts per client address, per network and per e-mail address) goes through it, so that where
the count is kept is decided in one place.
"""

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


def count_attempt(key: str, *, window: int | None = None) -> int:
    """Count one attempt under ``key`` in the current window; the attempts so far, this one too."""
    window = window or settings.BYGDEBAS_RATE_LIMIT_WINDOW_S
    key = f"ratelimit:{key}"
    cache.add(key, 0, timeout=window)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def is_rate_limited(request: HttpRequest, scope: str) -> bool:
    """Count one attempt for this client in ``scope``; True once the window's limit is passed."""
    attempts = count_attempt(f"{scope}:{client_key(request)}")
    return attempts > settings.BYGDEBAS_RATE_LIMIT_POSTS

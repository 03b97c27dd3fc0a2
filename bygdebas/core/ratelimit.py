"""A small fixed-window rate limit for public forms and the login form.

Every web process must see the same count, or N processes allow N times the limit. The count
lives in the cache when the cache is shared and increments atomically (Redis, Memcached), and in
the database otherwise (one row per client, form and window, incremented by an atomic upsert):
never in one process's memory.

``count_attempt(key)`` is the one counter: everything here (and ``core.public_forms``, which
counts per client address, per network and per e-mail address) goes through it, so that where
the count is kept is decided in one place.
"""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.memcached import BaseMemcachedCache
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.http import HttpRequest

from bygdebas.core.models import RateLimitCounter


def client_key(request: HttpRequest) -> str:
    # REMOTE_ADDR is the proxy's address behind a reverse proxy; configure the proxy to set it
    # (e.g. uwsgi/gunicorn with forwarded-allow-ips) rather than trusting X-Forwarded-For here.
    address = request.META.get("REMOTE_ADDR", "") or "unknown"
    return hashlib.sha256(address.encode()).hexdigest()[:32]


def uses_shared_cache() -> bool:
    """Whether the cache is one store for every process, with an atomic increment."""
    # The database cache is shared too, but its incr() is a read and a write: two processes can
    # both read 3 and both write 4.
    return isinstance(caches["default"], RedisCache | BaseMemcachedCache)


def count_attempt(key: str, *, window: int | None = None) -> int:
    """Count one attempt under ``key`` in the current window; the attempts so far, this one too."""
    window = window or settings.BYGDEBAS_RATE_LIMIT_WINDOW_S
    key = f"ratelimit:{key}"
    if uses_shared_cache():
        return _count_in_cache(key, window)
    return _count_in_database(key, window)


def is_rate_limited(request: HttpRequest, scope: str) -> bool:
    """Count one attempt for this client in ``scope``; True once the window's limit is passed."""
    attempts = count_attempt(f"{scope}:{client_key(request)}")
    return attempts > settings.BYGDEBAS_RATE_LIMIT_POSTS


def _count_in_cache(key: str, window: int) -> int:
    cache.add(key, 0, timeout=window)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def _count_in_database(key: str, window: int) -> int:
    now = time.time()
    start = int(now // window) * window
    expires_at = datetime.fromtimestamp(start + window, tz=UTC)
    table = connection.ops.quote_name(RateLimitCounter._meta.db_table)
    # One statement, so two processes counting at once both land: the second finds the row the
    # first inserted and increments it. SQLite (3.35+) and PostgreSQL share this syntax.
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, count, expires_at) VALUES (%s, 1, %s) "
            f"ON CONFLICT (key) DO UPDATE SET count = {table}.count + 1 RETURNING count",
            [f"{key}:{start}", expires_at],
        )
        (attempts,) = cursor.fetchone()
    if attempts == 1:
        # A new window for this client: clear away every window that has ended, so the table
        # holds only the current windows.
        RateLimitCounter.objects.filter(
            expires_at__lte=datetime.fromtimestamp(now, tz=UTC)
        ).delete()
    return int(attempts)

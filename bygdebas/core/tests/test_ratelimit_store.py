"""Where the rate limit counts: the database when the cache is each process's own memory.

That the count is shared between processes is tested with real processes in
``bygdebas/tests_scaleout/test_shared_rate_limit.py``; this is the store's own behaviour.
"""

from __future__ import annotations

import datetime

from django.test import RequestFactory, TestCase, override_settings
from django.utils import timezone

from bygdebas.core.models import RateLimitCounter
from bygdebas.core.ratelimit import is_rate_limited, uses_shared_cache

LOCAL_MEMORY = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@override_settings(CACHES=LOCAL_MEMORY, BYGDEBAS_RATE_LIMIT_POSTS=2)
class DatabaseStoreTests(TestCase):
    def post(self, address: str = "198.51.100.1") -> bool:
        request = RequestFactory().post("/kontakt/", REMOTE_ADDR=address)
        return is_rate_limited(request, "contact")

    def test_a_per_process_cache_is_not_used_for_counting(self) -> None:
        self.assertFalse(uses_shared_cache())

        self.assertEqual([self.post() for _ in range(3)], [False, False, True])

        [counter] = RateLimitCounter.objects.all()
        self.assertEqual(counter.count, 3)
        self.assertTrue(counter.key.startswith("ratelimit:contact:"))
        self.assertGreater(counter.expires_at, timezone.now())

    def test_each_client_has_its_own_row(self) -> None:
        self.post("198.51.100.1")
        self.post("198.51.100.1")

        self.assertFalse(self.post("198.51.100.2"))
        self.assertEqual(sorted(RateLimitCounter.objects.values_list("count", flat=True)), [1, 2])

    def test_ended_windows_are_cleared_when_a_new_one_begins(self) -> None:
        ended = RateLimitCounter.objects.create(
            key="ratelimit:contact:old:0",
            count=40,
            expires_at=timezone.now() - datetime.timedelta(seconds=1),
        )

        self.post()

        self.assertFalse(RateLimitCounter.objects.filter(pk=ended.pk).exists())
        self.assertEqual(RateLimitCounter.objects.count(), 1)

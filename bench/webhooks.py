"""Webhook delivery throughput: the outbox drained to a receiver on 127.0.0.1, against raw POSTs.

Queues N events (``core.hooks.emit``, one endpoint listening) in SQLite or PostgreSQL, then times
``webhooks.delivery.send_messages`` delivering them in order (each: sign per Standard Webhooks,
POST, log the attempt, mark delivered), and, as the peer in the same run, plain ``urllib`` POSTs of
the same bodies to the same receiver (the HTTP cost alone). Reports per-message p50/p95 in
milliseconds, messages per second and the ratio to the peer. Nothing is asserted.

    python bench/webhooks.py [--db sqlite|postgres|both] [--requests N]
"""

from __future__ import annotations

import statistics
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import harness

BENCH = harness.Bench(
    name="webhooks",
    pg_database="bygdebas_bench_webhooks",
    labels={"deliver": "deliver (sign, POST, log)", "raw": "raw POST (peer)"},
    label_width=28,
)


class Quiet(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def benchmark(db: str, n: int) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from bygdebas.core.hooks import emit
    from bygdebas.core.models import Network
    from bygdebas.webhooks import delivery
    from bygdebas.webhooks.models import Endpoint, Message

    call_command("migrate", verbosity=0)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    network = Network.objects.create(name="Bänk", slug="bench", domain="bench.bench")
    endpoint = Endpoint.objects.create(network=network, url=url)
    # The task that would send each one after its commit is not run: queue only.
    from bygdebas.webhooks import services

    original = services._send_after_commit
    services._send_after_commit = lambda ids: None  # type: ignore[assignment]
    started = time.perf_counter()
    for i in range(n):
        with transaction.atomic():
            emit(network, "action.logged", {"id": i, "title": f"Insats {i}", "participants": i})
    queue_s = time.perf_counter() - started
    services._send_after_commit = original  # type: ignore[assignment]

    samples: list[float] = []
    real_post = delivery.post

    def timed_post(endpoint: Any, message: Any) -> Any:
        t = time.perf_counter()
        result = real_post(endpoint, message)
        samples.append((time.perf_counter() - t) * 1000)
        return result

    delivery.post = timed_post  # type: ignore[assignment]
    started = time.perf_counter()
    sent = delivery.send_messages(endpoint.pk)
    total_s = time.perf_counter() - started
    assert sent == n, (sent, n)
    bodies = list(Message.objects.order_by("pk").values_list("body", flat=True))
    raw: list[float] = []
    raw_started = time.perf_counter()
    for body in bodies:
        t = time.perf_counter()
        request = urllib.request.Request(url, data=body.encode(), method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()
        raw.append((time.perf_counter() - t) * 1000)
    raw_s = time.perf_counter() - raw_started
    server.shutdown()

    print(f"== Webhooks on {harness.DB_LABELS[db]}: {n} messages to 127.0.0.1 ==")
    print(f"machine: {harness.machine()}")
    print(f"queue (emit in its own transaction): {n / queue_s:8.0f} events/s")
    print(f"{'':28} {'p50 ms':>8} {'p95 ms':>8} {'msg/s':>8}")
    print(
        f"{BENCH.labels['deliver']:28} {statistics.median(samples):8.2f} "
        f"{percentile(samples, 0.95):8.2f} {n / total_s:8.0f}"
    )
    print(
        f"{BENCH.labels['raw']:28} {statistics.median(raw):8.2f} "
        f"{percentile(raw, 0.95):8.2f} {n / raw_s:8.0f}"
    )
    print(f"whole drain / raw POSTs: {total_s / raw_s:.2f}x")
    return 0


def main() -> int:
    args = harness.parser(__doc__ or "", 500).parse_args()
    if args.db == "both":
        code = 0
        for db in harness.DATABASES:
            code |= harness.run_one(BENCH, db, lambda db=db: benchmark(db, args.requests))
        return code
    return harness.run_one(BENCH, args.db, lambda: benchmark(args.db, args.requests))


if __name__ == "__main__":
    sys.exit(main())

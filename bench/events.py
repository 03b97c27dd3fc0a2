"""Server time of the public calendar and an event page, on SQLite and PostgreSQL.

Builds 24 networks with 10,000 events and 200,000 registrations between them (about 417 events
and 8,300 registrations a network), over two years back and one ahead, plus one small peer
network with 20 events and 200 registrations. Each network has one busy upcoming event with 400
registrations (300 places taken, 100 waiting). Then it times, in-process with Django's test
client (no network, no web server), as an anonymous visitor:

- the calendar, ``/kalender/`` (upcoming events, 20 a page, with places left)
- the calendar filtered by municipality, ``/kalender/?municipality=<code>``
- the month view, ``/kalender/<year>/<month>/`` of the current month
- the page of the network's busy event, ``/kalender/<pk>/`` (with the registration form)

It reports p50/p95/max in milliseconds and the queries a request makes, for the large networks
and for the small peer in the same run; the large/small ratio shows how each page's time grows
with the data, while its query count must not. Nothing is asserted: a benchmark only reports.

    python bench/events.py [--db sqlite|postgres|both] [--requests N]

Each database runs in a child process of this script, since Django reads its settings once.
SQLite goes to a temporary file; PostgreSQL to a database ``bygdebas_bench_events`` that is
created first and dropped afterwards. The figures are also written to
bench/results/events-<db>.json.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The machine description, the summary of samples and the PostgreSQL administration are shared with
# the dashboard benchmark.
from dashboard import PG_SERVER, machine, pg_admin, summary

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DATABASES = ("sqlite", "postgres")
DB_LABELS = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
PG_DATABASE = "bygdebas_bench_events"

NETWORKS = 24
EVENTS = 10_000
REGISTRATIONS = 200_000
BUSY_REGISTRATIONS = 400
BUSY_CAPACITY = 300
PEER_EVENTS = 20
PEER_REGISTRATIONS = 200
MUNICIPALITIES = 12
# Events from two years back to one year ahead of the run.
DAYS_BACK, DAYS_AHEAD = 730, 365
SEED = 20250101

PAGES = ("calendar", "calendar-municipality", "month", "event-detail")
PAGE_LABELS = {
    "calendar": "calendar",
    "calendar-municipality": "calendar, one municipality",
    "month": "month view",
    "event-detail": "busy event page",
}

KINDS = ("meeting", "seminar", "training", "conference", "study_visit", "dialogue", "other")
TITLES = (
    "Bygdemöte om skolskjutsarna",
    "Seminarium om landsbygdspolitik",
    "Studiebesök på sågverket",
    "Utbildning för föreningsstyrelser",
    "Partsöverskridande dialog om bredband",
    "Nätverksträff för lokala utvecklingsgrupper",
    "Workshop om Agenda 2030 i bygden",
    "Konferens om service på landsbygden",
)
DESCRIPTION = (
    "Välkommen till en kväll om **bygdens** framtid.\n\n"
    "Vi bjuder på kaffe och smörgås. Anmäl dig senast en vecka innan, och berätta om du har "
    "särskilda behov.\n\n- Inledning\n- Samtal i grupper\n- Vad gör vi nu?\n"
)


# --- The parent: one child process per database -----------------------------------------------


def run_children(args: argparse.Namespace) -> int:
    failed = []
    for db in DATABASES:
        command = [sys.executable, __file__, "--db", db, "--requests", str(args.requests)]
        if subprocess.run(command, check=False).returncode != 0:
            failed.append(db)
        print()
    if not failed:
        print_comparison()
    else:
        print(f"The run failed on: {', '.join(failed)}.", file=sys.stderr)
    return 1 if failed else 0


def print_comparison() -> None:
    results = {db: json.loads((RESULTS / f"events-{db}.json").read_text()) for db in DATABASES}
    print("== SQLite against PostgreSQL (large networks, p50 / p95 ms) ==")
    print(f"{'page':<28} {'SQLite':>15} {'PostgreSQL':>15} {'PG/SQLite p50':>14}")
    rows = {db: {row["page"]: row for row in results[db]["large"]} for db in DATABASES}
    for page in PAGES:
        s, p = rows["sqlite"][page], rows["postgres"][page]
        print(
            f"{PAGE_LABELS[page]:<28} {s['p50_ms']:>7.1f} / {s['p95_ms']:<5.1f}"
            f" {p['p50_ms']:>7.1f} / {p['p95_ms']:<5.1f} {p['p50_ms'] / s['p50_ms']:>13.2f}×"
        )


# --- The child: one database ------------------------------------------------------------------


def configure(db: str, workdir: Path) -> None:
    """Environment for bygdebas.settings, before Django reads it."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "bygdebas.settings"
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ["BYGDEBAS_PRODUCTION"] = "0"
    os.environ["DJANGO_ALLOWED_HOSTS"] = ".bench"
    os.environ["BYGDEBAS_DEFAULT_NETWORK"] = ""
    os.environ["BYGDEBAS_MEDIA_ROOT"] = str(workdir / "media")
    if db == "sqlite":
        os.environ.pop("DATABASE_URL", None)
        os.environ["BYGDEBAS_SQLITE_PATH"] = str(workdir / "bench.sqlite3")
    else:
        os.environ["DATABASE_URL"] = f"{PG_SERVER.rstrip('/')}/{PG_DATABASE}"


def run_one(db: str, requests: int) -> int:
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="bygdebas-bench-") as workdir:
        configure(db, Path(workdir))
        if db == "postgres":
            try:
                pg_admin(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
                pg_admin(f"CREATE DATABASE {PG_DATABASE}")
            except Exception as error:
                print(f"PostgreSQL at {PG_SERVER} cannot be used: {error}", file=sys.stderr)
                return 2
        try:
            return benchmark(db, requests)
        finally:
            from django.db import connections

            connections.close_all()
            if db == "postgres":
                pg_admin(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")


@dataclass
class Site:
    """One network as the benchmark sees it: an anonymous client and its busy event."""

    network: Any
    client: Any
    municipality_code: str
    busy_event_id: int
    busy_registrations: int
    events: int
    registrations: int

    def url(self, page: str, today: datetime.date) -> str:
        return {
            "calendar": "/kalender/",
            "calendar-municipality": f"/kalender/?municipality={self.municipality_code}",
            "month": f"/kalender/{today.year}/{today.month}/",
            "event-detail": f"/kalender/{self.busy_event_id}/",
        }[page]


def split(total: int, parts: int) -> list[int]:
    """``total`` in ``parts`` near-equal whole parts."""
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def build(rng: random.Random, now: datetime.datetime) -> list[dict[str, Any]]:
    """Bulk-create the networks, events and registrations; one dict per network, peer last."""
    from django.db import transaction

    from bygdebas.core.models import County, Municipality, Network
    from bygdebas.events.models import Event, Registration

    built = []
    person = 0
    with transaction.atomic():
        county = County.objects.create(code="18", name="Örebro län")
        municipalities = Municipality.objects.bulk_create(
            Municipality(code=f"18{i:02d}", name=f"Kommun {i}", county=county, population=10_000)
            for i in range(MUNICIPALITIES)
        )
        specs = [
            (f"n{i + 1}", events, registrations)
            for i, (events, registrations) in enumerate(
                zip(split(EVENTS, NETWORKS), split(REGISTRATIONS, NETWORKS), strict=True)
            )
        ]
        specs.append(("peer", PEER_EVENTS, PEER_REGISTRATIONS))
        networks = Network.objects.bulk_create(
            Network(name=f"Nätverk {slug}", slug=slug, domain=f"{slug}.bench", county=county)
            for slug, _events, _registrations in specs
        )
        for network, (slug, event_count, registration_count) in zip(networks, specs, strict=True):
            is_peer = slug == "peer"
            busy_registrations = PEER_REGISTRATIONS // 4 if is_peer else BUSY_REGISTRATIONS
            busy_starts = (now + datetime.timedelta(days=14)).replace(
                hour=18, minute=0, second=0, microsecond=0
            )
            events = [
                Event(
                    network=network,
                    title="Stormöte om bygdens framtid",
                    description=DESCRIPTION,
                    kind="conference",
                    status="published",
                    starts_at=busy_starts,
                    ends_at=busy_starts + datetime.timedelta(hours=3),
                    place_name="Bygdegården",
                    address="Byvägen 1",
                    municipality=municipalities[0],
                    capacity=BUSY_CAPACITY if not is_peer else busy_registrations * 3 // 4,
                    sdgs=[8, 11],
                )
            ]
            for _ in range(event_count - 1):
                starts = now + datetime.timedelta(
                    days=rng.randint(-DAYS_BACK, DAYS_AHEAD), hours=rng.randint(-6, 6)
                )
                starts = starts.replace(minute=0, second=0, microsecond=0)
                status = rng.choices(("published", "draft", "cancelled"), (85, 10, 5))[0]
                is_digital = rng.random() < 0.2
                events.append(
                    Event(
                        network=network,
                        title=rng.choice(TITLES),
                        description=DESCRIPTION,
                        kind=rng.choice(KINDS),
                        format="digital" if is_digital else rng.choice(("physical", "hybrid")),
                        status=status,
                        starts_at=starts,
                        ends_at=starts + datetime.timedelta(hours=rng.choice((1, 2, 3, 8))),
                        place_name="" if is_digital else "Bygdegården",
                        address="" if is_digital else "Byvägen 1",
                        municipality=None if is_digital else rng.choice(municipalities),
                        video_url="https://video.example/rum" if is_digital else "",
                        capacity=rng.choice((None, 20, 30, 50, 100)),
                        is_members_only=rng.random() < 0.1,
                        sdgs=rng.sample(range(1, 18), rng.randint(0, 3)),
                        cancelled_at=now if status == "cancelled" else None,
                    )
                )
            events = Event.objects.bulk_create(events, batch_size=2_000)
            # The busy event's registrations, then the rest spread over the other events.
            counts = dict.fromkeys((e.pk for e in events), 0)
            counts[events[0].pk] = busy_registrations
            for pk in rng.choices(
                [e.pk for e in events[1:]], k=registration_count - busy_registrations
            ):
                counts[pk] += 1
            registrations = []
            for event in events:
                held = 0
                for place in range(counts[event.pk]):
                    person += 1
                    if rng.random() < 0.05 and event.pk != events[0].pk:
                        status = "cancelled"
                    elif event.capacity is None or held < event.capacity:
                        status, held = "confirmed", held + 1
                    else:
                        status = "waiting"
                    registrations.append(
                        Registration(
                            event=event,
                            name=f"Deltagare {person}",
                            email=f"deltagare{person}@example.org",
                            organisation=rng.choice(("", "", "Byalaget", "Hembygdsföreningen")),
                            status=status,
                            created_at=event.starts_at - datetime.timedelta(hours=place + 24),
                            cancelled_at=now if status == "cancelled" else None,
                        )
                    )
            Registration.objects.bulk_create(registrations, batch_size=5_000)
            built.append(
                {
                    "slug": slug,
                    "network": network,
                    "municipality_code": municipalities[0].code,
                    "busy": events[0].pk,
                    "busy_registrations": busy_registrations,
                    "events": len(events),
                    "registrations": len(registrations),
                }
            )
    return built


def benchmark(db: str, requests: int) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    info = machine()
    info["django"] = django.get_version()
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrated = time.perf_counter()
    now = timezone.now()
    today = timezone.localdate()
    built = build(random.Random(SEED), now)
    if connection.vendor == "postgresql":
        # What autovacuum does soon after a bulk load in production; without it the planner
        # guesses from empty tables.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            cursor.execute("SHOW server_version")
            info["postgresql"] = cursor.fetchone()[0]
    finished = time.perf_counter()

    sites = [
        Site(
            network=row["network"],
            client=Client(HTTP_HOST=row["network"].domain),
            municipality_code=row["municipality_code"],
            busy_event_id=row["busy"],
            busy_registrations=row["busy_registrations"],
            events=row["events"],
            registrations=row["registrations"],
        )
        for row in built
    ]
    large, peer = sites[:-1], sites[-1]

    def get(site: Site, page: str) -> tuple[float, int]:
        url = site.url(page, today)
        start = time.perf_counter()
        response = site.client.get(url)
        elapsed = (time.perf_counter() - start) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"{url} on {site.network.domain}: {response.status_code}")
        return elapsed, len(response.content)

    # Warm up on every network (templates, caches, connections) and count the queries there,
    # so that the timed requests carry no query-recording overhead.
    queries: dict[tuple[str, str], set[int]] = {}
    sizes: dict[tuple[str, str], list[int]] = {}
    for size, group in (("large", large), ("small", [peer])):
        for site in group:
            for page in PAGES:
                with CaptureQueriesContext(connection) as captured:
                    _, length = get(site, page)
                queries.setdefault((page, size), set()).add(len(captured))
                sizes.setdefault((page, size), []).append(length)

    # Timed: round-robin over the networks, pages interleaved, each large request next to the
    # same request on the small peer so that drift hits both alike.
    samples: dict[tuple[str, str], list[float]] = {}
    for i in range(requests):
        site = large[i % len(large)]
        for page in PAGES:
            for size, target in (("large", site), ("small", peer)):
                elapsed, _ = get(target, page)
                samples.setdefault((page, size), []).append(elapsed)
    timed = time.perf_counter()
    info["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]

    result: dict[str, Any] = {
        "database": db,
        "machine": info,
        "data": {
            "networks": len(large),
            "events": sum(s.events for s in large),
            "registrations": sum(s.registrations for s in large),
            "busy_event_registrations": BUSY_REGISTRATIONS,
            "peer_events": peer.events,
            "peer_registrations": peer.registrations,
            "peer_busy_event_registrations": peer.busy_registrations,
        },
        "seconds": {
            "migrate": round(migrated - started, 1),
            "build": round(finished - migrated, 1),
            "timing": round(timed - finished, 1),
        },
        "requests_per_page": requests,
    }
    for size in ("large", "small"):
        result[size] = [
            summary(
                page,
                large[0].url(page, today),
                samples[(page, size)],
                queries[(page, size)],
                int(sum(sizes[(page, size)]) / len(sizes[(page, size)])),
            )
            for page in PAGES
        ]
    result["ratio_large_to_small_p50"] = {
        row["page"]: round(row["p50_ms"] / peer_row["p50_ms"], 2)
        for row, peer_row in zip(result["large"], result["small"], strict=True)
    }

    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"events-{db}.json").write_text(json.dumps(result, indent=2) + "\n")
    report(result)
    return 0


def report(result: dict[str, Any]) -> None:
    m, d, s = result["machine"], result["data"], result["seconds"]
    db = result["database"]
    version = m.get("postgresql") if db == "postgres" else m["sqlite"]
    print(f"== Events benchmark on {DB_LABELS[db]} {version} ==")
    print(
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gib']} GiB RAM; {m['os']}; "
        f"Python {m['python']}, Django {m['django']}, SQLite {m['sqlite']}"
        + (f", PostgreSQL {m['postgresql']}" if "postgresql" in m else "")
    )
    print(
        f"CPU speed: sum(range(1000)) takes {m['sum_range_1000_us']} µs. Load average (1/5/15 min) "
        f"{m['load_average_at_start']} at the start, {m['load_average_at_end']} at the end."
    )
    print(
        f"Data: {d['networks']} networks, {d['events']:,} events, {d['registrations']:,} "
        f"registrations; each network's busy event has {d['busy_event_registrations']}. "
        f"Peer: 1 network, {d['peer_events']} events, {d['peer_registrations']} registrations "
        f"(busy event {d['peer_busy_event_registrations']})."
    )
    print(
        f"Migrate {s['migrate']} s, build {s['build']} s, timing {s['timing']} s. "
        f"{result['requests_per_page']} timed requests per page and size, spread over the "
        f"{d['networks']} networks, after one warm-up request per page and network."
    )
    print()
    header = (
        f"{'page':<28} {'size':<6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} "
        f"{'queries':>8} {'KB':>6} {'large/small p50':>16}"
    )
    print(header)
    print("-" * len(header))
    ratios = result["ratio_large_to_small_p50"]
    for large_row, small_row in zip(result["large"], result["small"], strict=True):
        page = large_row["page"]
        for size, row in (("large", large_row), ("small", small_row)):
            queries = "/".join(str(q) for q in row["queries"])
            ratio = f"{ratios[page]:.2f}×" if size == "large" else ""
            if size == "small" and large_row["queries"] != small_row["queries"]:
                ratio = "queries differ!"
            print(
                f"{PAGE_LABELS[page] if size == 'large' else '':<28} {size:<6} "
                f"{row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f} {row['max_ms']:>8.1f} "
                f"{queries:>8} {row['response_kb']:>6.0f} {ratio:>16}"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=[*DATABASES, "both"], default="both")
    parser.add_argument("--requests", type=int, default=48, help="timed requests per page (48)")
    args = parser.parse_args()
    if args.requests < 1:
        parser.error("--requests must be positive")
    if args.db == "both":
        return run_children(args)
    return run_one(args.db, args.requests)


if __name__ == "__main__":
    sys.exit(main())

"""Server time of the follow-up dashboard and the activity lists, on SQLite and PostgreSQL.

Builds 10 networks, each with a 2025 plan of 60 activities (4 areas × 15) and 2,000 actions
(20,000 in all, each logged against 1-3 activities, some busier than others), plus one small
peer network with the same plan and only 20 actions. Then it times, in-process with Django's
test client (no network, no web server), logged in as each network's staff member:

- the dashboard, ``/kansli/uppfoljning/2025/``
- the action list, ``/kansli/insatser/?year=2025`` (paginated, 50 a page)
- the plan page, ``/kansli/plan/2025/`` (all 60 activities with their targets)
- the activity page of each network's busiest activity (all its actions, unpaginated)
- ``build_follow_up()`` alone, the aggregation under the dashboard, without a request or template

It reports p50/p95/max in milliseconds and the queries a request makes, for the large networks
and for the small peer in the same run; the large/small ratio shows how each page's time grows
with the data, while its query count must not. Nothing is asserted: a benchmark only reports.

    python bench/dashboard.py [--db sqlite|postgres|both] [--requests N] [--scale 1.0]

Each database runs in a child process of this script, since Django reads its settings once.
SQLite goes to a temporary file; PostgreSQL to a database ``bygdebas_bench`` that is created
first and dropped afterwards. The figures are also written to bench/results/dashboard-<db>.json.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
import timeit
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DATABASES = ("sqlite", "postgres")
DB_LABELS = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
PG_SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
PG_DATABASE = "bygdebas_bench"

YEAR = 2025
NETWORKS = 10
AREAS = 4
ACTIVITIES_PER_AREA = 15
ACTIONS_PER_NETWORK = 2_000
PEER_ACTIONS = 20
MUNICIPALITIES = 12
# Actions cluster on a few activities: the k-th most used gets weight 1/k^SKEW.
SKEW = 0.8
SEED = 20250101

PAGES = ("dashboard", "action-list", "plan", "activity-detail")
PAGE_LABELS = {
    "dashboard": "dashboard",
    "action-list": "action list",
    "plan": "plan (60 activities)",
    "activity-detail": "busiest activity",
    "build_follow_up": "build_follow_up() alone",
}


# --- The machine ------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    ram_gib = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_gib = round(int(line.split()[1]) / 1024 / 1024, 1)
                break
    except OSError:
        pass
    # A fixed piece of pure Python, to compare machines by: the best of five runs.
    loop_us = min(timeit.repeat("sum(range(1000))", number=2000, repeat=5)) / 2000 * 1e6
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gib": ram_gib,
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "sum_range_1000_us": round(loop_us, 1),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


# --- The parent: one child process per database -----------------------------------------------


def run_children(args: argparse.Namespace) -> int:
    failed = []
    for db in DATABASES:
        command = [sys.executable, __file__, "--db", db, "--requests", str(args.requests)]
        command += ["--scale", str(args.scale)]
        if subprocess.run(command, check=False).returncode != 0:
            failed.append(db)
        print()
    if not failed:
        print_comparison()
    if failed:
        print(f"The run failed on: {', '.join(failed)}.", file=sys.stderr)
    return 1 if failed else 0


def print_comparison() -> None:
    results = {db: json.loads((RESULTS / f"dashboard-{db}.json").read_text()) for db in DATABASES}
    print("== SQLite against PostgreSQL (large networks, p50 / p95 ms) ==")
    print(f"{'page':<26} {'SQLite':>15} {'PostgreSQL':>15} {'PG/SQLite p50':>14}")
    rows = {db: {row["page"]: row for row in results[db]["large"]} for db in DATABASES}
    for page in (*PAGES, "build_follow_up"):
        s, p = rows["sqlite"][page], rows["postgres"][page]
        print(
            f"{PAGE_LABELS[page]:<26} {s['p50_ms']:>7.1f} / {s['p95_ms']:<5.1f}"
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


def pg_admin(statement: str) -> None:
    import psycopg

    server = urlunsplit(urlsplit(PG_SERVER)._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True, connect_timeout=5) as connection:
        connection.execute(statement)


def run_one(db: str, requests: int, scale: float) -> int:
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
            return benchmark(db, requests, scale)
        finally:
            from django.db import connections

            connections.close_all()
            if db == "postgres":
                pg_admin(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")


@dataclass
class Site:
    """One network as the benchmark sees it: its plan, a logged-in client and its busiest activity."""

    network: Any
    plan: Any
    client: Any
    busy_activity_id: int
    busy_actions: int

    def url(self, page: str) -> str:
        return {
            "dashboard": f"/kansli/uppfoljning/{YEAR}/",
            "action-list": f"/kansli/insatser/?year={YEAR}",
            "plan": f"/kansli/plan/{YEAR}/",
            "activity-detail": f"/kansli/aktiviteter/{self.busy_activity_id}/",
        }[page]


WORDS = (
    "möte med kommunen",
    "studiebesök",
    "workshop om lokal utveckling",
    "nätverksträff",
    "utbildning för styrelser",
    "remissvar",
    "artikel i lokaltidningen",
    "bygdedialog",
    "samråd om bredband",
    "seminarium om landsbygdspolitik",
    "rådgivning till förening",
)


def build(rng: random.Random, actions_per_network: int) -> tuple[list[dict[str, Any]], dict]:
    """Bulk-create the networks; returns per network its ids and busiest activity, and totals."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from bygdebas.core.models import County, Municipality, Network, Role, User
    from bygdebas.plan.models import Action, Activity, Area, Plan, Target

    Link = Action.activities.through
    totals = {"actions": 0, "links": 0, "targets": 0, "activities": 0}
    built = []
    with transaction.atomic():
        county = County.objects.create(code="18", name="Örebro län")
        municipalities = Municipality.objects.bulk_create(
            Municipality(code=f"18{i:02d}", name=f"Kommun {i}", county=county, population=10_000)
            for i in range(MUNICIPALITIES)
        )
        specs = [(f"n{i + 1}", actions_per_network) for i in range(NETWORKS)]
        specs.append(("peer", PEER_ACTIONS))
        networks = Network.objects.bulk_create(
            Network(name=f"Nätverk {slug}", slug=slug, domain=f"{slug}.bench", county=county)
            for slug, _ in specs
        )
        users = User.objects.bulk_create(
            User(email=f"staff@{slug}.bench", password=make_password(None)) for slug, _ in specs
        )
        Role.objects.bulk_create(
            Role(user=user, network=network, kind=Role.Kind.STAFF)
            for user, network in zip(users, networks, strict=True)
        )
        plans = Plan.objects.bulk_create(
            Plan(
                network=network,
                year=YEAR,
                title=f"Verksamhetsplan {YEAR}",
                vision="Hela länet ska leva!",
            )
            for network in networks
        )
        areas = Area.objects.bulk_create(
            Area(plan=plan, title=f"Område {a + 1}", order=a)
            for plan in plans
            for a in range(AREAS)
        )
        activities = Activity.objects.bulk_create(
            Activity(
                area=area, text=f"Aktivitet {area.order + 1}.{i + 1}: {rng.choice(WORDS)}", order=i
            )
            for area in areas
            for i in range(ACTIVITIES_PER_AREA)
        )
        per_plan = AREAS * ACTIVITIES_PER_AREA
        targets = []
        for index, activity in enumerate(activities):
            j = index % per_plan
            if j % 3 != 2:
                targets.append(
                    Target(activity=activity, metric="plan.actions", value=rng.randint(5, 60))
                )
            if j % 4 == 0:
                value = rng.randint(50, 800)
                targets.append(Target(activity=activity, metric="plan.participants", value=value))
        Target.objects.bulk_create(targets)
        # Totals are of the large networks; the peer (the last) is reported on its own.
        totals["targets"] = sum(1 for t in targets if t.activity.area.plan.network.slug != "peer")
        totals["activities"] = NETWORKS * per_plan

        for n, ((slug, count), network, user, plan) in enumerate(
            zip(specs, networks, users, plans, strict=True)
        ):
            own = activities[n * per_plan : (n + 1) * per_plan]
            order = own[:]
            rng.shuffle(order)
            weights = [1 / (k + 1) ** SKEW for k in range(len(order))]
            actions = Action.objects.bulk_create(
                Action(
                    network=network,
                    performed_on=datetime.date(YEAR, 1, 1)
                    + datetime.timedelta(days=rng.randrange(365)),
                    title=f"Insats {i + 1}: {rng.choice(WORDS)}",
                    description=" ".join(rng.choices(WORDS, k=rng.randint(0, 6))),
                    municipality=rng.choice(municipalities) if rng.random() < 0.8 else None,
                    participants=rng.randint(0, 80) if rng.random() < 0.6 else None,
                    created_by=user,
                )
                for i in range(count)
            )
            links = []
            per_activity: dict[int, int] = dict.fromkeys((a.pk for a in own), 0)
            for action in actions:
                chosen: set[int] = set()
                wanted = rng.choice((1, 1, 2, 2, 3))
                while len(chosen) < wanted:
                    chosen.add(rng.choices(order, weights)[0].pk)
                for activity_id in chosen:
                    links.append(Link(action_id=action.pk, activity_id=activity_id))
                    per_activity[activity_id] += 1
            Link.objects.bulk_create(links)
            totals["actions"] += len(actions) if slug != "peer" else 0
            totals["links"] += len(links) if slug != "peer" else 0
            busy = max(per_activity, key=lambda pk: per_activity[pk])
            built.append(
                {
                    "slug": slug,
                    "network": network,
                    "user": user,
                    "plan": plan,
                    "busy": busy,
                    "busy_actions": per_activity[busy],
                }
            )
    return built, totals


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) with linear interpolation between closest ranks."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary(page: str, url: str, samples: list[float], queries: set[int], size: int) -> dict:
    return {
        "page": page,
        "url": url,
        "requests": len(samples),
        "p50_ms": round(percentile(samples, 50), 2),
        "p95_ms": round(percentile(samples, 95), 2),
        "max_ms": round(max(samples), 2),
        "mean_ms": round(sum(samples) / len(samples), 2),
        "queries": sorted(queries),
        "response_kb": round(size / 1024, 1),
    }


def benchmark(db: str, requests: int, scale: float) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bygdebas.plan.followup import build_follow_up

    info = machine()
    info["django"] = django.get_version()
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrated = time.perf_counter()
    actions_per_network = max(1, round(ACTIONS_PER_NETWORK * scale))
    built, totals = build(random.Random(SEED), actions_per_network)
    if connection.vendor == "postgresql":
        # What autovacuum does soon after a bulk load in production; without it the planner
        # guesses from empty tables.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            cursor.execute("SHOW server_version")
            info["postgresql"] = cursor.fetchone()[0]
    finished = time.perf_counter()

    sites = []
    for row in built:
        client = Client(HTTP_HOST=row["network"].domain)
        client.force_login(row["user"])
        sites.append(Site(row["network"], row["plan"], client, row["busy"], row["busy_actions"]))
    large, peer = sites[:-1], sites[-1]

    def get(site: Site, page: str) -> tuple[float, int]:
        start = time.perf_counter()
        response = site.client.get(site.url(page))
        elapsed = (time.perf_counter() - start) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"{site.url(page)} on {site.network.domain}: {response.status_code}")
        return elapsed, len(response.content)

    def aggregate(site: Site) -> float:
        start = time.perf_counter()
        build_follow_up(network=site.network, plan=site.plan)
        return (time.perf_counter() - start) * 1000

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
            with CaptureQueriesContext(connection) as captured:
                aggregate(site)
            queries.setdefault(("build_follow_up", size), set()).add(len(captured))
            sizes.setdefault(("build_follow_up", size), []).append(0)

    # Timed: round-robin over the networks, pages interleaved, each large request next to the
    # same request on the small peer so that drift hits both alike.
    samples: dict[tuple[str, str], list[float]] = {}
    for i in range(requests):
        site = large[i % len(large)]
        for page in PAGES:
            for size, target in (("large", site), ("small", peer)):
                elapsed, _ = get(target, page)
                samples.setdefault((page, size), []).append(elapsed)
        for size, target in (("large", site), ("small", peer)):
            samples.setdefault(("build_follow_up", size), []).append(aggregate(target))
    timed = time.perf_counter()
    info["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]

    result: dict[str, Any] = {
        "database": db,
        "machine": info,
        "data": {
            "networks": NETWORKS,
            "activities_per_network": AREAS * ACTIVITIES_PER_AREA,
            "actions_per_network": actions_per_network,
            "actions": totals["actions"],
            "action_activity_links": totals["links"],
            "targets": totals["targets"],
            "peer_actions": PEER_ACTIONS,
            "busiest_activity_actions": sorted(s.busy_actions for s in large),
            "peer_busiest_activity_actions": peer.busy_actions,
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
                large[0].url(page) if page != "build_follow_up" else "",
                samples[(page, size)],
                queries[(page, size)],
                int(sum(sizes[(page, size)]) / len(sizes[(page, size)])),
            )
            for page in (*PAGES, "build_follow_up")
        ]
    result["ratio_large_to_small_p50"] = {
        row["page"]: round(row["p50_ms"] / peer_row["p50_ms"], 2)
        for row, peer_row in zip(result["large"], result["small"], strict=True)
    }
    dashboard = next(row for row in result["large"] if row["page"] == "dashboard")
    aggregation = next(row for row in result["large"] if row["page"] == "build_follow_up")
    result["build_follow_up_share_of_dashboard_p50"] = round(
        aggregation["p50_ms"] / dashboard["p50_ms"], 2
    )

    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"dashboard-{db}.json").write_text(json.dumps(result, indent=2) + "\n")
    report(result)
    return 0


def report(result: dict[str, Any]) -> None:
    m, d, s = result["machine"], result["data"], result["seconds"]
    db = result["database"]
    version = m.get("postgresql") if db == "postgres" else m["sqlite"]
    print(f"== Dashboard benchmark on {DB_LABELS[db]} {version} ==")
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
        f"Data: {d['networks']} networks × {d['activities_per_network']} activities × "
        f"{d['actions_per_network']:,} actions = {d['actions']:,} actions, "
        f"{d['action_activity_links']:,} action-activity links, {d['targets']:,} targets; "
        f"busiest activity {min(d['busiest_activity_actions'])}-{max(d['busiest_activity_actions'])} "
        f"actions. Peer: 1 network × {d['activities_per_network']} activities × "
        f"{d['peer_actions']} actions (busiest activity {d['peer_busiest_activity_actions']})."
    )
    print(
        f"Migrate {s['migrate']} s, build {s['build']} s, timing {s['timing']} s. "
        f"{result['requests_per_page']} timed requests per page and size, spread over the "
        f"{d['networks']} networks, after one warm-up request per page and network."
    )
    print()
    header = (
        f"{'page':<26} {'size':<6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} "
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
            same = large_row["queries"] == small_row["queries"]
            if size == "small" and not same:
                ratio = "queries differ!"
            kb = f"{row['response_kb']:.0f}" if page != "build_follow_up" else "-"
            print(
                f"{PAGE_LABELS[page] if size == 'large' else '':<26} {size:<6} "
                f"{row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f} {row['max_ms']:>8.1f} "
                f"{queries:>8} {kb:>6} {ratio:>16}"
            )
    print()
    print(
        f"build_follow_up() is {result['build_follow_up_share_of_dashboard_p50']:.0%} of the "
        "dashboard's p50 on the large networks; the rest is the request, the other queries and "
        "the template."
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=[*DATABASES, "both"], default="both")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page (30)")
    parser.add_argument(
        "--scale", type=float, default=1.0, help="multiplies the 2,000 actions per network (1.0)"
    )
    args = parser.parse_args()
    if args.requests < 1 or args.scale <= 0:
        parser.error("--requests and --scale must be positive")
    if args.db == "both":
        return run_children(args)
    return run_one(args.db, args.requests, args.scale)


if __name__ == "__main__":
    sys.exit(main())

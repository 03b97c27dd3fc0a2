"""What the benchmarks share: the machine, the databases, the timing loop, the tables and results.

Not a package: the scripts in bench/ are run by path, so their directory is on ``sys.path`` and
they ``import harness``. Nothing here imports Django at module level, since the settings are only
configured (``configure``) in the child process that runs one database.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import time
import timeit
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DATABASES = ("sqlite", "postgres")
DB_LABELS = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
PG_SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")

Key = tuple[str, str]  # (page, "large" or "small")
type Probe[S] = Callable[[S], int]  # one page's work on a site; returns the response's bytes


@dataclass(frozen=True)
class Bench:
    """One benchmark: its name (results file, title), PostgreSQL database and table rows."""

    name: str
    pg_database: str
    labels: dict[str, str]  # page -> row label, in table order
    label_width: int


# --- The command line and the parent: one child process per database --------------------------


def parser(doc: str, requests: int) -> argparse.ArgumentParser:
    """The options every benchmark takes: ``--db`` and ``--requests``."""
    result = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    result.add_argument("--db", choices=[*DATABASES, "both"], default="both")
    result.add_argument(
        "--requests", type=int, default=requests, help=f"timed requests per page ({requests})"
    )
    return result


def run_children(bench: Bench, script: str, options: list[str]) -> int:
    """Run ``script --db <db> *options`` for each database, then compare them if all succeeded."""
    failed = []
    for db in DATABASES:
        if subprocess.run([sys.executable, script, "--db", db, *options], check=False).returncode:
            failed.append(db)
        print()
    if failed:
        print(f"The run failed on: {', '.join(failed)}.", file=sys.stderr)
        return 1
    print_comparison(bench)
    return 0


def print_comparison(bench: Bench) -> None:
    """The SQLite-against-PostgreSQL table of the large networks, from the results files."""
    results = {db: json.loads(results_path(bench, db).read_text()) for db in DATABASES}
    w = bench.label_width
    print("== SQLite against PostgreSQL (large networks, p50 / p95 ms) ==")
    print(f"{'page':<{w}} {'SQLite':>15} {'PostgreSQL':>15} {'PG/SQLite p50':>14}")
    rows = {db: {row["page"]: row for row in results[db]["large"]} for db in DATABASES}
    for page, label in bench.labels.items():
        s, p = rows["sqlite"][page], rows["postgres"][page]
        print(
            f"{label:<{w}} {s['p50_ms']:>7.1f} / {s['p95_ms']:<5.1f}"
            f" {p['p50_ms']:>7.1f} / {p['p95_ms']:<5.1f} {p['p50_ms'] / s['p50_ms']:>13.2f}×"
        )


# --- The child: one database ------------------------------------------------------------------


def configure(bench: Bench, db: str, workdir: Path) -> None:
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
        os.environ["DATABASE_URL"] = f"{PG_SERVER.rstrip('/')}/{bench.pg_database}"


def pg_admin(statement: str) -> None:
    """Run one statement on the PostgreSQL server's ``postgres`` database, in autocommit."""
    import psycopg

    server = urlunsplit(urlsplit(PG_SERVER)._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True, connect_timeout=5) as connection:
        connection.execute(statement)


def run_one(bench: Bench, db: str, benchmark: Callable[[], int]) -> int:
    """Configure ``db`` in a temporary directory (a fresh PostgreSQL database), run, clean up."""
    sys.path.insert(0, str(ROOT))
    drop = f"DROP DATABASE IF EXISTS {bench.pg_database} WITH (FORCE)"
    with tempfile.TemporaryDirectory(prefix="bygdebas-bench-") as workdir:
        configure(bench, db, Path(workdir))
        if db == "postgres":
            try:
                pg_admin(drop)
                pg_admin(f"CREATE DATABASE {bench.pg_database}")
            except Exception as error:
                print(f"PostgreSQL at {PG_SERVER} cannot be used: {error}", file=sys.stderr)
                return 2
        try:
            return benchmark()
        finally:
            from django.db import connections

            connections.close_all()
            if db == "postgres":
                pg_admin(drop)


def machine() -> dict[str, Any]:
    """CPU, cores, RAM, OS, Python and SQLite versions, a pure-Python timing and the load."""
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
        "load_average_at_start": load_average(),
    }


def load_average() -> list[float]:
    """The 1, 5 and 15 minute load averages, rounded."""
    return [round(x, 2) for x in os.getloadavg()]


def setup() -> dict[str, Any]:
    """Set Django up; returns the machine description with Django's version."""
    import django

    django.setup()
    info = machine()
    info["django"] = django.get_version()
    return info


@dataclass(frozen=True)
class Phases:
    """``perf_counter()`` at the start, after migrating and after building the data."""

    started: float
    migrated: float
    built: float

    def seconds(self) -> dict[str, float]:
        """Seconds to migrate, to build, and to time (from the build until now)."""
        return {
            "migrate": round(self.migrated - self.started, 1),
            "build": round(self.built - self.migrated, 1),
            "timing": round(time.perf_counter() - self.built, 1),
        }


def prepare[T](info: dict[str, Any], build: Callable[[], T]) -> tuple[T, Phases]:
    """Migrate, build the data and ANALYZE on PostgreSQL; returns the data and when each ended."""
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrated = time.perf_counter()
    built = build()
    if connection.vendor == "postgresql":
        # What autovacuum does soon after a bulk load in production; without it the planner
        # guesses from empty tables.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            cursor.execute("SHOW server_version")
            info["postgresql"] = cursor.fetchone()[0]
    return built, Phases(started, migrated, time.perf_counter())


# --- Timing -----------------------------------------------------------------------------------


def fetch(client: Any, url: str, host: str) -> int:
    """GET ``url`` with the test client; returns the response's size, raises unless 200."""
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} on {host}: {response.status_code}")
    return len(response.content)


@dataclass
class Measured:
    """Query counts, response sizes and times (ms) per (page, size)."""

    queries: dict[Key, set[int]] = field(default_factory=dict)
    sizes: dict[Key, list[int]] = field(default_factory=dict)
    samples: dict[Key, list[float]] = field(default_factory=dict)


def measure[S](large: Sequence[S], peer: S, probes: dict[str, Probe[S]], requests: int) -> Measured:
    """Warm up and count queries on every site, then time ``requests`` rounds, large next to peer."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def timed(probe: Probe[S], site: S) -> tuple[float, int]:
        start = time.perf_counter()
        size = probe(site)
        return (time.perf_counter() - start) * 1000, size

    measured = Measured()
    # Warm up on every network (templates, caches, connections) and count the queries there,
    # so that the timed requests carry no query-recording overhead.
    for size, group in (("large", large), ("small", [peer])):
        for site in group:
            for page, probe in probes.items():
                with CaptureQueriesContext(connection) as captured:
                    _, length = timed(probe, site)
                measured.queries.setdefault((page, size), set()).add(len(captured))
                measured.sizes.setdefault((page, size), []).append(length)

    # Timed: round-robin over the networks, pages interleaved, each large request next to the
    # same request on the small peer so that drift hits both alike.
    for i in range(requests):
        site = large[i % len(large)]
        for page, probe in probes.items():
            for size, target in (("large", site), ("small", peer)):
                elapsed, _ = timed(probe, target)
                measured.samples.setdefault((page, size), []).append(elapsed)
    return measured


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) with linear interpolation between closest ranks."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary(page: str, url: str, samples: list[float], queries: set[int], size: int) -> dict:
    """One row of the results: percentiles, queries and response size of one page and size."""
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


# --- Results ----------------------------------------------------------------------------------


def results(
    db: str,
    info: dict[str, Any],
    data: dict[str, Any],
    phases: Phases,
    requests: int,
    measured: Measured,
    urls: dict[str, str],
) -> dict[str, Any]:
    """The results of one database, right after timing: machine, data, seconds, the rows."""
    seconds = phases.seconds()
    info["load_average_at_end"] = load_average()
    result: dict[str, Any] = {
        "database": db,
        "machine": info,
        "data": data,
        "seconds": seconds,
        "requests_per_page": requests,
    }
    for size in ("large", "small"):
        result[size] = [
            summary(
                page,
                url,
                measured.samples[(page, size)],
                measured.queries[(page, size)],
                int(sum(measured.sizes[(page, size)]) / len(measured.sizes[(page, size)])),
            )
            for page, url in urls.items()
        ]
    result["ratio_large_to_small_p50"] = {
        row["page"]: round(row["p50_ms"] / peer_row["p50_ms"], 2)
        for row, peer_row in zip(result["large"], result["small"], strict=True)
    }
    return result


def results_path(bench: Bench, db: str) -> Path:
    """bench/results/<name>-<db>.json."""
    return RESULTS / f"{bench.name}-{db}.json"


def write_results(bench: Bench, result: dict[str, Any]) -> None:
    """Write the results of one database as JSON."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    results_path(bench, result["database"]).write_text(json.dumps(result, indent=2) + "\n")


def report(bench: Bench, result: dict[str, Any], data_line: str) -> None:
    """Print the machine, ``data_line``, the seconds taken and the table of the large and small."""
    m, d, s = result["machine"], result["data"], result["seconds"]
    db = result["database"]
    version = m.get("postgresql") if db == "postgres" else m["sqlite"]
    print(f"== {bench.name.capitalize()} benchmark on {DB_LABELS[db]} {version} ==")
    print(
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gib']} GiB RAM; {m['os']}; "
        f"Python {m['python']}, Django {m['django']}, SQLite {m['sqlite']}"
        + (f", PostgreSQL {m['postgresql']}" if "postgresql" in m else "")
    )
    print(
        f"CPU speed: sum(range(1000)) takes {m['sum_range_1000_us']} µs. Load average (1/5/15 min) "
        f"{m['load_average_at_start']} at the start, {m['load_average_at_end']} at the end."
    )
    print(data_line)
    print(
        f"Migrate {s['migrate']} s, build {s['build']} s, timing {s['timing']} s. "
        f"{result['requests_per_page']} timed requests per page and size, spread over the "
        f"{d['networks']} networks, after one warm-up request per page and network."
    )
    print()
    w = bench.label_width
    header = (
        f"{'page':<{w}} {'size':<6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} "
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
            # Rows without a URL time a function, not a response.
            kb = f"{row['response_kb']:.0f}" if row["url"] else "-"
            print(
                f"{bench.labels[page] if size == 'large' else '':<{w}} {size:<6} "
                f"{row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f} {row['max_ms']:>8.1f} "
                f"{queries:>8} {kb:>6} {ratio:>16}"
            )

"""A real server under concurrent clients: gunicorn on PostgreSQL with national-scale data.

    .venv/bin/python bench/load.py [--duration 60] [--clients 20] [--think 0] [--workers 5]
                                   [--threads 1] [--keep] [--reuse]

Builds a PostgreSQL database of 24 networks (one large registry of 5,000 organisations and 50,000
people, 23 smaller ones), 100,000 actions against the networks' plans and 10,000 events with
their registrations; serves it with gunicorn and production settings on a free port of 127.0.0.1;
and has ``--clients`` concurrent clients request the key staff pages (logged in as each network's
staff member) and public pages for ``--duration`` seconds: with no pause between requests (the
server's capacity), or ``--think`` seconds on average (people reading each page). Prints
p50/p95/p99, the throughput and the errors per page, and the machine it ran on. Reports, never
asserts. Everything stays on 127.0.0.1; the database is dropped at the end (``--keep`` keeps it,
and a later ``--reuse`` serves it again without building).
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import harness

NAME = "load"
PG_DATABASE = "bygdebas_bench_load"
NETWORKS = 24
LARGE_ORGANISATIONS, LARGE_PEOPLE = 5_000, 50_000
SMALL_ORGANISATIONS, SMALL_PEOPLE = 100, 1_000
ACTIONS = 100_000
EVENTS = 10_000
REGISTRATIONS = 100_000
YEAR = 2025
MUNICIPALITIES = 12
SEED = 20251001
HOST = "127.0.0.1"
SERVER_START_TIMEOUT_S = 60
REQUEST_TIMEOUT_S = 60

# page -> (label, whose: "staff" or "public", which network: "large" or "any")
PAGES: dict[str, tuple[str, str, str]] = {
    "dashboard": ("follow-up dashboard", "staff", "any"),
    "action-list": ("action list", "staff", "any"),
    "organisation-list": ("organisation list (large)", "staff", "large"),
    "people-search": ("people search (large)", "staff", "large"),
    "statistics": ("member statistics (large)", "staff", "large"),
    "staff-events": ("staff event list", "staff", "any"),
    "home": ("public home", "public", "any"),
    "calendar": ("public calendar", "public", "any"),
    "event": ("public event page", "public", "any"),
}


def url(page: str, target: dict[str, Any]) -> str:
    return {
        "dashboard": f"/kansli/uppfoljning/{YEAR}/",
        "action-list": f"/kansli/insatser/?year={YEAR}",
        "organisation-list": "/kansli/organisationer/",
        "people-search": "/kansli/personer/?q=andersson",
        "statistics": f"/kansli/medlemsstatistik/?year={target['year']}",
        "staff-events": "/kansli/evenemang/",
        "home": "/",
        "calendar": "/kalender/",
        "event": f"/kalender/{target['busy_event']}/",
    }[page]


# --- The data (a child process with Django set up) -------------------------------------------


def split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def build(rng: random.Random) -> list[dict[str, Any]]:
    """Bulk-create everything; one dict per network (the large one first) for the clients."""
    import members
    from dashboard import WORDS
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import transaction
    from django.utils import timezone
    from events import DESCRIPTION, KINDS, TITLES

    from bygdebas.core.models import County, Municipality, Network, Role, User
    from bygdebas.events.models import Event, Registration
    from bygdebas.plan.models import Action, Activity, Area, Plan, Target

    now = timezone.now()
    year = timezone.localdate().year
    targets = []
    with transaction.atomic():
        county = County.objects.create(code="18", name="Örebro län")
        municipalities = Municipality.objects.bulk_create(
            Municipality(code=f"18{i:02d}", name=f"Kommun {i}", county=county, population=10_000)
            for i in range(MUNICIPALITIES)
        )
        Link = Action.activities.through
        for n, (actions, events, registrations) in enumerate(
            zip(
                split(ACTIONS, NETWORKS),
                split(EVENTS, NETWORKS),
                split(REGISTRATIONS, NETWORKS),
                strict=True,
            )
        ):
            slug = f"n{n + 1}"
            network = Network.objects.create(
                name=f"Nätverk {slug}", slug=slug, domain=f"{slug}.bench", county=county
            )
            user = User.objects.create(
                email=f"staff@{slug}.bench", first_name="Staff", password=make_password(None)
            )
            Role.objects.create(user=user, network=network, kind=Role.Kind.STAFF)
            is_large = n == 0
            members.build_network(
                rng,
                network,
                municipalities,
                LARGE_ORGANISATIONS if is_large else SMALL_ORGANISATIONS,
                LARGE_PEOPLE if is_large else SMALL_PEOPLE,
                year,
            )
            # The plan: 4 areas of 15 activities, targets on most, the actions skewed.
            plan = Plan.objects.create(
                network=network, year=YEAR, title=f"Verksamhetsplan {YEAR}", vision="Hela länet!"
            )
            areas = Area.objects.bulk_create(
                Area(plan=plan, title=f"Område {a + 1}", order=a) for a in range(4)
            )
            activities = Activity.objects.bulk_create(
                Activity(area=area, text=f"Aktivitet {area.order + 1}.{i + 1}", order=i)
                for area in areas
                for i in range(15)
            )
            Target.objects.bulk_create(
                Target(activity=a, metric="plan.actions", value=rng.randint(5, 200))
                for a in activities
                if rng.random() < 0.66
            )
            weights = [1 / (k + 1) ** 0.8 for k in range(len(activities))]
            created = Action.objects.bulk_create(
                (
                    Action(
                        network=network,
                        performed_on=datetime.date(YEAR, 1, 1)
                        + datetime.timedelta(days=rng.randrange(365)),
                        title=f"Insats {i + 1}: {rng.choice(WORDS)}",
                        municipality=rng.choice(municipalities) if rng.random() < 0.8 else None,
                        participants=rng.randint(0, 80) if rng.random() < 0.6 else None,
                        created_by=user,
                    )
                    for i in range(actions)
                ),
                batch_size=2_000,
            )
            Link.objects.bulk_create(
                (
                    Link(action_id=action.pk, activity_id=activity.pk)
                    for action in created
                    for activity in set(rng.choices(activities, weights, k=rng.randint(1, 3)))
                ),
                batch_size=5_000,
            )
            # Events from two years back to one ahead, one busy upcoming event.
            busy_starts = (now + datetime.timedelta(days=14)).replace(minute=0, second=0)
            event_rows = [
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
                    capacity=300,
                )
            ]
            for _ in range(events - 1):
                starts = (
                    now + datetime.timedelta(days=rng.randint(-730, 365), hours=rng.randint(-6, 6))
                ).replace(minute=0, second=0, microsecond=0)
                status = rng.choices(("published", "draft", "cancelled"), (85, 10, 5))[0]
                event_rows.append(
                    Event(
                        network=network,
                        title=rng.choice(TITLES),
                        description=DESCRIPTION,
                        kind=rng.choice(KINDS),
                        status=status,
                        starts_at=starts,
                        ends_at=starts + datetime.timedelta(hours=rng.choice((1, 2, 3))),
                        place_name="Bygdegården",
                        address="Byvägen 1",
                        municipality=rng.choice(municipalities),
                        capacity=rng.choice((None, 20, 50, 100)),
                        cancelled_at=now if status == "cancelled" else None,
                    )
                )
            event_rows = Event.objects.bulk_create(event_rows, batch_size=2_000)
            busy = event_rows[0]
            Registration.objects.bulk_create(
                (
                    Registration(
                        event=busy if i < 300 else rng.choice(event_rows),
                        name=f"Deltagare {n}-{i}",
                        email=f"deltagare{n}-{i}@example.org",
                        status="confirmed",
                    )
                    for i in range(registrations)
                ),
                batch_size=5_000,
            )
            # A logged-in session per staff member, as after a login.
            session = SessionStore()
            session["_auth_user_id"] = str(user.pk)
            session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
            session["_auth_user_hash"] = user.get_session_auth_hash()
            session.create()
            targets.append(
                {
                    "host": network.domain,
                    "session": session.session_key,
                    "busy_event": busy.pk,
                    "year": year,
                }
            )
    return targets


def build_child(output: Path) -> int:
    import django

    sys.path.insert(0, str(harness.ROOT))
    django.setup()
    from django.db import connection

    started = time.perf_counter()
    targets = build(random.Random(SEED))
    with connection.cursor() as cursor:
        # As autovacuum does soon after a bulk load: visibility map and statistics.
        cursor.execute("VACUUM ANALYZE")
    output.write_text(json.dumps(targets))
    print(f"Built the data in {time.perf_counter() - started:.0f} s.", flush=True)
    return 0


# --- The server and the clients (the parent) -------------------------------------------------


@dataclass
class Sample:
    page: str
    started: float
    seconds: float
    status: int


@dataclass
class Run:
    duration: float
    clients: int
    rng: random.Random
    targets: list[dict[str, Any]]
    port: int
    think: float = 0.0
    samples: list[Sample] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def request(self, page: str, target: dict[str, Any]) -> Sample:
        _label, whose, _network = PAGES[page]
        headers = {"Host": target["host"], "X-Forwarded-Proto": "https"}
        if whose == "staff":
            headers["Cookie"] = f"sessionid={target['session']}"
        path = url(page, target)
        started = time.perf_counter()
        connection = http.client.HTTPConnection(HOST, self.port, timeout=REQUEST_TIMEOUT_S)
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            status = response.status
        except OSError as error:
            status = 0
            with self.lock:
                self.errors.append(f"{page} {path}: {error}")
        finally:
            connection.close()
        seconds = time.perf_counter() - started
        if status != 200 and status != 0:
            with self.lock:
                self.errors.append(f"{page} {target['host']}{path}: HTTP {status}")
        return Sample(page, started, seconds, status)

    def choose(self, rng: random.Random) -> tuple[str, dict[str, Any]]:
        page = rng.choice(list(PAGES))
        target = self.targets[0] if PAGES[page][2] == "large" else rng.choice(self.targets)
        return page, target

    def client(self, seed: int, deadline: float) -> None:
        rng = random.Random(seed)
        own = []
        while time.perf_counter() < deadline:
            own.append(self.request(*self.choose(rng)))
            left = deadline - time.perf_counter()
            if self.think and left > 0:
                # A person reading the page: exponential pauses around the mean.
                time.sleep(min(rng.expovariate(1 / self.think), left))
        with self.lock:
            self.samples.extend(own)

    def run(self) -> None:
        deadline = time.perf_counter() + self.duration
        threads = [
            threading.Thread(target=self.client, args=(SEED + i, deadline), daemon=True)
            for i in range(self.clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(self.duration + REQUEST_TIMEOUT_S + 5)


def server_cpu_seconds(master: int) -> float:
    """CPU seconds so far of gunicorn's workers and of the PostgreSQL backends serving them."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        # Fields after the name: state, ppid, …, utime (12th) and stime (13th).
        if int(stat[1]) == master or PG_DATABASE.encode() in cmdline:
            total += int(stat[11]) + int(stat[12])
    return total / ticks


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def manage(env: dict[str, str], *arguments: str) -> None:
    subprocess.run([sys.executable, "manage.py", *arguments], cwd=harness.ROOT, env=env, check=True)


def start_gunicorn(env: dict[str, str], port: int, workers: int, threads: int, log: Path) -> Any:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "bygdebas.wsgi",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--backlog",
        "256",
    ]
    with log.open("wb") as out:
        server = subprocess.Popen(
            command,
            cwd=harness.ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped on start:\n{log.read_text()[-4000:]}")
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def stop(server: Any) -> None:
    if server is None or server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def report(
    run: Run, alone: Run | None, info: dict[str, Any], config: dict[str, Any]
) -> dict[str, Any]:
    rows = []
    for page, (label, whose, _network) in PAGES.items():
        times = [s.seconds * 1000 for s in run.samples if s.page == page]
        # The peer: the same page with one client alone on the server, in the same run.
        solo = [s.seconds * 1000 for s in alone.samples if s.page == page] if alone else []
        ok = [s for s in run.samples if s.page == page and s.status == 200]
        rows.append(
            {
                "page": page,
                "label": label,
                "whose": whose,
                "requests": len(times),
                "errors": len(times) - len(ok),
                "p50_ms": round(harness.percentile(times, 50), 1) if times else None,
                "p95_ms": round(harness.percentile(times, 95), 1) if times else None,
                "p99_ms": round(harness.percentile(times, 99), 1) if times else None,
                "per_s": round(len(times) / run.duration, 1),
                "alone_p50_ms": round(harness.percentile(solo, 50), 1) if solo else None,
            }
        )
    everything = [s.seconds * 1000 for s in run.samples]
    pause = f"{config['think_s']} s mean pause" if config["think_s"] else "no pause"
    info["load_average_at_end"] = harness.load_average()
    print(
        f"== Load: {config['clients']} clients, {pause}, "
        f"{config['duration']:.0f} s, gunicorn "
        f"{config['workers']} workers × {config['threads']} threads, PostgreSQL =="
    )
    print(
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['ram_gib']} GiB; Python "
        f"{info['python']}, Django {info['django']}, {info['postgres']}; sum(range(1000)) "
        f"{info['sum_range_1000_us']} µs; load average {info['load_average_at_start']} at the "
        f"start, {info['load_average_at_end']} at the end."
    )
    print(
        f"Data: {NETWORKS} networks; the large one {LARGE_ORGANISATIONS:,} organisations and "
        f"{LARGE_PEOPLE:,} people, 23 with {SMALL_ORGANISATIONS} and {SMALL_PEOPLE:,}; "
        f"{ACTIONS:,} actions, {EVENTS:,} events, {REGISTRATIONS:,} registrations."
    )
    print(
        f"{'page':<28} {'requests':>8} {'errors':>6} {'p50':>7} {'p95':>7} {'p99':>7} "
        f"{'req/s':>6} {'alone p50':>9}"
    )
    for row in rows:
        print(
            f"{row['label']:<28} {row['requests']:>8} {row['errors']:>6} {row['p50_ms']:>7} "
            f"{row['p95_ms']:>7} {row['p99_ms']:>7} {row['per_s']:>6} {row['alone_p50_ms']!s:>9}"
        )
    print(
        f"{'all pages':<28} {len(everything):>8} {sum(r['errors'] for r in rows):>6} "
        f"{harness.percentile(everything, 50):>7.1f} {harness.percentile(everything, 95):>7.1f} "
        f"{harness.percentile(everything, 99):>7.1f} {len(everything) / run.duration:>6.1f}"
    )
    cpu_ms = info["server_cpu_s"] * 1000 / max(len(everything), 1)
    print(
        f"Server CPU (gunicorn workers and PostgreSQL backends): {info['server_cpu_s']} s, "
        f"{cpu_ms:.0f} ms a request: at most {(info['cores'] or 1) * 1000 / cpu_ms:.0f} requests a "
        f"second on {info['cores']} cores. The clients' own CPU: {info['client_cpu_s']} s."
    )
    print(
        "(ms; 'alone p50': the page's median with one client alone on the server, measured "
        "just before.)"
    )
    for error in run.errors[:10]:
        print(f"  error: {error}")
    return {"machine": info, "config": config, "pages": rows, "errors": run.errors[:100]}


def postgres_version(database_url: str) -> str:
    import psycopg

    with psycopg.connect(database_url, connect_timeout=5) as connection:
        row = connection.execute("SHOW server_version").fetchone()
    return f"PostgreSQL {row[0].split()[0] if row else '?'}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60, help="seconds of load (60)")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (20)")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker")
    parser.add_argument(
        "--alone",
        type=float,
        default=20,
        help="seconds of one client alone first, the peer the table compares with (20)",
    )
    parser.add_argument(
        "--think", type=float, default=0, help="mean seconds a client waits between requests (0)"
    )
    parser.add_argument("--warmup", type=float, default=5, help="seconds of untimed load (5)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="serve a kept database again")
    parser.add_argument("--build-child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build_child:
        return build_child(args.build_child)

    database_url = f"{harness.PG_SERVER.rstrip('/')}/{PG_DATABASE}"
    workdir = harness.ROOT / "var" / "bench" / "load"
    workdir.mkdir(parents=True, exist_ok=True)
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DATABASE_URL", "BYGDEBAS_", "DJANGO_", "EMAIL_", "REDIS_"))
    }
    env.update(
        DATABASE_URL=database_url,
        BYGDEBAS_PRODUCTION="1",
        DJANGO_ALLOWED_HOSTS=".bench",
        BYGDEBAS_STATIC_ROOT=str(workdir / "static"),
        BYGDEBAS_MEDIA_ROOT=str(workdir / "media"),
        DJANGO_SETTINGS_MODULE="bygdebas.settings",
        PYTHONPATH=os.pathsep.join([str(harness.ROOT), str(harness.ROOT / "bench")]),
    )
    targets_file = workdir / "targets.json"
    # The sessions made with the data are signed with this key, so a --reuse run needs it again.
    secret_file = workdir / "secret-key"
    if not (args.reuse and secret_file.exists()):
        secret_file.write_text(secrets.token_urlsafe(50))
    env["DJANGO_SECRET_KEY"] = secret_file.read_text()
    server = None
    drop = f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)"
    os.environ.update(env)  # for harness.setup() in this process
    sys.path.insert(0, str(harness.ROOT))
    info = harness.setup()
    try:
        if not (args.reuse and targets_file.exists()):
            harness.pg_admin(drop)
            harness.pg_admin(f"CREATE DATABASE {PG_DATABASE}")
            manage(env, "migrate", "--no-input", "--verbosity", "0")
            subprocess.run(
                [sys.executable, __file__, "--build-child", str(targets_file)],
                cwd=harness.ROOT,
                env=env,
                check=True,
            )
        manage(env, "collectstatic", "--no-input", "--verbosity", "0")
        targets = json.loads(targets_file.read_text())
        info["postgres"] = postgres_version(database_url)
        port = free_port()
        server = start_gunicorn(env, port, args.workers, args.threads, workdir / "gunicorn.log")
        if args.warmup:
            Run(args.warmup, args.clients, random.Random(SEED), targets, port).run()
        alone = None
        if args.alone:
            alone = Run(args.alone, 1, random.Random(SEED), targets, port)
            alone.run()
        info["load_average_at_start"] = harness.load_average()
        cpu_before = server_cpu_seconds(server.pid)
        client_cpu_before = time.process_time()
        run = Run(args.duration, args.clients, random.Random(SEED), targets, port, args.think)
        run.run()
        info["server_cpu_s"] = round(server_cpu_seconds(server.pid) - cpu_before, 1)
        info["client_cpu_s"] = round(time.process_time() - client_cpu_before, 1)
        config = {
            "duration": args.duration,
            "clients": args.clients,
            "workers": args.workers,
            "threads": args.threads,
            "think_s": args.think,
            "when": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        }
        result = report(run, alone, info, config)
        harness.RESULTS.mkdir(parents=True, exist_ok=True)
        (harness.RESULTS / f"{NAME}.json").write_text(json.dumps(result, indent=2))
        return 0
    finally:
        stop(server)
        if not args.keep:
            harness.pg_admin(drop)
            targets_file.unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(main())

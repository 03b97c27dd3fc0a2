"""Registration under load, through the real HTTP stack: no place given twice, nobody lost.

A real web server (``manage.py runserver``, threaded) runs in a child process with its own
database of the kind this suite runs on: a temporary SQLite file, or a dedicated PostgreSQL
database created next to the test database and dropped afterwards. Hundreds of visitors then
fetch the event page for a CSRF token and post the registration form at the same moment, and the
server's database is read directly afterwards.

Nothing here retries: a request that fails (a 500 from "database is locked", a deadlock, a
timeout) fails the test, with the server's log attached.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote, urlencode, urlsplit

from django.conf import settings
from django.test import SimpleTestCase

from bygdebas.testing import free_port

HOST = "127.0.0.1"
PLACES = 100
REGISTRATIONS = 300
DUPLICATED_ADDRESSES = 20
WORKERS = 50
REQUEST_TIMEOUT_S = 60
ALL_REQUESTS_TIMEOUT_S = 240
SUBPROCESS_TIMEOUT_S = 240
SERVER_START_TIMEOUT_S = 60

# Run by ``manage.py shell`` in the server's database: one network and two open events.
SETUP_CODE = """
import json
from bygdebas.testing import make_county, make_event, make_network
network = make_network(name="Nätverk Last", slug="last", domain="127.0.0.1", county=make_county())
main = make_event(network=network, title="Stormöte om bygdens framtid", capacity={places})
twice = make_event(network=network, title="Studiebesök", capacity={twice_places})
print(json.dumps({{"main": main.pk, "twice": twice.pk}}))
"""
# ``manage.py runserver --noreload`` with two changes for the development server's limits, not
# the application's: a listen backlog of 128 instead of 10 (with 50 visitors connecting at once
# the kernel would drop connections before the accept loop gets to them), and no persistent
# database connections. The development server starts a thread per connection, and a persistent
# connection outlives its thread until garbage collection, so PostgreSQL would soon refuse more
# clients; Django's documentation advises against persistent connections with it.
RUNSERVER = """
import sys
import django
from django.conf import settings
from django.core.management import call_command
from django.core.servers.basehttp import WSGIServer
WSGIServer.request_queue_size = 128
django.setup()
settings.DATABASES["default"]["CONN_MAX_AGE"] = 0
call_command("runserver", sys.argv[1], use_reloader=False)
"""
TOKEN_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')
REGISTRATION_PATH = re.compile(r"^/anmalan/([^/]+)/$")


@dataclass
class Outcome:
    email: str
    status: int
    location: str


class ServerDatabase:
    """The server's own database: a SQLite file or a dedicated PostgreSQL database."""

    def __init__(self, workdir: Path) -> None:
        default = settings.DATABASES["default"]
        self.vendor = "sqlite" if default["ENGINE"].endswith("sqlite3") else "postgresql"
        self.sqlite_path = workdir / "server.sqlite3"
        self.pg_name = f"bygdebas_concurrency_{os.getpid()}"
        self.pg_params = {
            "host": default.get("HOST") or HOST,
            "port": int(default.get("PORT") or 5432),
            "user": default.get("USER") or "postgres",
            "password": default.get("PASSWORD") or None,
            "connect_timeout": 10,
        }

    def environment(self) -> dict[str, str]:
        if self.vendor == "sqlite":
            return {"BYGDEBAS_SQLITE_PATH": str(self.sqlite_path)}
        p = self.pg_params
        auth = quote(p["user"]) + (f":{quote(p['password'])}" if p["password"] else "")
        return {"DATABASE_URL": f"postgres://{auth}@{p['host']}:{p['port']}/{self.pg_name}"}

    def _admin(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(dbname="postgres", autocommit=True, **self.pg_params) as connection:
            connection.execute(statement)

    def create(self) -> None:
        if self.vendor == "postgresql":
            self._admin(f"DROP DATABASE IF EXISTS {self.pg_name} WITH (FORCE)")
            self._admin(f"CREATE DATABASE {self.pg_name}")

    def drop(self) -> None:
        if self.vendor == "postgresql":
            self._admin(f"DROP DATABASE IF EXISTS {self.pg_name} WITH (FORCE)")

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        """Rows from the server's database; ``%s`` marks a parameter."""
        if self.vendor == "sqlite":
            with sqlite3.connect(self.sqlite_path, timeout=10) as connection:
                return list(connection.execute(sql.replace("%s", "?"), params))
        import psycopg

        with psycopg.connect(dbname=self.pg_name, **self.pg_params) as connection:
            return list(connection.execute(sql, params))

    def registrations(self, event_pk: int) -> list[tuple[str, str, str]]:
        """(email, status, token) of every registration row for the event."""
        return self.query(
            "SELECT email, status, token FROM events_registration WHERE event_id = %s", event_pk
        )

    def queued_mail_recipients(self) -> Counter[str]:
        """How many messages wait in the task queue for each address."""
        recipients: Counter[str] = Counter()
        for (args_kwargs,) in self.query(
            "SELECT args_kwargs FROM django_tasks_database_dbtaskresult WHERE task_path LIKE %s",
            "%deliver_mail",
        ):
            data = json.loads(args_kwargs) if isinstance(args_kwargs, str) else args_kwargs
            for payload in [*data["args"], *data["kwargs"].values()]:
                recipients.update(payload["to"])
        return recipients


class ConcurrentRegistrationTests(SimpleTestCase):
    """Runs against its own server and database, never the test database."""

    workdir: ClassVar[Path]
    database: ClassVar[ServerDatabase]
    server: ClassVar[subprocess.Popen[bytes] | None]
    server_log: ClassVar[Path]
    port: ClassVar[int]
    events: ClassVar[dict[str, int]]

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.server = None
        cls.workdir = Path(tempfile.mkdtemp(prefix="bygdebas-concurrency-"))
        cls.addClassCleanup(shutil.rmtree, cls.workdir, ignore_errors=True)
        cls.database = ServerDatabase(cls.workdir)
        cls.database.create()
        cls.addClassCleanup(cls.database.drop)
        cls.manage("migrate", "--no-input", "--verbosity", "0")
        code = SETUP_CODE.format(places=PLACES, twice_places=DUPLICATED_ADDRESSES // 2)
        output = cls.manage("shell", "--no-imports", "-c", code)
        cls.events = json.loads(output.strip().splitlines()[-1])
        cls.start_server()

    @classmethod
    def environment(cls) -> dict[str, str]:
        env = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("DATABASE_URL", "BYGDEBAS_", "DJANGO_", "EMAIL_", "REDIS_"))
        }
        env.update(cls.database.environment())
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "bygdebas.settings",
                "DJANGO_DEBUG": "0",
                # 300 writers queue for SQLite's one write lock; on a busy 2-core machine the
                # last of them waits longer than a web request normally would.
                "BYGDEBAS_SQLITE_BUSY_TIMEOUT_S": "120",
                "DJANGO_ALLOWED_HOSTS": HOST,
                "BYGDEBAS_PRODUCTION": "0",
                "BYGDEBAS_MEDIA_ROOT": str(cls.workdir / "media"),
                "BYGDEBAS_STATIC_ROOT": str(cls.workdir / "static"),
                # Every visitor here comes from 127.0.0.1, which would otherwise be rate limited
                # after ten posts.
                "BYGDEBAS_RATE_LIMIT_POSTS": "100000",
                # As in production: each request renders its mail and queues it in the database
                # for the worker (none runs here), one more write competing for the database.
                "BYGDEBAS_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
                "PYTHONUNBUFFERED": "1",
            }
        )
        return env

    @classmethod
    def manage(cls, *arguments: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *arguments],
            cwd=settings.BASE_DIR,
            env=cls.environment(),
            capture_output=True,
            text=True,
            timeout=SUBPROCESS_TIMEOUT_S,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {arguments[0]} failed:\n{result.stderr[-4000:]}")
        return result.stdout

    @classmethod
    def start_server(cls) -> None:
        cls.port = free_port()
        cls.server_log = cls.workdir / "server.log"
        log = cls.server_log.open("wb")
        cls.addClassCleanup(log.close)
        # Threaded (runserver's default): one thread per connection, like a real server's workers.
        cls.server = subprocess.Popen(
            [sys.executable, "-c", RUNSERVER, f"{HOST}:{cls.port}"],
            cwd=settings.BASE_DIR,
            env=cls.environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        cls.addClassCleanup(cls.stop_server)
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while time.monotonic() < deadline:
            if cls.server.poll() is not None:
                raise RuntimeError(f"The server stopped on start:\n{cls.log_tail()}")
            try:
                with socket.create_connection((HOST, cls.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"The server did not start in {SERVER_START_TIMEOUT_S} s")

    @classmethod
    def stop_server(cls) -> None:
        if cls.server is None:
            return
        cls.server.terminate()
        try:
            cls.server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            cls.server.kill()
            cls.server.wait(timeout=10)
        cls.server = None

    @classmethod
    def log_tail(cls) -> str:
        """The server's tracebacks (the first few) and the end of its log."""
        lines = cls.server_log.read_text(errors="replace").splitlines()
        tracebacks: list[list[str]] = []
        for line in lines:
            if line.startswith("Traceback"):
                tracebacks.append([line])
            elif tracebacks and (line.startswith(" ") or len(tracebacks[-1]) == 1 or not line):
                tracebacks[-1].append(line)
            elif tracebacks and tracebacks[-1][-1] != "":
                tracebacks[-1].append(line)  # the exception line ends the traceback
                tracebacks[-1].append("")
        shown = ["\n".join(t) for t in tracebacks[:3]]
        return "\n".join([f"{len(tracebacks)} tracebacks, the first:", *shown, "…", *lines[-30:]])

    # --- Visitors -----------------------------------------------------------------------------

    def connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(HOST, self.port, timeout=REQUEST_TIMEOUT_S)

    def csrf_pair(self, event_pk: int) -> tuple[str, str]:
        """The CSRF cookie and form token a visitor gets with the event page."""
        connection = self.connection()
        try:
            connection.request("GET", f"/kalender/{event_pk}/")
            response = connection.getresponse()
            body = response.read().decode()
        finally:
            connection.close()
        if response.status != 200:
            raise AssertionError(f"The event page answered {response.status}")
        cookies: SimpleCookie = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookies.load(header)
        token = TOKEN_INPUT.search(body)
        if token is None or settings.CSRF_COOKIE_NAME not in cookies:
            raise AssertionError("The event page gave no CSRF cookie and token")
        return cookies[settings.CSRF_COOKIE_NAME].value, token.group(1)

    def post_registration(
        self, event_pk: int, csrf: tuple[str, str], name: str, email: str
    ) -> Outcome:
        cookie, token = csrf
        body = urlencode(
            {"name": name, "email": email, "organisation": "", "csrfmiddlewaretoken": token}
        )
        connection = self.connection()
        try:
            connection.request(
                "POST",
                f"/kalender/{event_pk}/anmalan/",
                body=body,
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": f"{settings.CSRF_COOKIE_NAME}={cookie}",
                },
            )
            response = connection.getresponse()
            response.read()
        finally:
            connection.close()
        return Outcome(email, response.status, urlsplit(response.getheader("Location", "")).path)

    def in_parallel(self, jobs: list[Callable[[], Any]], workers: int) -> list[Any]:
        """Run the jobs on ``workers`` threads; every one must finish within the time limit."""
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(job) for job in jobs]
            deadline = time.monotonic() + ALL_REQUESTS_TIMEOUT_S
            try:
                return [f.result(timeout=max(0.1, deadline - time.monotonic())) for f in futures]
            except Exception as error:
                for future in futures:
                    future.cancel()
                self.fail(f"A request failed: {error!r}; server log:\n{self.log_tail()}")

    def assert_no_server_errors(self, outcomes: list[Outcome], expected: set[int]) -> None:
        statuses = Counter(outcome.status for outcome in outcomes)
        if set(statuses) - expected:
            self.fail(f"Unexpected responses {dict(statuses)}; server log:\n{self.log_tail()}")

    # --- Tests --------------------------------------------------------------------------------

    def test_300_registrations_for_100_places_give_100_confirmed_and_200_waiting(self) -> None:
        event_pk = self.events["main"]
        # First every visitor opens the event page; then all the forms are posted at once, so
        # that the posts, not the page views, compete for the places.
        csrf = self.in_parallel([lambda: self.csrf_pair(event_pk)] * REGISTRATIONS, WORKERS)
        people = [(f"Deltagare {i}", f"deltagare{i}@example.org") for i in range(REGISTRATIONS)]
        outcomes: list[Outcome] = self.in_parallel(
            [
                lambda pair=pair, name=name, email=email: self.post_registration(
                    event_pk, pair, name, email
                )
                for pair, (name, email) in zip(csrf, people, strict=True)
            ],
            WORKERS,
        )

        self.assert_no_server_errors(outcomes, {302, 303})
        rows = self.database.registrations(event_pk)
        statuses = Counter(status for _email, status, _token in rows)
        self.assertEqual(len(rows), REGISTRATIONS)
        self.assertEqual(dict(statuses), {"confirmed": PLACES, "waiting": REGISTRATIONS - PLACES})
        self.assertEqual(
            sorted(email for email, _status, _token in rows),
            sorted(email for _name, email in people),
        )
        # Everyone is sent a mail (confirmed or waiting list), queued for the worker.
        queued = self.database.queued_mail_recipients()
        self.assertEqual([queued[email] for _name, email in people], [1] * REGISTRATIONS)
        # Every visitor was sent to the page of their own registration.
        email_by_token = {token: email for email, _status, token in rows}
        for outcome in outcomes:
            match = REGISTRATION_PATH.match(outcome.location)
            self.assertIsNotNone(match, outcome.location)
            assert match is not None
            self.assertEqual(email_by_token.get(match.group(1)), outcome.email)

    def test_the_same_address_posted_twice_at_once_is_registered_once(self) -> None:
        event_pk = self.events["twice"]
        addresses = [f"dubbel{i}@example.org" for i in range(DUPLICATED_ADDRESSES)]
        # Each address twice, the second time in capitals: one person per address and event,
        # whatever the case.
        posts = [(email, variant) for email in addresses for variant in (email, email.upper())]
        csrf = self.in_parallel([lambda: self.csrf_pair(event_pk)] * len(posts), WORKERS)
        # The two posts of an address leave together; the pairs run ``workers`` posts at a time.
        barriers = {email: threading.Barrier(2, timeout=REQUEST_TIMEOUT_S) for email in addresses}

        def post(pair: tuple[str, str], address: str, email: str) -> Outcome:
            barriers[address].wait()
            return self.post_registration(event_pk, pair, "Dubbel", email)

        outcomes: list[Outcome] = self.in_parallel(
            [
                lambda pair=pair, address=address, email=email: post(pair, address, email)
                for pair, (address, email) in zip(csrf, posts, strict=True)
            ],
            WORKERS,
        )

        # One post per address gets the registration; the other gets the form back, with the
        # error that the address is already registered.
        self.assert_no_server_errors(outcomes, {302, 303, 400})
        redirected = Counter(
            outcome.email.lower() for outcome in outcomes if outcome.status in {302, 303}
        )
        self.assertEqual(redirected, Counter(dict.fromkeys(addresses, 1)))
        self.assertEqual(sum(outcome.status == 400 for outcome in outcomes), len(addresses))
        rows = self.database.registrations(event_pk)
        self.assertEqual(
            sorted(email.lower() for email, _status, _token in rows), sorted(addresses)
        )
        self.assertEqual(
            Counter(status for _email, status, _token in rows),
            Counter({"confirmed": DUPLICATED_ADDRESSES // 2, "waiting": DUPLICATED_ADDRESSES // 2}),
        )

"""Separate processes for the scale-out tests: their own database, Redis database and commands.

What runs in another process (an RQ worker, a second web process) cannot see the test database:
SQLite's is in memory, and PostgreSQL's rows live in a transaction the test never commits. So these
tests give their processes a database of their own, made and dropped here: a SQLite file, or a
PostgreSQL database on the server the suite uses.

Redis is a local peer like PostgreSQL and Chromium: without it these tests skip with a warning; with
``CI`` set they fail. Each test run claims a Redis database of its own (1–15) on
``BYGDEBAS_TEST_REDIS_URL`` (default ``redis://127.0.0.1:6379``) and empties it afterwards, so
parallel runs never see each other's queues.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
import unittest
import uuid
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
REDIS_URL = os.environ.get("BYGDEBAS_TEST_REDIS_URL", "redis://127.0.0.1:6379")
COMMAND_TIMEOUT_S = 300


def clean_environment(**extra: str) -> dict[str, str]:
    """This process's environment without the project's settings, plus ``extra``."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DATABASE_URL", "BYGDEBAS_", "DJANGO_", "EMAIL_", "REDIS_"))
        and name != "PYTEST_CURRENT_TEST"
    }
    env.update(extra)
    return env


def manage(env: dict[str, str], *arguments: str, timeout: float = COMMAND_TIMEOUT_S) -> str:
    """Run ``manage.py`` in its own process; its standard output, or an error with its stderr."""
    result = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise AssertionError(
            f"manage.py {' '.join(arguments[:1])} failed ({result.returncode}):\n"
            f"{result.stdout[-2000:]}\n{result.stderr[-6000:]}"
        )
    return result.stdout


def wait_for[T](
    what: str, probe: Callable[[], T | None], *, timeout: float, every: float = 0.2
) -> T:
    """Poll ``probe`` until it gives something other than None or False."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value is not None and value is not False:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(every)


class ProcessDatabase:
    """A database for other processes: a SQLite file, or a PostgreSQL database of its own."""

    def __init__(self, workdir: Path, label: str) -> None:
        default = settings.DATABASES["default"]
        self.vendor = "sqlite" if default["ENGINE"].endswith("sqlite3") else "postgresql"
        self.sqlite_path = workdir / f"{label}.sqlite3"
        self.pg_name = f"bygdebas_{label}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self.pg_params: dict[str, Any] = {
            "host": default.get("HOST") or "127.0.0.1",
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
        """Rows from this database; ``%s`` marks a parameter."""
        if self.vendor == "sqlite":
            with sqlite3.connect(self.sqlite_path, timeout=10) as connection:
                return list(connection.execute(sql.replace("%s", "?"), params))
        import psycopg

        with psycopg.connect(dbname=self.pg_name, **self.pg_params) as connection:
            return list(connection.execute(sql, params))


class RedisDatabase:
    """One Redis database (1–15) claimed for this test run, emptied when released."""

    CLAIM_KEY = "bygdebas:test-run"

    def __init__(self) -> None:
        self.run_id = f"{os.uname().nodename}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.number: int | None = None
        self.client: Any = None

    @property
    def url(self) -> str:
        return f"{REDIS_URL.rstrip('/')}/{self.number}"

    def claim(self) -> None:
        """Claim a free database, or skip (fail with ``CI`` set) when Redis cannot be reached."""
        import redis

        try:
            redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
        except redis.RedisError as error:
            message = f"Redis is not reachable at {REDIS_URL} ({error})"
            if os.environ.get("CI"):
                raise RuntimeError(
                    f"{message}; it is required in CI (.ci/run starts redis-server)."
                ) from error
            warnings.warn(f"{message}: the RQ and shared-cache tests are skipped.", stacklevel=2)
            raise unittest.SkipTest(message) from error
        for number in range(1, 16):
            client = redis.Redis.from_url(f"{REDIS_URL.rstrip('/')}/{number}")
            if not client.set(self.CLAIM_KEY, self.run_id, nx=True, ex=3600):
                continue
            if client.dbsize() == 1:  # nobody else keeps anything here
                self.number, self.client = number, client
                return
            client.delete(self.CLAIM_KEY)
        raise RuntimeError(f"No free Redis database (1–15) at {REDIS_URL}")

    def release(self) -> None:
        if self.client is not None and self.client.get(self.CLAIM_KEY) == self.run_id.encode():
            self.client.flushdb()
        self.client = None

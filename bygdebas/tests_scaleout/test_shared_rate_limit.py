"""The rate limit holds across processes: two web processes together allow the limit, not twice it.

Two real Python processes (``manage.py shell``) count POSTs of one client at the same moment, both
started before either counts (a barrier of files), against the store production would use: the
database when the cache is each process's own memory, Redis when ``REDIS_URL`` is set.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import ClassVar

from django.test import SimpleTestCase

from bygdebas.tests_scaleout.processes import (
    BASE_DIR,
    ProcessDatabase,
    RedisDatabase,
    clean_environment,
    manage,
    wait_for,
)

LIMIT = 10
ATTEMPTS_EACH = 15
# Counts ATTEMPTS_EACH POSTs of one client to one form once the go file exists.
COUNT_CODE = """
import json, sys, time
from pathlib import Path
from django.test import RequestFactory
from bygdebas.core.ratelimit import is_rate_limited, uses_shared_cache
ready, go = Path(sys.argv[1]), Path(sys.argv[2])
request = RequestFactory().post("/kontakt/", REMOTE_ADDR="198.51.100.23")
ready.touch()
while not go.exists():
    time.sleep(0.005)
allowed = sum(not is_rate_limited(request, "contact") for _ in range({attempts}))
print(json.dumps({{"allowed": allowed, "shared_cache": uses_shared_cache()}}))
"""


class SharedRateLimitTests(SimpleTestCase):
    workdir: ClassVar[Path]

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.workdir = Path(tempfile.mkdtemp(prefix="bygdebas-ratelimit-"))
        cls.addClassCleanup(shutil.rmtree, cls.workdir, ignore_errors=True)

    def count_in_two_processes(self, env: dict[str, str]) -> list[dict[str, object]]:
        env = {**env, "BYGDEBAS_RATE_LIMIT_POSTS": str(LIMIT)}
        code = COUNT_CODE.format(attempts=ATTEMPTS_EACH)
        go = self.workdir / "go"
        go.unlink(missing_ok=True)
        processes, readies = [], []
        for n in range(2):
            ready = self.workdir / f"ready-{n}"
            ready.unlink(missing_ok=True)
            readies.append(ready)
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-c", SHELL, code, str(ready), str(go)],
                    cwd=BASE_DIR,
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
            )
        try:
            wait_for(
                "both processes to be ready",
                lambda: (
                    all(ready.exists() for ready in readies)
                    or any(p.poll() is not None for p in processes)
                ),
                timeout=120,
            )
            go.touch()
            outputs = [p.communicate(timeout=120) for p in processes]
        finally:
            for process in processes:
                if process.poll() is None:
                    process.kill()
                    process.wait()
        results = []
        for process, (stdout, stderr) in zip(processes, outputs, strict=True):
            self.assertEqual(process.returncode, 0, stderr[-4000:])
            results.append(json.loads(stdout.strip().splitlines()[-1]))
        return results

    def test_two_processes_share_one_count_in_the_database(self) -> None:
        database = ProcessDatabase(self.workdir, "ratelimit")
        database.create()
        self.addCleanup(database.drop)
        env = clean_environment(**database.environment())
        manage(env, "migrate", "--no-input", "--verbosity", "0")

        results = self.count_in_two_processes(env)

        # Per-process memory would allow LIMIT in each, 2 × LIMIT in all.
        self.assertEqual(sum(r["allowed"] for r in results), LIMIT)
        self.assertEqual([r["shared_cache"] for r in results], [False, False])
        [(count,)] = database.query("SELECT SUM(count) FROM core_ratelimitcounter")
        self.assertEqual(count, 2 * ATTEMPTS_EACH)

    def test_two_processes_share_one_count_in_redis(self) -> None:
        redis = RedisDatabase()
        redis.claim()
        self.addCleanup(redis.release)
        # No database: counting in Redis needs none.
        env = clean_environment(
            REDIS_URL=redis.url, BYGDEBAS_SQLITE_PATH=str(self.workdir / "unused.sqlite3")
        )

        results = self.count_in_two_processes(env)

        self.assertEqual(sum(r["allowed"] for r in results), LIMIT)
        self.assertEqual([r["shared_cache"] for r in results], [True, True])
        self.assertTrue(redis.client.keys("*ratelimit:contact:*"))


# ``manage.py shell -c`` without its automatic imports, taking the barrier files as arguments.
SHELL = """
import os, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bygdebas.settings")
django.setup()
code, sys.argv = sys.argv[1], sys.argv[1:]
exec(compile(code, "<count>", "exec"), {"__name__": "__count__"})
"""

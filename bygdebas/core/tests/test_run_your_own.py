"""The README's "Run your own" and docs/operations.md, run as written, in production mode.

The shell blocks marked ``<!-- run-your-own: … -->`` are run by bash in a fresh copy of the
project (a temporary directory, with the suite's own virtual environment standing in for the
install step, which needs the package index) against a fresh PostgreSQL database of its own. Only
what differs on this machine is replaced, each exactly once: the database URL, the SMTP server
(a real aiosmtpd server here), the port gunicorn binds and the ``/srv/bygdebas`` directory.

Then, over HTTP to the real gunicorn, as the proxy would forward it: the login page and a static
file answer with the production headers; the task worker delivers the administrator's mail; the
link in it sets a password; the administrator logs in and opens a staff page. Every cron line of
both documents runs once, and the operations doc's second network loads Stockholm's 26
municipalities.

It runs in the PostgreSQL pass of ``make test`` (which CI requires), not in the SQLite pass.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from django.conf import settings
from django.test import SimpleTestCase
from django.urls import reverse

from bygdebas.core.tests.html_forms import form_with
from bygdebas.testing import SmtpServer, free_port

REPO = Path(settings.BASE_DIR)
README = REPO / "README.md"
OPERATIONS = REPO / "docs" / "operations.md"
# What a clean checkout holds that the site needs; the virtual environment is linked, not copied.
CHECKOUT = (
    "manage.py",
    "bygdebas",
    "transit",
    "data",
    "locale",
    "pyproject.toml",
    "requirements.lock",
)
BLOCK = re.compile(
    r"<!-- run-your-own: (?P<kind>[\w ]+?)(?: \([^)]*\))? -->\n```sh\n(?P<body>.*?)\n```", re.S
)
CRON_LINE = re.compile(r"^ *(?:\S+ +){5}cd /srv/bygdebas && (?P<command>.+)$", re.M)
HOST = "orebro.example.se"
ADMIN = "ordforande@example.se"
NEW_PASSWORD = "Bygden-lever-2025!"
STEP_TIMEOUT_S = 180


def blocks(path: Path) -> dict[str, str]:
    """The marked shell blocks of a document, by their kind (install, run, cron…)."""
    return {match["kind"]: match["body"] for match in BLOCK.finditer(path.read_text("utf-8"))}


def replace_once(text: str, pattern: str, replacement: str) -> str:
    """``text`` with the one line matching ``pattern`` replaced; the docs must keep that line."""
    result, count = re.subn(pattern, lambda _match: replacement, text, flags=re.M)
    if count != 1:
        raise AssertionError(f"expected one line matching {pattern!r} in the block, found {count}")
    return result


class Browser:
    """HTTP/1.1 to gunicorn as a TLS proxy forwards it: the site's host name, X-Forwarded-Proto."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, data: dict[str, Any] | None = None, *, secure: bool = True
    ) -> tuple[int, http.client.HTTPMessage, str]:
        headers = {"Host": HOST}
        if secure:
            headers["X-Forwarded-Proto"] = "https"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"https://{HOST}{path}"
            headers["Origin"] = f"https://{HOST}"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, response.headers, content

    def get(self, path: str, **kwargs: Any) -> tuple[int, http.client.HTTPMessage, str]:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: dict[str, Any]) -> tuple[int, http.client.HTTPMessage, str]:
        return self.request("POST", path, data)


class RunYourOwnTests(SimpleTestCase):
    def setUp(self) -> None:
        default = settings.DATABASES["default"]
        if "postgresql" not in default["ENGINE"]:
            self.skipTest("runs in the PostgreSQL pass of make test (DATABASE_URL=postgres://…)")
        self.pg = {
            "host": default.get("HOST") or "127.0.0.1",
            "port": int(default.get("PORT") or 5432),
            "user": default.get("USER") or "postgres",
            "password": default.get("PASSWORD") or None,
            "connect_timeout": 10,
        }
        # Next to this run's test database, so parallel runs on other databases never meet.
        self.database = f"{default['NAME']}_run_your_own"[:63]
        self._admin(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        self._admin(f'CREATE DATABASE "{self.database}"')
        self.addCleanup(self._admin, f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')

        self.workdir = Path(tempfile.mkdtemp(prefix="bygdebas-run-your-own-"))
        self.addCleanup(shutil.rmtree, self.workdir, ignore_errors=True)
        for name in CHECKOUT:
            source = REPO / name
            if source.is_dir():
                shutil.copytree(
                    source, self.workdir / name, ignore=shutil.ignore_patterns("__pycache__")
                )
            else:
                shutil.copy2(source, self.workdir / name)
        # The install step: the environment this suite runs in has every package of the lock.
        (self.workdir / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)

        self.smtp = SmtpServer()
        self.smtp.start()
        self.addCleanup(self.smtp.stop)
        self.port = free_port()
        self.log = self.workdir / "run.log"

    def _admin(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(dbname="postgres", autocommit=True, **self.pg) as connection:
            connection.execute(statement)

    def _query(self, sql: str) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(dbname=self.database, **self.pg) as connection:
            return list(connection.execute(sql))

    def _database_url(self) -> str:
        p = self.pg
        auth = quote(p["user"]) + (f":{quote(p['password'])}" if p["password"] else "")
        return f"postgres://{auth}@{p['host']}:{p['port']}/{self.database}"

    def _environment(self) -> dict[str, str]:
        # Nothing of this process's settings leaks in: the documents' .env is the configuration.
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", str(self.workdir)),
            "LANG": "C.UTF-8",
            "PYTHONDONTWRITEBYTECODE": "1",
        }

    def _run(self, shell: str, script: str, *, background: bool = False) -> subprocess.Popen[bytes]:
        with self.log.open("ab") as log:
            log.write(f"\n[{time.monotonic():.1f}] $ {shell}\n{script}\n".encode())
        log = self.log.open("ab")
        self.addCleanup(log.close)
        return subprocess.Popen(
            [shell, "-e", "-c", script],
            cwd=self.workdir,
            env=self._environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=background,
        )

    def _finish(self, process: subprocess.Popen[bytes], what: str) -> None:
        try:
            process.wait(timeout=STEP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            self.fail(f"{what} did not finish in {STEP_TIMEOUT_S} s:\n{self._log_tail()}")
        self.assertEqual(process.returncode, 0, f"{what} failed:\n{self._log_tail()}")

    def _log_tail(self) -> str:
        return self.log.read_text("utf-8", "replace")[-6000:] if self.log.exists() else ""

    def _stop_group(self, process: subprocess.Popen[bytes]) -> None:
        # gunicorn and the worker run in the process group of the bash this test started.
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                os.killpg(process.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.2)
        os.killpg(process.pid, signal.SIGKILL)

    def _wait_for(self, what: str, check: Any, timeout_s: float = 60) -> Any:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                result = check()
            except OSError:
                result = None
            if result:
                return result
            time.sleep(0.25)
        self.fail(f"{what} did not happen in {timeout_s} s:\n{self._log_tail()}")

    def test_the_documents_run_as_written(self) -> None:
        readme = blocks(README)
        self.assertEqual(set(readme), {"install", "run", "cron"})
        run = readme["run"]
        run = replace_once(run, r"^DATABASE_URL=.*$", f"DATABASE_URL={self._database_url()}")
        run = replace_once(
            run, r"^EMAIL_HOST=localhost$", f"EMAIL_HOST=127.0.0.1\nEMAIL_PORT={self.smtp.port}"
        )
        run = replace_once(
            run,
            r"^(\.venv/bin/gunicorn .*)--bind 127\.0\.0\.1:8001 &$",
            f".venv/bin/gunicorn bygdebas.wsgi --workers 3 --bind 127.0.0.1:{self.port} &",
        )

        # migrate, collectstatic, setup_network in the foreground; gunicorn and the worker stay.
        started = self._run("bash", run, background=True)
        self.addCleanup(self._stop_group, started)
        self._finish(started, "The README's commands")
        self.assertIn(
            "Network Hela Sverige ska leva Örebro län (orebro) created on orebro.example.se.",
            self._log_tail(),
        )

        # Every cron line of both documents, once, as cron's /bin/sh runs it, and the operations
        # doc's second network, in another county: started side by side, as cron would, and
        # checked at the end.
        cron_lines = [m["command"] for m in CRON_LINE.finditer(readme["cron"])]
        cron_lines += [m["command"] for m in CRON_LINE.finditer(OPERATIONS.read_text("utf-8"))]
        self.assertGreaterEqual(len(cron_lines), 9)
        another = blocks(OPERATIONS)["another network"]
        another = replace_once(another, r"^cd /srv/bygdebas ", f"cd {self.workdir} ")
        scheduled = [
            (f"The cron line {command!r}", self._run("sh", command))
            for command in dict.fromkeys(cron_lines)
        ]
        scheduled.append(("The operations doc's second network", self._run("bash", another)))

        browser = Browser(self.port)
        login = reverse("core:login")
        status, headers, page = self._wait_for(
            "gunicorn answering", lambda: (r := browser.get(login)) and r[0] == 200 and r
        )
        self.assertIn("max-age=", headers["Strict-Transport-Security"])
        self.assertIn("default-src 'self'", headers["Content-Security-Policy"])
        stylesheet = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', page)
        self.assertIsNotNone(
            stylesheet, "no hashed stylesheet: collectstatic's manifest is missing"
        )
        self.assertEqual(browser.get(stylesheet[1])[0], 200)
        # Plain HTTP is sent to HTTPS.
        status, headers, _ = browser.get(login, secure=False)
        self.assertEqual((status, headers["Location"]), (301, f"https://{HOST}{login}"))

        # The worker delivers setup_network's mail; its link chooses the password.
        [mail] = self._wait_for("the administrator's mail", lambda: self.smtp.messages_to(ADMIN))
        link = re.search(r"https://\S+", mail.get_body(("plain",)).get_content())[0]
        self.assertTrue(link.startswith(f"https://{HOST}/konto/losenord/"), link)
        status, headers, _ = browser.get(urlsplit(link).path)
        self.assertEqual(status, 302)
        set_password = urlsplit(headers["Location"]).path
        status, _, page = browser.get(set_password)
        self.assertEqual(status, 200)
        form = form_with(page)
        status, headers, _ = browser.post(
            set_password, form.data(new_password1=NEW_PASSWORD, new_password2=NEW_PASSWORD)
        )
        self.assertEqual(
            (status, headers["Location"]), (302, reverse("core:password-reset-complete"))
        )

        # The administrator logs in and opens a staff page.
        status, _, page = browser.get(login)
        status, headers, _ = browser.post(
            login, form_with(page, posting_to="").data(username=ADMIN, password=NEW_PASSWORD)
        )
        self.assertEqual(status, 302)
        status, _, page = browser.get(reverse("plan:plan-list"))
        self.assertEqual(status, 200)
        self.assertIn(reverse("plan:plan-import"), page)

        # …while the cron lines and the second network run (started below, after the first block).
        for what, process in scheduled:
            self._finish(process, what)
        self.assertIn("Stockholms län (01), 26 municipalities", self._log_tail())
        self.assertEqual(
            self._query(
                "SELECT count(*) FROM core_municipality m JOIN core_county c ON m.county_id = c.id "
                "WHERE c.code = '01'"
            ),
            [(26,)],
        )

"""Platform promises: the production task worker, CSP, SQLite tuning, deploy checks, mail headers.

Real peers throughout: an aiosmtpd server on 127.0.0.1 receives the mail, the database-backed
worker runs through its own management command, and ``manage.py`` runs in a subprocess with
production settings.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.backends.sqlite3.base import DatabaseWrapper
from django.db.utils import ConnectionHandler
from django.tasks import TaskResultStatus
from django.test import SimpleTestCase, TestCase, TransactionTestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bygdebas.core.mail import send_templated_mail
from bygdebas.core.models import Network
from bygdebas.testing import (
    SmtpServerMixin,
    client_for,
    free_port,
    make_network,
    smtp_mailers,
)

# Nothing listens here: the port was free a moment ago and nobody binds it.
DOWN_MAILERS = smtp_mailers(free_port())
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
BASE_DIR = Path(settings.BASE_DIR)


def send_contact_mail(network: Network, *, name: str, message: str) -> None:
    send_templated_mail(
        network=network,
        to=[network.contact_email],
        reply_to=["asa@byalag.example"],
        template="public/mail/contact",
        context={"name": name, "email": "asa@byalag.example", "message": message},
        language="sv",
    )


@contextmanager
def preserved_process_state() -> Iterator[None]:
    """The worker installs signal handlers and sets log levels; give the test run its own back."""
    signals = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    handlers = {signum: signal.getsignal(signum) for signum in signals}
    loggers = [logging.getLogger(name) for name in ("django.tasks", "django_tasks_db")]
    levels = {logger: logger.level for logger in loggers}
    try:
        yield
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
        for logger, level in levels.items():
            logger.setLevel(level)


def run_worker() -> None:
    """Run the production worker until the queue is empty, as a deploy would with ``--batch``."""
    with preserved_process_state():
        call_command(
            "db_worker",
            "--batch",
            "--no-reload",
            "--no-startup-delay",
            "--interval",
            "0",
            verbosity=0,
            stdout=StringIO(),
        )


# The worker claims tasks in its own transactions and closes connections between them, which
# cannot happen inside TestCase's wrapping transaction.
@override_settings(TASKS=DB_TASKS)
class DatabaseWorkerTests(SmtpServerMixin, TransactionTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.network = make_network(
            name="Nätverk Ö", sender_email="kansli@o.test", contact_email="info@o.test"
        )

    def test_mail_waits_in_the_queue_until_the_worker_delivers_it(self) -> None:
        with transaction.atomic():
            send_contact_mail(self.network, name="Åsa Öberg", message="Hej från byn!")
            self.assertFalse(DBTaskResult.objects.exists(), "enqueued before the commit")

        task = DBTaskResult.objects.get()
        self.assertEqual(task.status, TaskResultStatus.READY)
        self.assertEqual(task.task_path, "bygdebas.core.tasks.deliver_mail")
        self.assertEqual(self.smtp.envelopes, [])

        run_worker()

        task.refresh_from_db()
        self.assertEqual(task.status, TaskResultStatus.SUCCESSFUL)
        [message] = self.smtp.messages
        self.assertEqual(message["To"].addresses[0].addr_spec, "info@o.test")
        self.assertEqual(message["From"].addresses[0].addr_spec, "kansli@o.test")
        body = message.get_body(preferencelist=("plain",))
        assert body is not None
        self.assertIn("Hej från byn!", body.get_content())

    @override_settings(MAILERS=DOWN_MAILERS)
    def test_a_refused_delivery_fails_and_is_retried_later(self) -> None:
        with transaction.atomic():
            send_contact_mail(self.network, name="Åsa Öberg", message="Hej!")
        first = DBTaskResult.objects.get()
        before = timezone.now()

        run_worker()

        first.refresh_from_db()
        self.assertEqual(first.status, TaskResultStatus.FAILED)
        self.assertEqual(first.exception_class_path, "builtins.ConnectionRefusedError")
        retry = DBTaskResult.objects.exclude(pk=first.pk).get()
        self.assertEqual(retry.status, TaskResultStatus.READY)
        self.assertEqual(retry.args_kwargs["args"][1], 2)
        self.assertEqual(retry.args_kwargs["args"][0], first.args_kwargs["args"][0])
        # Back-off: the second attempt waits 2**1 minutes, so the worker leaves it alone for now.
        self.assertGreater(retry.run_after, before + timedelta(minutes=1))
        self.assertLessEqual(retry.run_after, timezone.now() + timedelta(minutes=2))

        run_worker()

        retry.refresh_from_db()
        self.assertEqual(retry.status, TaskResultStatus.READY)
        self.assertEqual(DBTaskResult.objects.count(), 2)
        self.assertEqual(self.smtp.envelopes, [])


class MailHeaderTests(SmtpServerMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.network = make_network(
            name="Nätverk Åre", sender_email="kansli@are.test", contact_email="info@are.test"
        )

    def test_a_message_is_multipart_utf8_from_the_network_sender(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            send_contact_mail(
                self.network, name="Åsa Öberg", message="Här är vårt förslag för ängen."
            )

        [envelope] = self.smtp.envelopes
        [message] = self.smtp.messages
        self.assertEqual(envelope.mail_from, "kansli@are.test")
        self.assertEqual(str(message["From"]), "Nätverk Åre <kansli@are.test>")
        self.assertEqual(message["Subject"], "Meddelande från Åsa Öberg via webbplatsen")
        self.assertEqual(message.get_content_type(), "multipart/alternative")
        parts = {part.get_content_type(): part for part in message.iter_parts()}
        self.assertEqual(set(parts), {"text/plain", "text/html"})
        for part in parts.values():
            self.assertEqual(part.get_content_charset(), "utf-8")
            self.assertIn("Här är vårt förslag för ängen.", part.get_content())
        # On the wire the non-ASCII header is encoded, not mangled or dropped.
        raw_headers = envelope.original_content.split(b"\r\n\r\n", 1)[0].decode("ascii")
        self.assertRegex(raw_headers, r"(?im)^Subject: .*=\?utf-8\?")


class ContentSecurityPolicyTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.network = make_network(domain="csp.test")

    def policy(self) -> dict[str, list[str]]:
        response = client_for(self.network).get(reverse("public:home"))
        self.assertEqual(response.status_code, 200)
        header = response.headers["Content-Security-Policy"]
        directives = [part.split() for part in header.split(";") if part.strip()]
        return {name: sources for name, *sources in directives}

    def test_a_public_page_allows_only_its_own_origin(self) -> None:
        policy = self.policy()

        self.assertEqual(policy["default-src"], ["'self'"])
        self.assertEqual(policy["script-src"], ["'self'"])
        self.assertEqual(policy["style-src"], ["'self'"])
        self.assertEqual(policy["frame-ancestors"], ["'none'"])
        self.assertEqual(policy["object-src"], ["'none'"])
        sources = {source for values in policy.values() for source in values}
        self.assertLessEqual(sources, {"'self'", "'none'", "data:"})


def served_templates() -> Iterator[tuple[Path, str]]:
    for path in sorted((BASE_DIR / "bygdebas" / "templates").rglob("*.html")):
        # The PDF report is rendered by WeasyPrint and never reaches a browser.
        # PDF templates go only to WeasyPrint on the server, and mail to mail clients.
        if path.name == "report.html" or {"mail", "pdf"} & set(path.parts):
            continue
        yield path, path.read_text(encoding="utf-8")


class TemplateCspTests(SimpleTestCase):
    """A strict CSP silently breaks inline code, so keep it out of the templates."""

    def test_no_template_has_inline_scripts_or_event_handlers(self) -> None:
        offenders = []
        for path, text in served_templates():
            for match in re.finditer(r"<script\b([^>]*)>(.*?)</script>", text, re.DOTALL | re.I):
                # JSON-LD is a data block, never run: the CSP does not apply to it.
                is_data = 'type="application/ld+json"' in match.group(1)
                if match.group(2).strip() and not is_data:
                    offenders.append(f"{path.name}: inline <script>")
            if re.search(r"\son[a-z]+\s*=", text, re.I):
                offenders.append(f"{path.name}: event handler attribute")
        self.assertEqual(offenders, [])

    def test_no_template_has_inline_styles(self) -> None:
        offenders = [
            path.name
            for path, text in served_templates()
            if re.search(r"<style\b|\sstyle\s*=", text, re.I)
        ]
        self.assertEqual(offenders, [])


# A TestCase only because the test runner blocks database connections elsewhere; the connection
# under test is its own file, never the test database.
class SqliteTuningTests(TestCase):
    def test_a_connection_with_the_settings_options_is_tuned_for_the_web(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            # The full settings dict Django would build, under an alias of its own so the test
            # database is never touched.
            settings_dict = ConnectionHandler().configure_settings(
                {
                    "default": {
                        "ENGINE": "django.db.backends.sqlite3",
                        "NAME": str(Path(folder) / "tuned.sqlite3"),
                        "OPTIONS": dict(settings.SQLITE_OPTIONS),
                    }
                }
            )["default"]
            wrapper = DatabaseWrapper(settings_dict, alias="tuned")
            try:
                with wrapper.cursor() as cursor:
                    pragmas = {
                        name: cursor.execute(f"PRAGMA {name}").fetchone()[0]
                        for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
                    }
                busy_timeout_ms = pragmas.pop("busy_timeout")
                self.assertEqual(
                    pragmas, {"journal_mode": "wal", "foreign_keys": 1, "synchronous": 1}
                )
                # A writer waits seconds for the lock instead of failing with "database is locked".
                self.assertGreaterEqual(busy_timeout_ms, 5000)
                # Writers take the lock when the transaction starts, not halfway through it.
                self.assertEqual(wrapper.transaction_mode, "IMMEDIATE")
            finally:
                wrapper.close()

    def test_the_embedded_database_uses_those_options(self) -> None:
        if connection.vendor != "sqlite":
            self.skipTest("this run uses another database")
        self.assertEqual(connection.settings_dict["OPTIONS"], settings.SQLITE_OPTIONS)


class DeployCheckTests(SimpleTestCase):
    def manage(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        environ = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "BYGDEBAS_")) and key != "PYTEST_CURRENT_TEST"
        }
        environ.update(env)
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env=environ,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def test_check_deploy_passes_with_production_settings(self) -> None:
        result = self.manage(
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
            BYGDEBAS_PRODUCTION="1",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
            DJANGO_ALLOWED_HOSTS="bygdebas.example",
        )

        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("no issues", result.stdout)

    def test_production_refuses_to_start_without_a_secret_key(self) -> None:
        result = self.manage(
            "check", BYGDEBAS_PRODUCTION="1", DJANGO_ALLOWED_HOSTS="bygdebas.example"
        )

        self.assertNotEqual(result.returncode, 0)
        self.assertIn("DJANGO_SECRET_KEY", result.stderr)

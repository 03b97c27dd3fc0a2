"""The task paths through django-tasks-rq and a real RQ worker process, as a scaled-out site runs them.

The worker is ``manage.py rqworker --job-class django_tasks_rq.Job --with-scheduler`` (what
``make worker`` and docs/operations.md run), started here and stopped after. The work is enqueued
by other processes with ``BYGDEBAS_TASKS_BACKEND=rq``: ``manage.py shell`` for mail and an
analysis, the scheduled command with ``--enqueue``. Mail goes to a real aiosmtpd server; results
are read from the processes' database and the server.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, ClassVar

from django.test import SimpleTestCase

from bygdebas.testing import SmtpServer
from bygdebas.tests_scaleout.processes import (
    BASE_DIR,
    ProcessDatabase,
    RedisDatabase,
    clean_environment,
    manage,
    wait_for,
)

WORKER_START_TIMEOUT_S = 60
# A failed delivery is tried again after 2 × this (1 s here; two minutes in production).
RETRY_DELAY_S = 0.5
REFUSED_ONCE = "refused-once@byalag.example"


class RefusingOnceSmtpServer(SmtpServer):
    """The real SMTP server, refusing the first message to ``REFUSED_ONCE`` with a 451."""

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self.refused: list[Any] = []
        self._controller = Controller(
            _RefusingOnceHandler(self.envelopes, self.refused), hostname="127.0.0.1", port=self.port
        )
        self._controller.start()


class _RefusingOnceHandler:
    def __init__(self, envelopes: list[Any], refused: list[Any]) -> None:
        self.envelopes = envelopes
        self.refused = refused

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if REFUSED_ONCE in envelope.rcpt_tos and not self.refused:
            self.refused.append(envelope)
            return "451 Try again later"
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


class RQWorkerTests(SimpleTestCase):
    workdir: ClassVar[Path]
    database: ClassVar[ProcessDatabase]
    redis: ClassVar[RedisDatabase]
    smtp: ClassVar[RefusingOnceSmtpServer]
    env: ClassVar[dict[str, str]]
    worker: ClassVar[subprocess.Popen[bytes] | None] = None
    worker_log: ClassVar[Path]

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.redis = RedisDatabase()
        cls.redis.claim()
        cls.addClassCleanup(cls.redis.release)
        cls.workdir = Path(tempfile.mkdtemp(prefix="bygdebas-rq-"))
        cls.addClassCleanup(shutil.rmtree, cls.workdir, ignore_errors=True)
        cls.database = ProcessDatabase(cls.workdir, "rq")
        cls.database.create()
        cls.addClassCleanup(cls.database.drop)
        cls.smtp = RefusingOnceSmtpServer()
        cls.smtp.start()
        cls.addClassCleanup(cls.smtp.stop)
        cls.env = clean_environment(
            **cls.database.environment(),
            REDIS_URL=cls.redis.url,
            BYGDEBAS_TASKS_BACKEND="rq",
            BYGDEBAS_MEDIA_ROOT=str(cls.workdir / "media"),
            BYGDEBAS_MAIL_RETRY_DELAY_S=str(RETRY_DELAY_S),
            BYGDEBAS_BASE_URL="https://o.test",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(cls.smtp.port),
        )
        manage(cls.env, "migrate", "--no-input", "--verbosity", "0")
        cls.start_worker()

    @classmethod
    def start_worker(cls) -> None:
        cls.worker_log = cls.workdir / "worker.log"
        log = cls.worker_log.open("wb")
        cls.addClassCleanup(log.close)
        cls.worker = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "rqworker",
                "--job-class",
                "django_tasks_rq.Job",
                "--with-scheduler",
                "default",
            ],
            cwd=BASE_DIR,
            env=cls.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        cls.addClassCleanup(cls.stop_worker)
        wait_for(
            "the RQ worker to listen",
            lambda: (
                cls.worker is not None
                and (
                    cls.worker.poll() is not None or b"Listening on" in cls.worker_log.read_bytes()
                )
            ),
            timeout=WORKER_START_TIMEOUT_S,
        )
        if cls.worker.poll() is not None:
            raise RuntimeError(f"The RQ worker stopped on start:\n{cls.log_tail()}")

    @classmethod
    def stop_worker(cls) -> None:
        if cls.worker is None or cls.worker.poll() is not None:
            return
        # The worker and its scheduler process: a warm shutdown of the whole group, then kill.
        os.killpg(cls.worker.pid, signal.SIGTERM)
        try:
            cls.worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(cls.worker.pid, signal.SIGKILL)
            cls.worker.wait()

    @classmethod
    def log_tail(cls) -> str:
        return cls.worker_log.read_bytes()[-6000:].decode(errors="replace")

    def shell(self, code: str) -> Any:
        """Run ``code`` in ``manage.py shell`` (a process like a web worker); its last line as JSON."""
        output = manage(self.env, "shell", "--no-imports", "-c", code)
        return json.loads(output.strip().splitlines()[-1])

    def wait(self, what: str, probe: Any, timeout: float = 60) -> Any:
        try:
            return wait_for(what, probe, timeout=timeout)
        except AssertionError as error:
            raise AssertionError(f"{error}\nWorker log:\n{self.log_tail()}") from None

    def rq_registry_counts(self) -> dict[str, int]:
        from rq import Queue

        queue = Queue("default", connection=self.redis.client)
        return {
            "finished": queue.finished_job_registry.count,
            "failed": queue.failed_job_registry.count,
        }

    def test_mail_refused_once_is_delivered_by_the_retry(self) -> None:
        before = self.rq_registry_counts()
        self.shell(
            f"""
import json
from django.db import transaction
from bygdebas.core.mail import send_templated_mail
from bygdebas.testing import make_network
network = make_network(name="Nätverk Retry", slug="retry", domain="retry.test",
                       sender_email="kansli@retry.test")
with transaction.atomic():
    send_templated_mail(network=network, to=["{REFUSED_ONCE}"], template="public/mail/contact",
                        context={{"name": "Åsa", "email": "asa@byalag.example",
                                  "message": "Hej från byn!"}}, language="sv")
print(json.dumps(network.pk))
"""
        )

        [message] = self.wait(
            "the retried message", lambda: self.smtp.messages_to(REFUSED_ONCE) or None
        )

        self.assertEqual(len(self.smtp.refused), 1, "the first attempt reached the server")
        self.assertEqual(message["From"].addresses[0].addr_spec, "kansli@retry.test")
        body = message.get_body(preferencelist=("plain",))
        assert body is not None
        self.assertIn("Hej från byn!", body.get_content())
        # The refused attempt is a failed job; the retry, queued by the scheduler, finished.
        after = self.wait(
            "both jobs to be recorded",
            lambda: (
                (counts := self.rq_registry_counts())["finished"] > before["finished"] and counts
            ),
        )
        self.assertEqual(after["failed"] - before["failed"], 1)

    def test_a_connectivity_analysis_runs_on_the_sj_feed(self) -> None:
        analysis_pk = self.shell(
            """
import json
from django.db import transaction
from bygdebas.connectivity import services
from bygdebas.connectivity.tests.helpers import FEW_PLACES, REFERENCE_DATE, store_sj_feed
from bygdebas.testing import make_network
network = make_network(name="Nätverk Tåg", slug="tag", domain="tag.test")
feed = store_sj_feed(network)
with transaction.atomic():
    analysis = services.start_analysis(network=network, feed=feed, date=REFERENCE_DATE,
                                       places=FEW_PLACES)
print(json.dumps(analysis.pk))
"""
        )

        status = self.wait(
            "the analysis to finish",
            lambda: next(
                (
                    s
                    for (s,) in self.database.query(
                        "SELECT status FROM connectivity_analysis WHERE id = %s", analysis_pk
                    )
                    if s in {"done", "failed"}
                ),
                None,
            ),
            timeout=180,
        )

        self.assertEqual(status, "done", self.log_tail())
        [(result,)] = self.database.query(
            "SELECT result FROM connectivity_analysis WHERE id = %s", analysis_pk
        )
        result = json.loads(result) if isinstance(result, str) else result
        pairs = {(p["from"], p["to"]): p for p in result["pairs"]}
        self.assertEqual(len(pairs), 5 * 4)
        # Örebro–Hallsberg is on the line: trains both ways; Askersund has no rail.
        self.assertGreater(pairs["Örebro", "Hallsberg"]["journeys"], 10)
        self.assertEqual(pairs["Örebro", "Askersund"]["journeys"], 0)

    def test_the_event_schedule_command_enqueues_and_the_worker_sends_reminders(self) -> None:
        event_pk = self.shell(
            """
import datetime, json
from django.utils import timezone
from bygdebas.testing import make_event, make_network, make_registration
network = make_network(name="Nätverk Möte", slug="mote", domain="mote.test")
event = make_event(network=network, title="Stormöte i byn", reminder_days=2,
                   starts_at=timezone.now() + datetime.timedelta(days=1))
for email in ("gunnel@byalag.example", "per@byalag.example"):
    make_registration(event=event, email=email)
print(json.dumps(event.pk))
"""
        )

        output = manage(self.env, "run_event_schedule", "--enqueue")

        self.assertRegex(output, r"^Enqueued \S+\.")
        for address in ("gunnel@byalag.example", "per@byalag.example"):
            [reminder] = self.wait(
                f"the reminder to {address}", lambda a=address: self.smtp.messages_to(a) or None
            )
            self.assertIn("Stormöte i byn", str(reminder["Subject"]))
        [(sent_at,)] = self.database.query(
            "SELECT reminder_sent_at FROM events_event WHERE id = %s", event_pk
        )
        self.assertIsNotNone(sent_at)

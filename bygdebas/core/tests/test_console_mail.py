"""The demo's mail goes to the terminal: a login link printed there must work when copied.

Django's console backend prints the raw MIME message, quoted-printable: a long link is cut
with "=" at each line end and "=3D" for every "=", so the copied link is broken. Bygdebas's
console backend prints the message as a person reads it. And the URLs the demo prints follow
``HOST`` and ``PORT`` as ``make demo`` serves them.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.test import SimpleTestCase, TestCase, override_settings
from django.urls import reverse

from bygdebas.testing import CastMixin

STREAM = io.StringIO()
# The backend `make demo` prints mail with (tests otherwise keep mail in memory).
CONSOLE = {"default": {"BACKEND": settings.CONSOLE_MAIL_BACKEND, "OPTIONS": {"stream": STREAM}}}


@override_settings(MAILERS=CONSOLE)
class ConsoleMailTests(CastMixin, TestCase):
    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        STREAM.seek(0)
        STREAM.truncate()

    def test_the_printed_login_link_works_when_copied(self) -> None:
        client = self.as_anonymous()
        with self.captureOnCommitCallbacks(execute=True):
            client.post(reverse("members:selfservice-login"), {"email": "cecilia@a.test"})

        printed = STREAM.getvalue()
        self.assertNotIn("=\n", printed)
        self.assertNotIn("=3D", printed)
        links = re.findall(r"http://a\.test/medlem/logga-in/\S+/", printed)
        self.assertEqual(len(links), 1, printed)
        page = self.as_anonymous().get(links[0].removeprefix("http://a.test"))
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "Cecilia")

    def test_the_message_is_printed_readably(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            self.as_anonymous().post(reverse("core:password-reset"), {"email": "bertil@a.test"})

        printed = STREAM.getvalue()
        self.assertIn("To: bertil@a.test", printed)
        self.assertIn("Subject: Välj ett nytt lösenord", printed)
        self.assertNotIn("Content-Transfer-Encoding", printed)


@override_settings(BYGDEBAS_BASE_URL="http://localhost:8123")
class DemoUrlsTests(TestCase):
    def test_load_demo_prints_the_address_it_is_served_on(self) -> None:
        out = io.StringIO()
        call_command("load_demo", stdout=out)

        printed = out.getvalue()
        self.assertIn("http://localhost:8123/kansli/", printed)
        self.assertIn("http://localhost:8123/medlem/logga-in/", printed)
        self.assertNotIn("127.0.0.1:8000", printed)


class BaseUrlFromHostAndPortTests(SimpleTestCase):
    def base_url(self, **env: Any) -> str:
        environment = {k: v for k, v in os.environ.items() if k not in {"HOST", "PORT"}}
        environment.pop("BYGDEBAS_BASE_URL", None)
        environment.update(env)
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                "from django.conf import settings; print(settings.BYGDEBAS_BASE_URL)",
            ],
            env={**environment, "DJANGO_SETTINGS_MODULE": "bygdebas.settings"},
            cwd=Path(settings.BASE_DIR),
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout.strip()

    def test_host_and_port_make_the_default_base_url(self) -> None:
        self.assertEqual(self.base_url(), "http://127.0.0.1:8000")
        self.assertEqual(self.base_url(HOST="localhost", PORT="8123"), "http://localhost:8123")
        self.assertEqual(
            self.base_url(HOST="localhost", BYGDEBAS_BASE_URL="https://x.example"),
            "https://x.example",
        )

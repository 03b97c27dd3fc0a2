"""The scale-out settings refuse what cannot work, before anything runs."""

from __future__ import annotations

import subprocess
import sys

from django.test import SimpleTestCase

from bygdebas.tests_scaleout.processes import BASE_DIR, clean_environment


class TaskBackendSettingsTests(SimpleTestCase):
    def check(self, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "manage.py", "check"],
            cwd=BASE_DIR,
            env=clean_environment(**env),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def test_the_rq_backend_without_redis_url_refuses_to_start(self) -> None:
        result = self.check(BYGDEBAS_TASKS_BACKEND="rq")

        self.assertNotEqual(result.returncode, 0)
        self.assertIn("The RQ task backend needs REDIS_URL", result.stderr)

    def test_the_rq_backend_with_redis_url_passes_the_checks(self) -> None:
        # Django's checks include django-tasks-rq's: django_rq installed, the queue configured.
        result = self.check(BYGDEBAS_TASKS_BACKEND="rq", REDIS_URL="redis://127.0.0.1:6379/15")

        self.assertEqual(result.returncode, 0, result.stderr[-3000:])
        self.assertIn("no issues", result.stdout)

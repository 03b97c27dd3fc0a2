"""Exactly once under SIGKILL: the bench's crash run on a small list, in the suite.

``bench/newsletter.py`` builds a list in a database of its own (a temporary SQLite file here),
starts an aiosmtpd sink in its own process and worker processes that send the issue, kills a
random worker with SIGKILL at random points of the sending (at random counts of messages sent)
and starts it again, then counts what the sink received. The full run (20,000 recipients, 20
kills) is ``python bench/newsletter.py``; see docs/operations.md. The messages a kill can send
twice are those in the window between the server's acceptance and the ledger's write; the bench
reports how many did.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase

BENCH = Path(settings.BASE_DIR) / "bench" / "newsletter.py"


class CrashTests(SimpleTestCase):
    def test_every_recipient_gets_the_issue_exactly_once_though_workers_are_killed(self) -> None:
        run = subprocess.run(
            [
                sys.executable,
                str(BENCH),
                "--recipients",
                "400",
                "--kills",
                "4",
                "--workers",
                "2",
                "--db",
                "sqlite",
                "--json",
            ],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        self.assertEqual(run.returncode, 0, run.stderr[-3000:])
        result = json.loads(run.stdout.strip().splitlines()[-1])
        self.assertEqual(result["kills"], 4)
        # Nobody is left out, whenever the workers died.
        self.assertEqual((result["delivered"], result["lost"]), (400, 0), result)
        # A second copy can only come from the one window no SMTP client can close: the server
        # had accepted the message when its worker died, before the ledger said so. One
        # connection per worker, so at most one message per kill.
        self.assertLessEqual(result["duplicates"], result["kills"], result)

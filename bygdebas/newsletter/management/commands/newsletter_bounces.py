"""Read delivery-status notifications (bounces) and mark the addresses they name.

    python manage.py newsletter_bounces /var/mail/bounces     # an mbox file
    python manage.py newsletter_bounces < message.eml          # one piped message (Postfix)

A permanent failure counts against the address; the third suppresses it on that network.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bygdebas.newsletter import bounces


class Command(BaseCommand):
    help = "Read bounces (RFC 3464) from an mbox file or standard input and mark the addresses."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path", nargs="?", help="an mbox file; without it, one message on stdin"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        data = Path(options["path"]).read_bytes() if options["path"] else sys.stdin.buffer.read()
        found = [
            bounce for message in bounces.messages_in(data) for bounce in bounces.parse(message)
        ]
        marked = bounces.record(found)
        self.stdout.write(f"{len(found)} permanent failures, {marked} addresses marked.")

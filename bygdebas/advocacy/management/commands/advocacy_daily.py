"""Mail the daily digest of watched entries and the consultation deadline reminders (cron, daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bygdebas.advocacy.tasks import send_advocacy_mail


class Command(BaseCommand):
    help = (
        "Mail each digest recipient the new matches since the last digest, and remind the "
        "responsible person of cases due in 14 and 3 days (BYGDEBAS_ADVOCACY_REMINDER_DAYS)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Hand the work to the task worker instead of doing it in this process.",
        )

    def handle(self, *args: Any, enqueue: bool = False, **options: Any) -> None:
        if enqueue:
            result = send_advocacy_mail.enqueue()
            self.stdout.write(f"Enqueued {result.id}.")
            return
        sent = send_advocacy_mail.call()
        self.stdout.write(f"Digests sent: {sent['digests']}. Reminders sent: {sent['reminders']}.")

"""Remind responsible staff of overdue next steps; meant for cron once a day."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bygdebas.recruitment.tasks import send_recruitment_reminders


class Command(BaseCommand):
    help = (
        "Mail each responsible staff member one digest of their prospects whose next step is "
        "overdue (once per next-step date)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Hand the work to the task worker instead of doing it in this process.",
        )

    def handle(self, *args: Any, enqueue: bool = False, **options: Any) -> None:
        if enqueue:
            result = send_recruitment_reminders.enqueue()
            self.stdout.write(f"Enqueued {result.id}.")
            return
        sent = send_recruitment_reminders.call()
        self.stdout.write(f"Reminders sent: {sent}.")

"""Run the membership schedule once; meant for cron once a day (see docs/operations.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bygdebas.members.tasks import process_membership_schedule


class Command(BaseCommand):
    help = "Remind member organisations that have not confirmed their renewal, and let overdue ones lapse."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Hand the work to the task worker instead of doing it in this process.",
        )

    def handle(self, *args: Any, enqueue: bool = False, **options: Any) -> None:
        if enqueue:
            result = process_membership_schedule.enqueue()
            self.stdout.write(f"Enqueued {result.id}.")
            return
        counts = process_membership_schedule.call()
        self.stdout.write(
            "Renewals lapsed: {lapsed}; reminders sent: {reminders_sent}.".format(**counts)
        )

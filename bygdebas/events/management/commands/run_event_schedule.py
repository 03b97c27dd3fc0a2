"""Run the events schedule once; meant for cron every five minutes (see docs/operations.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bygdebas.events.tasks import process_event_schedule


class Command(BaseCommand):
    help = "Expire unaccepted offers of places, and send due reminders and follow-up messages."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Hand the work to the task worker instead of doing it in this process.",
        )

    def handle(self, *args: Any, enqueue: bool = False, **options: Any) -> None:
        if enqueue:
            result = process_event_schedule.enqueue()
            self.stdout.write(f"Enqueued {result.id}.")
            return
        counts = process_event_schedule.call()
        self.stdout.write(
            "Offers expired: {offers_expired}; reminders sent: {reminders_sent}; "
            "follow-ups sent: {follow_ups_sent}.".format(**counts)
        )

"""python manage.py purge_unconfirmed [--network SLUG] [--dry-run]"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bygdebas.core.confirmation import confirmation_days, purge_unconfirmed
from bygdebas.core.models import Network


class Command(BaseCommand):
    help = (
        "Delete sign-ups, reports and other rows that were never confirmed by e-mail and have "
        "expired (BYGDEBAS_CONFIRMATION_DAYS per purpose, 7 days by default). Run daily."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--network", help="Only this network (its slug).")
        parser.add_argument("--dry-run", action="store_true", help="Count, do not delete.")

    def handle(self, *args: Any, **options: Any) -> None:
        network = None
        if options["network"]:
            network = Network.objects.filter(slug=options["network"]).first()
            if network is None:
                raise CommandError(f"No network has the slug {options['network']!r}.")
        results = purge_unconfirmed(network=network, dry_run=options["dry_run"])
        verb = "would delete" if options["dry_run"] else "deleted"
        for result in results:
            days = confirmation_days(result.purpose)
            self.stdout.write(
                f"{result.label} ({result.purpose}, {days} days): {verb} {result.count}"
            )
        total = sum(result.count for result in results)
        self.stdout.write(f"Unconfirmed rows {verb}: {total}.")

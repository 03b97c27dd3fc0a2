"""Mail contact persons who asked for it the funding calls added since their last digest; meant
for cron once a week."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bygdebas.core.models import Network
from bygdebas.projects.services import send_call_digests


class Command(BaseCommand):
    help = (
        "Mail each contact person who asked for it the new funding calls open to their "
        "organisations' municipalities (each call once)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--network", help="Only this network (its slug).")

    def handle(self, *args: Any, network: str | None = None, **options: Any) -> None:
        networks = Network.objects.all()
        if network:
            networks = networks.filter(slug=network)
        total = sum(send_call_digests(network=row) for row in networks)
        self.stdout.write(f"Funding-call digests sent: {total}.")

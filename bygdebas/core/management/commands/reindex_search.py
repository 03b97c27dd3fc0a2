"""python manage.py reindex_search [--network SLUG] [--kind KIND …]"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bygdebas.core import search
from bygdebas.core.models import Network


class Command(BaseCommand):
    help = "Rebuild the search documents of every registered kind (of one network)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--network", metavar="SLUG", help="Only this network.")
        parser.add_argument(
            "--kind",
            action="append",
            dest="kinds",
            metavar="KIND",
            help="Only this kind (repeatable); the default is every registered kind.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        network = None
        if options["network"]:
            network = Network.objects.filter(slug=options["network"]).first()
            if network is None:
                raise CommandError(f"No network with the slug {options['network']!r}.")
        try:
            count = search.reindex(network=network, kinds=options["kinds"])
        except LookupError as error:
            known = ", ".join(search.registered_kinds()) or "none"
            raise CommandError(f"{error} (registered: {known})") from None
        where = f" of {network.slug}" if network else ""
        self.stdout.write(f"Indexed {count} documents{where}.")

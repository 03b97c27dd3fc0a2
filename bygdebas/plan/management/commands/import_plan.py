"""python manage.py import_plan PATH --year 2025 [--network SLUG] [--dry-run] [--json]"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from bygdebas.core.models import Network
from bygdebas.plan import services
from bygdebas.plan.importer import PlanImportError, parse_plan_document


class Command(BaseCommand):
    help = "Import an activity plan from a .txt, .md, .docx or .pdf document."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--year", type=int, help="The plan's year (default: from the title).")
        parser.add_argument("--network", help="The network's slug (default: the only network).")
        parser.add_argument("--dry-run", action="store_true", help="Parse and check; save nothing.")
        parser.add_argument("--json", action="store_true", help="Print the parsed plan as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from error
        try:
            parsed = parse_plan_document(filename=path.name, data=data)
        except PlanImportError as error:
            raise CommandError(f"{path}: {error}") from error

        year = options["year"] or parsed.year
        if options["json"]:
            self.stdout.write(json.dumps(parsed.to_dict(), ensure_ascii=False, indent=2))
        if options["dry_run"]:
            if not options["json"]:
                self.stdout.write(self._summary(parsed.to_dict(), year, saved=False))
            return
        if year is None:
            raise CommandError("The document names no year; give one with --year.")
        network = self._network(options["network"])
        try:
            services.create_plan(
                network=network, year=year, data=parsed.to_dict(), source_filename=path.name
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        if not options["json"]:
            self.stdout.write(self._summary(parsed.to_dict(), year, saved=True, network=network))

    def _network(self, slug: str | None) -> Network:
        if slug:
            try:
                return Network.objects.get(slug=slug)
            except Network.DoesNotExist:
                raise CommandError(f"No network with the slug {slug!r}.") from None
        networks = list(Network.objects.all()[:2])
        if len(networks) != 1:
            raise CommandError(
                "Give the network with --network SLUG "
                f"({'there are several' if networks else 'there is none yet'})."
            )
        return networks[0]

    def _summary(
        self, data: dict[str, Any], year: int | None, *, saved: bool, network: Network | None = None
    ) -> str:
        counts = ", ".join(f"{a['title']}: {len(a['activities'])}" for a in data["areas"])
        total = sum(len(a["activities"]) for a in data["areas"])
        verb = f"Saved for {network} " if saved else "Parsed (dry run) "
        return f"{verb}{year}: {len(data['areas'])} areas, {total} activities ({counts})"

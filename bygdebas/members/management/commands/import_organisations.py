"""python manage.py import_organisations PATH [--network SLUG] [--dry-run] [--json]
[--on-duplicate merge|skip] [--header-row N]

Imports organisations (with a contact person and a membership per row) from .xlsx, .xls, .ods
or .csv, all or nothing. The row of column headings is found by its content (title and note
rows above it are skipped) unless ``--header-row`` gives it. With ``--json`` it prints
``{"rows": n, "created": n, "updated": n, "duplicates": n, "errors": [{"row", "field",
"message"}], "header_row": n}`` (rows counted from 1 as the spreadsheet shows them); it exits
with 1 when any row has an error (nothing is then saved) and 2 when the file cannot be read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bygdebas.core.models import Network
from bygdebas.members.importer import MERGE, SKIP, ImportFileError, read_table, run_import


class Command(BaseCommand):
    help = "Import organisations, contact people and memberships from .xlsx, .xls, .ods or .csv."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--network", help="The network's slug (default: the only network).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and count everything; save nothing."
        )
        parser.add_argument("--json", action="store_true", help="Print the summary as JSON.")
        parser.add_argument(
            "--on-duplicate",
            choices=[MERGE, SKIP],
            default=MERGE,
            help="What to do with a row that is an organisation already there (default: merge).",
        )
        parser.add_argument(
            "--header-row",
            type=int,
            help="The row holding the column headings, counted from 1 (default: found by content).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}", returncode=2) from error
        network = self._network(options["network"])
        try:
            table = read_table(path.name, data, header_row=options["header_row"])
        except ImportFileError as error:
            raise CommandError(f"{path}: {error}", returncode=2) from error
        result = run_import(
            network=network,
            actor=None,
            table=table,
            filename=path.name,
            on_duplicate=options["on_duplicate"],
            dry_run=options["dry_run"],
        )
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        else:
            for row_error in result.errors:
                self.stdout.write(f"Row {row_error.row}, {row_error.field}: {row_error.message}")
            state = (
                "Nothing saved"
                if result.errors
                else ("Dry run, nothing saved" if result.dry_run else f"Saved in {network}")
            )
            self.stdout.write(f"Column headings read from row {result.header_row}.")
            self.stdout.write(
                f"{state}: {result.rows} rows, {result.created} organisations created, "
                f"{result.updated} updated, {result.duplicates} duplicates"
                f"{f' ({result.skipped} skipped)' if result.skipped else ''}, "
                f"{len(result.errors)} errors."
            )
        if result.errors:
            raise CommandError(
                f"{len(result.errors)} errors in {path.name}; nothing was saved.", returncode=1
            )

    def _network(self, slug: str | None) -> Network:
        if slug:
            try:
                return Network.objects.get(slug=slug)
            except Network.DoesNotExist:
                raise CommandError(f"No network with the slug {slug!r}.", returncode=2) from None
        networks = list(Network.objects.all()[:2])
        if len(networks) != 1:
            raise CommandError(
                "Give the network with --network SLUG "
                f"({'there are several' if networks else 'there is none yet'}).",
                returncode=2,
            )
        return networks[0]

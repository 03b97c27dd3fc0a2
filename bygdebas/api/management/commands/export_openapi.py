"""Write the API's OpenAPI 3.1 document to a file (or standard output)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Write the OpenAPI 3.1 document of /api/v1/ as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", help="The file to write; standard output without it.")

    def handle(self, *args: Any, **options: Any) -> None:
        from bygdebas.api.v1 import api

        document = api.get_openapi_schema(path_prefix="/api/v1/")
        text = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
        if options["out"]:
            Path(options["out"]).write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {options['out']} ({len(document['paths'])} paths).")
        else:
            self.stdout.write(text, ending="")

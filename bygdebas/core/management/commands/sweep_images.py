"""python manage.py sweep_images [--older-than-hours N] [--dry-run]"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bygdebas.core import images


class Command(BaseCommand):
    help = "Delete stored image files that no image row refers to (left by a rolled-back upload)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--older-than-hours", type=float, default=24.0)
        parser.add_argument("--dry-run", action="store_true", help="List, do not delete.")

    def handle(self, *args: Any, **options: Any) -> None:
        removed = images.sweep_orphan_files(
            older_than=datetime.timedelta(hours=options["older_than_hours"]),
            dry_run=options["dry_run"],
        )
        for name in removed:
            self.stdout.write(name)
        verb = "Would delete" if options["dry_run"] else "Deleted"
        self.stdout.write(f"{verb} {len(removed)} orphaned image files.")

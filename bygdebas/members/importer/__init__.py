"""Importing organisations, their contact people and memberships from .xlsx and .csv files.

``read_table`` reads a file, ``guess_mapping`` says which column is which field, ``make_plan``
parses and matches every row without writing, and ``run_import`` does it all and saves, all or
nothing: a single error in any row leaves the database as it was.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction

from bygdebas.members.importer import storage
from bygdebas.members.importer.columns import FIELDS, FIELDS_BY_KEY, Mapping, guess_mapping
from bygdebas.members.importer.plan import MERGE, SKIP, Plan, PlannedRow, RowError, make_plan
from bygdebas.members.importer.reading import (
    SUPPORTED_EXTENSIONS,
    ImportFileError,
    Table,
    read_table,
)
from bygdebas.members.importer.saving import SaveCounts, save_plan

if TYPE_CHECKING:
    from bygdebas.core.models import Network, User


@dataclass
class ImportResult:
    rows: int
    created: int
    updated: int
    duplicates: int
    errors: list[RowError]
    skipped: int = 0
    saved: bool = False
    dry_run: bool = False
    counts: SaveCounts = field(default_factory=SaveCounts)
    # Seconds to check and match the rows ("plan"), to write them ("save", split by step in
    # counts.seconds) and to commit or roll back ("commit").
    seconds: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The summary the command prints with ``--json``."""
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "duplicates": self.duplicates,
            "errors": [error.as_dict() for error in self.errors],
        }


def run_import(
    *,
    network: Network,
    actor: User | None,
    table: Table,
    filename: str,
    mapping: Mapping | None = None,
    on_duplicate: str = MERGE,
    decisions: dict[int, str] | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Import ``table`` into ``network``; nothing is saved when any row has an error.

    A dry run does everything in a transaction and rolls it back, so its counts are those of a
    real import.
    """
    if mapping is None:
        mapping = guess_mapping(table.headers)
    started = time.perf_counter()
    plan = make_plan(
        network=network,
        table=table,
        mapping=mapping,
        on_duplicate=on_duplicate,
        decisions=decisions,
    )
    result = ImportResult(
        rows=len(table.rows),
        created=len(plan.new_organisations()),
        updated=0,
        duplicates=plan.duplicates,
        errors=plan.errors,
        skipped=plan.skipped,
        dry_run=dry_run,
    )
    result.seconds["plan"] = time.perf_counter() - started
    if result.errors:
        return result
    with transaction.atomic():
        started = time.perf_counter()
        counts = save_plan(plan, network=network, actor=actor, filename=filename)
        result.seconds["save"] = time.perf_counter() - started
        started = time.perf_counter()
        if dry_run:
            transaction.set_rollback(True)
    result.seconds["commit"] = time.perf_counter() - started
    result.counts = counts
    result.created, result.updated = counts.created, counts.updated
    result.saved = not dry_run
    return result


__all__ = [
    "FIELDS",
    "FIELDS_BY_KEY",
    "MERGE",
    "SKIP",
    "SUPPORTED_EXTENSIONS",
    "ImportFileError",
    "ImportResult",
    "Mapping",
    "Plan",
    "PlannedRow",
    "RowError",
    "Table",
    "guess_mapping",
    "make_plan",
    "read_table",
    "run_import",
    "storage",
]

"""Importing organisations, their contact people and memberships from spreadsheets and CSV files.

``read_table`` reads a file, ``guess_mapping`` says which column is which field, ``make_plan``
parses and matches every row without writing, and ``run_import`` does it all and saves, all or
nothing: a single error in any row leaves the database as it was.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
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
    header_row: int = 1  # the spreadsheet's row the column headings were read from
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
            "header_row": self.header_row,
        }


_gc_lock = threading.Lock()
_gc_users = 0
_gc_threshold: tuple[int, int, int] = gc.get_threshold()


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run Python's cycle collector less often while an import builds its rows.

    An import of 50,000 rows makes about a million objects that all live until it ends, and the
    collector's passes over them took a fifth of the time of checking and matching. Collections
    still happen, ten times less often; the usual thresholds come back when the last import
    running in the process ends.
    """
    global _gc_users, _gc_threshold
    with _gc_lock:
        if _gc_users == 0:
            _gc_threshold = gc.get_threshold()
            first, second, third = _gc_threshold
            gc.set_threshold(max(first, 20_000), second, max(third, 100))
        _gc_users += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_users -= 1
            if _gc_users == 0:
                gc.set_threshold(*_gc_threshold)


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
    with fewer_collections():
        return _run_import(
            network=network,
            actor=actor,
            table=table,
            filename=filename,
            mapping=guess_mapping(table.headers) if mapping is None else mapping,
            on_duplicate=on_duplicate,
            decisions=decisions,
            dry_run=dry_run,
        )


def _run_import(
    *,
    network: Network,
    actor: User | None,
    table: Table,
    filename: str,
    mapping: Mapping,
    on_duplicate: str,
    decisions: dict[int, str] | None,
    dry_run: bool,
) -> ImportResult:
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
        header_row=table.header_row,
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

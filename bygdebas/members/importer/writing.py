"""Writing many rows at once: the database-specific part of saving an import.

Rows are plain tuples in the order of the given attribute names, never model instances: an
import writes up to a few hundred thousand rows (organisations, people, roles, consents,
memberships and their audit entries), and building a model instance per row costs more than the
database does. Columns the caller leaves out get the field's default, ``auto_now``/
``auto_now_add`` fields the given ``now`` (as ``bulk_create`` would), so a field added to one of
these models later keeps working as long as it has a default or is nullable. JSON values are
passed already serialised (``json.dumps``).

- PostgreSQL: ``COPY … FROM STDIN`` (psycopg 3's ``cursor.copy()``). When the primary keys are
  needed they are taken from the table's sequence first (``nextval`` over ``generate_series``),
  so the rows go in with their keys and nothing has to be read back. Django's psycopg backend
  binds parameters on the client, parsing the whole statement for every execution: a multi-row
  ``INSERT`` of 500 rows × 20 columns spent more time in that parser than in the server.
- Other databases (SQLite): multi-row ``INSERT … RETURNING`` when the keys are needed (as
  ``bulk_create`` does), ``executemany`` otherwise, on the driver's own cursor with ``?``
  placeholders.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from django.db import connection, models

# Field types whose Python values SQLite's driver cannot take as they are.
_PREPARED_TYPES = {"DateTimeField", "DateField", "TimeField", "DecimalField", "UUIDField"}


def _chunks[T](items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _Columns:
    """The concrete columns of ``model`` other than the key: given ones first, then the rest."""

    def __init__(self, model: type[models.Model], attnames: Sequence[str], now: Any) -> None:
        meta = model._meta
        by_attname = {f.attname: f for f in meta.concrete_fields if not f.primary_key}
        unknown = set(attnames) - set(by_attname)
        if unknown:
            raise ValueError(f"{model.__name__} has no columns {sorted(unknown)}")
        self.table = meta.db_table
        self.pk_column = str(meta.pk.column)
        self.given = [by_attname[name] for name in attnames]
        self.rest = [f for name, f in by_attname.items() if name not in set(attnames)]
        self.constants: list[Any] = []
        for f in self.rest:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.constants.append(now)
            else:
                value = f.get_default()
                if f.get_internal_type() == "JSONField":
                    value = json.dumps(value, cls=f.encoder)  # type: ignore[attr-defined]
                self.constants.append(value)
        self.fields = self.given + self.rest

    def names(self, quote: Any) -> str:
        return ", ".join(quote(f.column) for f in self.fields)


def insert(
    model: type[models.Model],
    attnames: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    now: Any,
    returning: bool = False,
) -> list[int]:
    """INSERT ``rows`` (values in the order of ``attnames``); their primary keys, in order.

    Without ``returning`` the list is empty.
    """
    if not rows:
        return []
    columns = _Columns(model, attnames, now)
    if connection.vendor == "postgresql":
        return _insert_postgresql(columns, rows, returning)
    return _insert_other(columns, rows, returning)


def _insert_postgresql(
    columns: _Columns, rows: Sequence[Sequence[Any]], returning: bool
) -> list[int]:
    quote = connection.ops.quote_name
    constants = tuple(columns.constants)
    keys: list[int] = []
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor  # psycopg's own
        names = columns.names(quote)
        if returning:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [quote(columns.table), columns.pk_column, len(rows)],
            )
            keys = sorted(key for (key,) in cursor.fetchall())
            names = f"{quote(columns.pk_column)}, {names}"
        with cursor.copy(f"COPY {quote(columns.table)} ({names}) FROM STDIN") as copy:
            if returning:
                for key, row in zip(keys, rows, strict=True):
                    copy.write_row((key, *row, *constants))
            else:
                for row in rows:
                    copy.write_row((*row, *constants))
    return keys


def _insert_other(columns: _Columns, rows: Sequence[Sequence[Any]], returning: bool) -> list[int]:
    prepare = [f if f.get_internal_type() in _PREPARED_TYPES else None for f in columns.given]
    constants = tuple(
        f.get_db_prep_save(value, connection)
        if value is not None and f.get_internal_type() in _PREPARED_TYPES
        else value
        for f, value in zip(columns.rest, columns.constants, strict=True)
    )
    if any(prepare):
        rows = [
            tuple(
                f.get_db_prep_save(value, connection)
                if f is not None and value is not None
                else value
                for f, value in zip(prepare, row, strict=True)
            )
            for row in rows
        ]
    quote = connection.ops.quote_name
    head = f"INSERT INTO {quote(columns.table)} ({columns.names(quote)}) VALUES "
    one = "(" + ", ".join(["?"] * len(columns.fields)) + ")"
    keys: list[int] = []
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor  # the driver's own: "?" placeholders, no query rewriting
        if not returning:
            cursor.executemany(head + one, [(*row, *constants) for row in rows])
            return keys
        size = max(1, min(500, 30_000 // len(columns.fields)))
        returning_sql = f" RETURNING {quote(columns.pk_column)}"
        for batch in _chunks(rows, size):
            params: list[Any] = []
            for row in batch:
                params.extend(row)
                params.extend(constants)
            cursor.execute(head + ", ".join([one] * len(batch)) + returning_sql, params)
            keys.extend(key for (key,) in cursor.fetchall())
    return keys


def update(
    model: type[models.Model], attnames: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """UPDATE the ``attnames`` columns of each row, given as (*values, primary key)."""
    if not rows:
        return
    meta = model._meta
    fields: list[Any] = [meta.get_field(name) for name in attnames]
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        quote(meta.db_table),
        ", ".join(f"{quote(f.column)} = %s" for f in fields),
        quote(str(meta.pk.column)),
    )
    prepare = [f if f.get_internal_type() in _PREPARED_TYPES else None for f in fields]
    params = [
        [
            *(
                f.get_db_prep_save(value, connection)
                if f is not None and value is not None
                else value
                for f, value in zip(prepare, row[:-1], strict=True)
            ),
            row[-1],
        ]
        for row in rows
    ]
    with connection.cursor() as cursor:
        for chunk in _chunks(params, 5000):
            cursor.executemany(sql, chunk)

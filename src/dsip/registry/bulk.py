"""The one bulk-write path of the registry (seed and import): COPY on PostgreSQL, executemany elsewhere.

ARCHITECTURE rule 8: bulk paths may use PostgreSQL features behind one
function with a portable fallback. ``bulk_insert`` streams rows into a table
with ``COPY … FROM STDIN`` through psycopg 3 (several times faster than
``bulk_create``, which builds and adapts one big ``INSERT`` per batch) and
falls back to ``executemany`` on SQLite. Rows are plain tuples in the column
order of a ``Table``; callers that need ids before writing (foreign keys
between the tables of one chunk) take them with ``reserve_ids``.

Nothing here validates, audits or appends to the outbox: callers are services
that do that in the same transaction (``registry.seed``, ``registry.imports``).
"""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import connection, models
from django.utils import timezone


class Table:
    """Column order and defaults of one model's table, read from the model so new fields with defaults just work.

    ``with_id=False`` leaves the primary key out: the database's sequence (or
    AUTOINCREMENT) numbers the rows, as for versions, outbox events and markers.
    """

    def __init__(self, model: type[models.Model], *, with_id: bool = True) -> None:
        self.model = model
        self.name = model._meta.db_table
        fields = [f for f in model._meta.concrete_fields if with_id or not f.primary_key]
        self._fields = fields
        self.attnames = [f.attname for f in fields]
        self.columns = [f.column for f in fields]
        self._defaults = {f.attname: _db_default(f) for f in fields}
        self._getter = operator.itemgetter(*self.attnames)

    def db_types(self) -> list[str]:
        """Column types as the database names them (``bigint``, ``varchar(12)``…), for casts."""
        return [f.db_type(connection) for f in self._fields]

    def row(self, values: Mapping[str, Any]) -> tuple:
        """A tuple in column order: defaults first, then ``values`` (JSON values as text already)."""
        merged = self._defaults.copy()
        merged.update(values)
        return self._getter(merged)


def _db_default(f: models.Field) -> Any:
    if f.has_default():
        value = f.get_default()
        return json.dumps(value) if isinstance(f, models.JSONField) else value
    if f.null:
        return None
    if isinstance(f, (models.CharField, models.TextField)):
        return ""
    return None


@dataclass(frozen=True)
class CopyText:
    """Rows already in PostgreSQL's COPY text format (``encode_rows``), e.g. made in a worker process."""

    data: bytes
    count: int

    def __len__(self) -> int:
        return self.count


def bulk_insert(table: Table, rows: Sequence[tuple] | CopyText) -> None:
    """Insert ``rows`` (tuples from ``table.row``, or ``CopyText`` on PostgreSQL) in the caller's transaction."""
    if not len(rows):
        return
    if connection.vendor == "postgresql":
        _copy(table, rows)
    elif isinstance(rows, CopyText):
        raise TypeError("CopyText is PostgreSQL's format; pass tuples on other databases")
    else:
        _executemany(table, rows)


def _copy(table: Table, rows: Sequence[tuple] | CopyText) -> None:
    cols = ", ".join(f'"{c}"' for c in table.columns)
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
        with raw.copy(f'COPY "{table.name}" ({cols}) FROM STDIN') as copy:  # noqa: S608 - names from model meta
            if isinstance(rows, CopyText):
                copy.write(rows.data)
            else:
                for row in rows:
                    copy.write_row(row)


# COPY text format (PostgreSQL manual, "COPY", File Formats): tab between columns, \N for NULL, and
# backslash, newline, carriage return and tab escaped with a backslash.
_ESCAPES = str.maketrans({"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"})
_NEEDS_ESCAPE = re.compile(r"[\\\n\r\t]").search  # translate() is slow on long non-ASCII text: only when needed


def _cell(value: Any) -> str:
    kind = type(value)
    if kind is str:
        return value.translate(_ESCAPES) if _NEEDS_ESCAPE(value) else value
    if value is None:
        return "\\N"
    if kind is bool:
        return "t" if value else "f"
    if kind is int:
        return str(value)
    if kind is date or kind is datetime:
        if kind is datetime and value.tzinfo is None:
            raise ValueError("naive datetime in a bulk row")
        return value.isoformat()
    text = str(value)
    return text.translate(_ESCAPES) if _NEEDS_ESCAPE(text) else text


def encode_rows(rows: Sequence[tuple]) -> CopyText:
    """Tuples to COPY text, without a database connection: workers format, the writer only streams bytes.

    Moving this out of the process that talks to PostgreSQL matters on a
    small machine: psycopg's ``write_row`` costs that process several
    microseconds a row, and pickling tuples between processes costs more.
    """
    text = "".join(["\t".join(map(_cell, row)) + "\n" for row in rows])
    return CopyText(text.encode(), len(rows))


def bulk_insert_new(table: Table, rows: Sequence[tuple]) -> None:
    """Insert ``rows`` that do not break a unique constraint, skip those that do (``ON CONFLICT DO NOTHING``).

    What ``bulk_create(ignore_conflicts=True)`` does, without a model
    instance per row: for derived rows such as candidate-duplicate pairs,
    where a rerun must not add a row twice. On PostgreSQL one statement reads
    the columns as arrays (``unnest``; COPY cannot skip conflicts); SQLite
    (3.24+) takes the same clause row by row.
    """
    if not rows:
        return
    if connection.vendor != "postgresql":
        _executemany(table, rows, suffix=" ON CONFLICT DO NOTHING")
        return
    cols = ", ".join(f'"{c}"' for c in table.columns)
    arrays = ", ".join(f"%s::{db_type}[]" for db_type in table.db_types())
    sql = f'INSERT INTO "{table.name}" ({cols}) SELECT * FROM unnest({arrays}) ON CONFLICT DO NOTHING'  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(column) for column in zip(*rows, strict=True)])


def _executemany(table: Table, rows: Sequence[tuple], *, suffix: str = "") -> None:
    cols = ", ".join(f'"{c}"' for c in table.columns)
    marks = ", ".join(["%s"] * len(table.columns))
    sql = f'INSERT INTO "{table.name}" ({cols}) VALUES ({marks}){suffix}'  # noqa: S608 - names from model meta
    if connection.vendor != "postgresql":
        rows = [tuple(_portable(v) for v in row) for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _portable(value: Any) -> Any:
    # What Django's SQLite backend stores: naive UTC datetimes and ISO dates as text.
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = value.astimezone(timezone.UTC).replace(tzinfo=None)
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return value


def reserve_ids(model: type[models.Model], n: int) -> list[int]:
    """``n`` fresh primary keys of ``model``'s table, safe against concurrent writers.

    PostgreSQL: taken from the table's sequence in one query (what an INSERT
    would have drawn; not necessarily contiguous). SQLite: the caller's
    transaction holds the write lock (``transaction_mode = IMMEDIATE``), so the
    ids after the highest one ever used are free; inserting them moves
    AUTOINCREMENT's counter past them.
    """
    if n <= 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [f'"{table}"', n]
            )
            return [r[0] for r in cursor.fetchall()]
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')  # noqa: S608 - table from model meta
        top = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        seq = cursor.fetchone()
        first = max(top, seq[0] if seq else 0) + 1
        return list(range(first, first + n))

"""Raw-SQL tampering, the way someone with database access would do it (bypassing the ORM's rules)."""

from __future__ import annotations

import json
from typing import Any

from django.db import connection

from dsip.audit.models import AuditEntry
from dsip.audit.services import audit_record

TABLE = AuditEntry._meta.db_table


def write_entries(count: int, **kwargs: Any) -> list[AuditEntry]:
    return [
        audit_record(action="person.edit", object_type="person", object_id=i,
                     division_code=kwargs.get("division_code", "420106"),
                     changes={"field": "phone", "to": "138****0000", "n": i}, reason="test")
        for i in range(1, count + 1)
    ]


def raw_update(seq: int, column: str, value: Any) -> None:
    placeholder = "%s"
    if column == "changes":
        value = json.dumps(value)
        if connection.vendor == "postgresql":
            placeholder = "CAST(%s AS jsonb)"
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET {column} = {placeholder} WHERE seq = %s", [value, seq])  # noqa: S608


def raw_delete(seq: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE seq = %s", [seq])  # noqa: S608


def raw_swap_seq(a: int, b: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET seq = -1 WHERE seq = %s", [a])  # noqa: S608
        cursor.execute(f"UPDATE {TABLE} SET seq = %s WHERE seq = %s", [a, b])  # noqa: S608
        cursor.execute(f"UPDATE {TABLE} SET seq = %s WHERE seq = -1", [b])  # noqa: S608

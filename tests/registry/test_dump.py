"""A database dump must not contain any plain ID number (nor phone, address or certificate number)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection

from dsip.registry.choices import PersonStatus
from dsip.registry.services import person_register, person_reveal, person_set_status, person_update
from tests.registry.factories import make_id_number, person_data

pytestmark = pytest.mark.django_db(transaction=True)


def _dump() -> str:
    """Every row of every table as text (SELECT * over the introspected tables; works on SQLite and PostgreSQL)."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - introspected names
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        value = bytes(value).decode("utf-8", "replace")
                    parts.append(str(value))
    return "\n".join(parts)


def test_dump_contains_no_plain_sensitive_values(wuchang, wuchang_clerk, wuchang_reviewer):
    secrets = []
    for i in range(5):
        id_number = make_id_number(county="420106", birth=date(1960 + i, 2, 3), sex="F" if i % 2 else "M")
        data = person_data(division="420106", id_number=id_number, phone=f"1370000{i:04d}",
                           address=f"湖北省武汉市武昌区秘密路{i}号院", guardian_name="监护人",
                           guardian_phone=f"1360000{i:04d}")
        person = person_register(actor=wuchang_clerk, data=data)
        secrets += [id_number, data["certificate_number"], data["phone"], data["guardian_phone"], f"秘密路{i}号院"]
        new_phone = f"1350000{i:04d}"
        person_update(actor=wuchang_clerk, person_id=person.pk, expected_version=1, data={"phone": new_phone})
        secrets.append(new_phone)
        person_reveal(actor=wuchang_reviewer, person_id=person.pk, field="id_number", reason="核对")
        person_set_status(actor=wuchang_clerk, person_id=person.pk, status=PersonStatus.MOVED_OUT,
                          effective_date=date(2025, 1, 1), source="公安")

    dump = _dump()

    assert "4201" in dump  # the dump really holds the masked registry rows
    leaked = [s for s in secrets if s in dump]
    assert leaked == []
    # The ID without its check character, and the birth-date-bearing middle, must not appear either.
    assert not any(s[:17] in dump for s in secrets if len(s) == 18)

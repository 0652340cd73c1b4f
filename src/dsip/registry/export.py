"""Person lists as XLSX, streamed so that a 500k-row export does not exhaust memory.

openpyxl's write-only workbook writes each row to a temporary file as it is
appended (only the shared-string table stays in memory); the finished
workbook is then sent in 64 KiB chunks from a temporary file that is removed
when the response closes. Rows are read with ``QuerySet.iterator`` (a
server-side cursor on PostgreSQL). By default only masked columns are read, so
an export decrypts nothing; an unmasked export (a role that may reveal, with a
reason) reads the sealed columns instead and opens them batch by batch inside
the streaming loop, so clear values never pile up in memory.

Every export is audited as ``person.exported`` with the filters (ID and
certificate numbers masked), the row count, ``masked`` and, for an unmasked
one, the reason, before the first byte leaves.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from itertools import batched
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from dsip.accounts.roles import Action, may
from dsip.audit.services import audit_record
from dsip.core.crypto import field_cipher
from dsip.core.errors import DomainError, ErrorCode, FieldError
from dsip.core.masking import mask_id_number
from dsip.core.xlsx import header_sheet
from dsip.regions.models import Division
from dsip.registry import selectors
from dsip.registry.choices import (
    DisabilityCategory,
    DisabilityLevel,
    HouseholdType,
    PersonStatus,
    Sex,
)
from dsip.registry.services._records import sealed_context

CHUNK_ROWS = 2000
CHUNK_BYTES = 64 * 1024
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# (column read from Person, Chinese header). Only masked or non-sensitive columns.
COLUMNS: list[tuple[str, str]] = [
    ("id_number_mask", "身份证号（脱敏）"),
    ("name", "姓名"),
    ("sex", "性别"),
    ("birth_date", "出生日期"),
    ("age", "年龄"),
    ("division_code", "户籍地区划代码"),
    ("division_name", "户籍地"),
    ("household_type", "户口性质"),
    ("category", "残疾类别"),
    ("level", "残疾等级"),
    ("status", "状态"),
    ("phone_mask", "联系电话（脱敏）"),
    ("address_mask", "居住地址（脱敏）"),
]
HEADERS = [header for _field, header in COLUMNS]
_READ = ("id_number_mask", "name", "sex", "birth_date", "division_code", "household_type", "category", "level",
         "status", "phone_mask", "address_mask")
# Unmasked export: the masked column → (plain field, sealed column it is read from, Chinese header).
UNMASKED: dict[str, tuple[str, str, str]] = {
    "id_number_mask": ("id_number", "id_number_enc", "身份证号"),
    "phone_mask": ("phone", "phone_enc", "联系电话"),
    "address_mask": ("address", "address_enc", "居住地址"),
}
UNMASKED_HEADERS = [UNMASKED[name][2] if name in UNMASKED else header for name, header in COLUMNS]
MIN_REASON = 4
_CJK = re.compile(r"[\u4e00-\u9fff]")


def chinese_label(label: Any) -> str:
    """The Chinese label whatever the active language ("Male" → "男"; "汉族 Han" → "汉族")."""
    with translation.override("zh-hans"):
        text = str(label)
    words = text.split(" ")
    chinese = [w for w in words if _CJK.search(w)]
    return " ".join(chinese) if chinese else text


def _choice_map(choices: Any) -> dict[str, str]:
    return {value: chinese_label(label) for value, label in choices.choices}


def _age(birth: date | None, today: date) -> int | None:
    if birth is None:
        return None
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def audit_filters(filters: Mapping[str, Any]) -> dict[str, Any]:
    """Filters as they go into the audit log: an ID or certificate number searched for is masked."""
    out = {}
    for key, value in filters.items():
        if key in ("id_number", "certificate_number"):
            value = mask_id_number(str(value))
        out[key] = value if isinstance(value, (str, int, float, bool)) or value is None else str(value)
    return out


def export_rows(queryset: Any, *, unmasked: bool = False) -> Iterator[list[Any]]:
    """Rows in COLUMNS order, masked unless ``unmasked``; division names looked up once per batch of codes."""
    today = timezone.localdate()
    read = tuple(UNMASKED[name][1] if unmasked and name in UNMASKED else name for name in _READ)
    cipher = field_cipher() if unmasked else None
    maps = {
        "sex": _choice_map(Sex), "household_type": _choice_map(HouseholdType), "category": _choice_map(DisabilityCategory),
        "level": _choice_map(DisabilityLevel), "status": _choice_map(PersonStatus),
    }
    names: dict[str, str] = {}
    values = queryset.values_list(*read).iterator(chunk_size=CHUNK_ROWS)
    for batch in batched(values, CHUNK_ROWS):
        missing = {row[4] for row in batch} - names.keys()
        if missing:
            found = dict(Division.objects.filter(code__in=missing).values_list("code", "name"))
            names.update({code: found.get(code, "") for code in missing})
        for row in batch:
            record = dict(zip(_READ, row, strict=True))
            if cipher is not None:
                # Same associated data as the services seal with; the cell keeps the masked column's slot.
                for name, (field, _enc, _header) in UNMASKED.items():
                    record[name] = cipher.open(record[name], context=sealed_context(field))
            for key, mapping in maps.items():
                record[key] = mapping.get(record[key], record[key])
            record["age"] = _age(record["birth_date"], today)
            record["division_name"] = names.get(record["division_code"], "")
            yield [record[name] for name, _header in COLUMNS]


def xlsx_chunks(rows: Iterable[list[Any]], *, headers: list[str], title: str = "残疾人名单") -> Iterator[bytes]:
    """Build a write-only workbook in a temporary file, then yield it in chunks; the file goes away at the end."""
    with tempfile.TemporaryFile(prefix="dsip-export-") as fh:
        wb = Workbook(write_only=True)
        ws = header_sheet(wb, title=title, headers=headers)
        for row in rows:
            ws.append(row)
        wb.save(fh)
        fh.seek(0)
        while chunk := fh.read(CHUNK_BYTES):
            yield chunk


def person_export(*, actor: Any, filters: Mapping[str, Any], unmasked: bool = False,
                  reason: str = "") -> tuple[int, Iterator[bytes]]:
    """Audit the export of the actor's filtered person list and return (row count, XLSX byte chunks).

    Masked by default. ``unmasked`` puts the ID number, phone and address in clear: only for a role
    that may reveal (``person.reveal``), and only with a reason, which goes into the audit entry.
    """
    if not may(actor, Action.PERSON_EXPORT) or (unmasked and not may(actor, Action.PERSON_REVEAL)):
        raise DomainError(code=ErrorCode.FORBIDDEN, status=403)
    reason = (reason or "").strip()
    if unmasked and len(reason) < MIN_REASON:
        raise DomainError(code=ErrorCode.INVALID, errors=[
            FieldError("reason", "required", _("Give a reason of at least %(min)s characters.") % {"min": MIN_REASON}),
        ])
    queryset = selectors.person_list(user=actor, filters=dict(filters))
    count = queryset.count()
    audit_record(
        action="person.exported", object_type="person", division_code=getattr(actor, "scope_code", "") or "",
        changes={"filters": audit_filters(filters), "rows": count, "masked": not unmasked, "format": "xlsx"},
        reason=reason[:200] if unmasked else "", actor=actor,
    )
    headers = UNMASKED_HEADERS if unmasked else HEADERS
    return count, xlsx_chunks(export_rows(queryset, unmasked=unmasked), headers=headers)

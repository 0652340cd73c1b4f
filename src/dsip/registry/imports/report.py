"""The error report of an import: one XLSX row per problem, with line number, column and reason.

Written with openpyxl's write-only mode so a report of many thousand rows streams
to disk. It names the row by line number and the person's name only; no ID,
phone or certificate numbers are copied into it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _


@dataclass
class ReportLine:
    line: int
    column: str  # the header as in the file (Chinese)
    field: str
    code: str
    reason: str
    name: str


def write_report(path: Path, *, batch: Any, lines: Iterable[ReportLine]) -> Path:
    from openpyxl import Workbook

    from dsip.core.xlsx import header_sheet

    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook(write_only=True)
    errors = header_sheet(wb, title="错误 Errors",
                          headers=["行号 Line", "列 Column", "字段 Field", "代码 Code", "原因 Reason", "姓名 Name"],
                          widths=(10, 18, 20, 18, 70, 14))
    count = 0
    for item in lines:
        errors.append([item.line or "", item.column, item.field, item.code, item.reason, item.name])
        count += 1
    summary = wb.create_sheet("摘要 Summary")
    summary.append([_("File"), batch.file_name])
    summary.append([_("File SHA-256"), batch.file_hash])
    summary.append([_("Problems listed"), count])
    summary.append([_("Written at"), timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")])
    summary.append([_("Line numbers are the row numbers your spreadsheet shows; the header row is line 1.")])
    wb.save(path)
    return path

"""Helpers for the division tests: writing statistical lists in the formats provinces send."""

from __future__ import annotations

from pathlib import Path

import pytest

HEADER = ["统计用区划代码", "名称", "城乡分类代码"]

# A tiny but realistic slice of the 2023 statistical list for 武昌区.
GOOD_ROWS = [
    ["420106000000", "武昌区", ""],
    ["420106001000", "积玉桥街道", ""],
    ["420106001001", "和平社区", "111"],
    ["420106001002", "临江社区", "111"],
    ["420106002000", "杨园街道", ""],
    ["420106002001", "铁机村社区", "112"],
]


def write_csv(path: Path, rows: list[list[str]], *, encoding: str = "utf-8", header: list[str] | None = HEADER,
              sep: str = ",") -> Path:
    lines = ([sep.join(header)] if header else []) + [sep.join(r) for r in rows]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list[object]], header: list[str] | None = HEADER) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    if header:
        ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


@pytest.fixture
def wuhan_counties(wuchang, hongshan):
    """湖北 › 武汉 › 武昌, 洪山 (from tests/conftest.py), enough parents for the import tests."""
    return wuchang, hongshan

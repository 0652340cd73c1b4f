"""Helpers for import tests: valid ID numbers in Wuchang and files in the template's shape."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from dsip.registry.validation import check_char

HEADERS = ["姓名", "公民身份号码", "性别", "户籍地区划代码", "户口性质", "残疾人证号", "残疾类别", "残疾等级", "联系电话"]


def make_id(n: int, *, county: str = "420106", birth: str = "19800101", male: bool = True) -> str:
    seq = (n * 2 + (1 if male else 0)) % 1000
    first17 = f"{county}{birth}{seq:03d}"
    return first17 + check_char(first17)


def good_row(n: int, **over: Any) -> dict[str, Any]:
    male = n % 2 == 0
    idn = make_id(n, male=male)
    row = {"姓名": f"张{'伟' if male else '芳'}{'一二三四五六七八九十'[n % 10]}", "公民身份号码": idn,
           "性别": "男" if male else "女", "户籍地区划代码": "420106", "户口性质": "非农业",
           "残疾人证号": idn + "42", "残疾类别": "4", "残疾等级": "2", "联系电话": f"138{n:08d}"}
    row.update(over)
    return row


def write_csv(path: Path, rows: list[dict[str, Any]], *, encoding: str = "utf-8",
              headers: list[str] | None = None) -> Path:
    headers = headers or HEADERS
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers)
        for row in rows:
            writer.writerow([row.get(h, "") for h in headers])
    return path


def write_xlsx(path: Path, rows: list[list[Any]], *, headers: list[str] | None = None) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(headers or HEADERS)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


@pytest.fixture
def wuchang_county(wuchang, wuchang_township):
    return wuchang

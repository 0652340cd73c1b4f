"""Reading files: encodings, headers, empty rows, Excel numbers, merged cells and formulas."""

from __future__ import annotations

import datetime

import pytest

from dsip.registry.imports.reader import ImportFileError, read_rows
from tests.registry.imports.conftest import HEADERS, good_row, write_csv, write_xlsx


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_csv_reads_in_every_accepted_encoding(tmp_path, encoding):
    path = write_csv(tmp_path / "p.csv", [good_row(1)], encoding=encoding)
    rows = list(read_rows(path))
    assert [r.line for r in rows] == [2]
    assert rows[0].values["name"] == good_row(1)["姓名"]
    assert rows[0].values["household_type"] == "N"  # the template value, mapped to its code


def test_gbk_file_labelled_utf8_still_reads(tmp_path):
    path = write_csv(tmp_path / "utf8-label.csv", [good_row(1)], encoding="gbk")
    rows = list(read_rows(path, file_name="persons-utf8.csv"))
    assert rows[0].values["name"].startswith("张")


def test_bad_bytes_late_in_a_utf8_file_name_the_line(tmp_path):
    path = tmp_path / "mixed.csv"
    write_csv(path, [good_row(i) for i in range(5000)], encoding="utf-8")
    with open(path, "ab") as fh:
        fh.write("王五,1,男,420106,农业,,,,\n".encode("gbk"))
    with pytest.raises(ImportFileError) as exc:
        list(read_rows(path))
    assert exc.value.code == "encoding"
    assert exc.value.line == 5002


def test_wrong_columns_list_the_expected_headers(tmp_path):
    path = write_csv(tmp_path / "wrong.csv", [{"名字": "张三"}], headers=["名字", "身份证", "地址"])
    with pytest.raises(ImportFileError) as exc:
        list(read_rows(path))
    message = exc.value.message
    assert exc.value.code == "columns" and exc.value.line == 1
    assert "名字" in message and "身份证" in message  # the unknown ones
    assert "公民身份号码*" in message and "户口性质*" in message  # what we expected


def test_empty_rows_are_skipped_but_counted(tmp_path):
    path = tmp_path / "gaps.csv"
    path.write_text(",".join(HEADERS) + "\n\n,,,,,,,,\n" + ",".join(good_row(1).values()) + "\n", encoding="utf-8")
    rows = list(read_rows(path))
    assert [r.line for r in rows] == [4]


def test_xlsx_merged_cells_formulas_and_long_numbers(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    a, b = good_row(1), good_row(2)
    ws.append(list(a.values()))
    ws.append(list(b.values()))
    ws["D2"] = "420106"
    ws.merge_cells("D2:D3")  # the division merged over two rows
    ws["H2"] = "=1+1"  # a formula openpyxl never calculated: no cached value
    ws["B3"] = 42010619800101123  # an ID typed as a number: Excel lost digits
    ws["I3"] = 13800000002  # a phone as a whole number is fine
    wb.save(tmp_path / "p.xlsx")
    rows = list(read_rows(tmp_path / "p.xlsx"))
    assert [r.line for r in rows] == [2, 3]
    assert rows[1].values["division_code"] == "420106"  # merged value applies to the covered cell
    assert rows[0].values["level"] == ""  # uncalculated formula reads as empty
    assert rows[1].problems and rows[1].problems[0][:2] == ("id_number", "excel_number")
    assert rows[1].values["phone"] == "13800000002"


def test_xlsx_dates_and_whole_numbers(tmp_path):
    headers = HEADERS + ["发证日期"]
    row = list(good_row(1).values()) + [datetime.date(2020, 5, 1)]
    row[6] = 4.0
    rows = list(read_rows(write_xlsx(tmp_path / "d.xlsx", [row], headers=headers)))
    assert rows[0].values["issue_date"] == datetime.date(2020, 5, 1)
    assert rows[0].values["category"] == "4"


def test_too_many_rows_is_refused_with_the_line(tmp_path, monkeypatch):
    from dsip.registry.imports import reader

    monkeypatch.setattr(reader, "MAX_ROWS", 3)
    path = write_csv(tmp_path / "big.csv", [good_row(i) for i in range(10)])
    with pytest.raises(ImportFileError) as exc:
        list(read_rows(path))
    assert exc.value.code == "too_many_rows" and exc.value.line == 5


def test_template_headers_read_back(tmp_path):
    from dsip.registry.imports.template import build_template

    path = build_template(tmp_path / "template.xlsx")
    assert list(read_rows(path)) == []  # every template header is recognised; no example row to import

"""Importing the official township/village list: formats, row-by-row errors, all-or-nothing."""

import pytest
from django.core.management import CommandError, call_command

from dsip.audit.models import AuditEntry, Outcome
from dsip.core.errors import DomainError
from dsip.regions.models import Division, Level
from dsip.regions.services import divisions_import
from tests.regions.conftest import GOOD_ROWS, write_csv, write_xlsx

pytestmark = pytest.mark.usefixtures("wuhan_counties")


def imported_codes():
    return set(Division.objects.filter(level__gte=Level.TOWNSHIP).values_list("code", flat=True))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_each_encoding_imports_townships_and_villages(tmp_path, encoding):
    path = write_csv(tmp_path / "list.csv", GOOD_ROWS, encoding=encoding)

    report = divisions_import(path=path)

    assert report.ok and report.written
    assert (report.created, report.skipped_existing) == (5, 1)
    assert imported_codes() == {"420106001", "420106001001", "420106001002", "420106002", "420106002001"}
    village = Division.objects.get(code="420106001001")
    assert (village.name, village.urban_rural, village.parent_id) == ("和平社区", "111", "420106001")


def test_gbk_file_given_as_utf8_gets_a_clear_error(tmp_path, english):
    path = write_csv(tmp_path / "gbk.csv", GOOD_ROWS, encoding="gbk")

    with pytest.raises(DomainError) as exc:
        divisions_import(path=path, encoding="utf-8")

    assert "not valid UTF-8" in str(exc.value.message) and "GB18030" in str(exc.value.message)
    assert imported_codes() == set()


def test_xlsx_with_numeric_codes_and_a_title_row(tmp_path):
    rows = [[int(code), name, int(klass) if klass else None] for code, name, klass in GOOD_ROWS]
    path = write_xlsx(tmp_path / "list.xlsx", [["2023年统计用区划代码", None, None], ["统计用区划代码", "名称", "城乡分类代码"], *rows],
                      header=None)

    report = divisions_import(path=path)

    assert report.ok, report.problems
    assert report.created == 5
    assert Division.objects.get(code="420106002001").urban_rural == "112"


def test_english_headers_and_tab_separated(tmp_path):
    path = write_csv(tmp_path / "list.tsv", GOOD_ROWS, header=["code", "name", "urban_rural"], sep="\t")

    assert divisions_import(path=path).created == 5


BAD_ROWS = GOOD_ROWS + [
    ["42010600100", "短代码", "111"],  # line 8: 11 digits
    ["420106000001", "中间为零", "111"],  # line 9: zero township part
    ["420199000000", "不存在的县", ""],  # line 10: county not in the base list
    ["420106099001", "无父级社区", "111"],  # line 11: township 420106099 is nowhere
    ["420106001001", "重复社区", "111"],  # line 12: duplicate of line 4
    ["420106001003", "坏分类社区", "999"],  # line 13: urban-rural class
    ["420106001004", "", "111"],  # line 14: no name
]


def test_every_bad_row_is_reported_with_line_field_and_reason_and_nothing_is_written(tmp_path, english):
    path = write_csv(tmp_path / "bad.csv", BAD_ROWS)

    report = divisions_import(path=path)

    assert not report.written
    found = {(p.line, p.field, p.code) for p in report.problems}
    assert found == {
        (8, "code", "malformed_code"),
        (9, "code", "malformed_code"),
        (10, "code", "wrong_level"),
        (11, "code", "unknown_parent"),
        (12, "code", "duplicate_code"),
        (13, "urban_rural", "bad_urban_rural"),
        (14, "name", "missing_name"),
    }
    duplicate = next(p for p in report.problems if p.code == "duplicate_code")
    assert "line 4" in duplicate.message
    assert report.invalid_rows == 7
    assert imported_codes() == set()
    entry = AuditEntry.objects.get(action="regions.import")
    assert entry.outcome == Outcome.FAILURE and entry.changes["invalid_rows"] == 7


def test_skip_invalid_writes_only_the_good_rows(tmp_path):
    path = write_csv(tmp_path / "bad.csv", BAD_ROWS)

    report = divisions_import(path=path, skip_invalid=True)

    assert report.written and report.invalid_rows == 7
    assert imported_codes() == {"420106001", "420106001001", "420106001002", "420106002", "420106002001"}
    assert Division.objects.get(code="420106001001").name == "和平社区"  # not the duplicate's name
    entry = AuditEntry.objects.get(action="regions.import")
    assert entry.outcome == Outcome.SUCCESS and entry.changes["created"] == 5


def test_village_whose_township_row_was_bad_is_unknown_parent(tmp_path):
    rows = [["420106003000", "", ""], ["420106003001", "孤儿社区", "111"]]
    report = divisions_import(path=write_csv(tmp_path / "x.csv", rows), skip_invalid=True)

    assert {(p.line, p.code) for p in report.problems} == {(2, "missing_name"), (3, "unknown_parent")}
    assert imported_codes() == set()


def test_dry_run_counts_but_writes_nothing(tmp_path):
    report = divisions_import(path=write_csv(tmp_path / "list.csv", GOOD_ROWS), dry_run=True)

    assert report.created == 5 and not report.written
    assert imported_codes() == set()
    assert not AuditEntry.objects.filter(action="regions.import").exists()


def test_reimport_updates_names_and_is_otherwise_idempotent(tmp_path):
    divisions_import(path=write_csv(tmp_path / "a.csv", GOOD_ROWS))
    renamed = [r if r[0] != "420106001001" else [r[0], "和平里社区", "112"] for r in GOOD_ROWS]

    report = divisions_import(path=write_csv(tmp_path / "b.csv", renamed))

    assert (report.created, report.updated, report.unchanged) == (0, 1, 4)
    assert Division.objects.get(code="420106001001").name == "和平里社区"


def test_statistical_zone_counties_are_added(tmp_path):
    rows = [["420171000000", "武汉经济技术开发区", ""], ["420171001000", "示例街道", ""]]

    report = divisions_import(path=write_csv(tmp_path / "zone.csv", rows))

    assert report.ok and report.created == 2
    assert Division.objects.get(code="420171").level == Level.COUNTY


def test_missing_header_is_a_clear_error(tmp_path):
    with pytest.raises(DomainError) as exc:
        divisions_import(path=write_csv(tmp_path / "nohead.csv", GOOD_ROWS, header=None))
    assert "统计用区划代码" in str(exc.value.message)


def test_command_prints_the_problem_table_and_exits_1(tmp_path, capsys):
    path = write_csv(tmp_path / "bad.csv", BAD_ROWS)

    with pytest.raises(CommandError) as exc:
        call_command("regions", "import", str(path))

    out = capsys.readouterr().out
    assert exc.value.returncode == 1
    assert "unknown_parent" in out and "      11" in out
    assert "NOTHING written" in out
    assert imported_codes() == set()


def test_command_imports_a_good_file(tmp_path, capsys):
    call_command("regions", "import", str(write_csv(tmp_path / "ok.csv", GOOD_ROWS)))

    assert "5 created" in capsys.readouterr().out
    assert AuditEntry.objects.get(action="regions.import").channel == "cli"


def test_xlsx_problems_carry_the_excel_row_number(tmp_path):
    rows = [["420106001000", "积玉桥街道", None], ["420106001001", "和平社区", "999"]]
    path = write_xlsx(tmp_path / "bad.xlsx", rows)

    report = divisions_import(path=path)

    assert [(p.line, p.code) for p in report.problems] == [(3, "bad_urban_rural")]
    assert imported_codes() == set()

"""The XLSX worker process: rows streamed from a child, errors, limits, and no child left behind."""

from __future__ import annotations

import io
import pickle
import zipfile

import pytest

from dsip.registry.imports import reader
from dsip.registry.imports.reader import ImportFileError, read_rows
from tests.registry.imports.conftest import good_row, write_xlsx


def test_xlsx_rows_come_from_a_child_process_with_empty_rows_counted(tmp_path, monkeypatch):
    started = []
    real_popen = reader.subprocess.Popen

    def spy(*args, **kwargs):
        started.append(real_popen(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(reader.subprocess, "Popen", spy)
    blank = [""] * len(good_row(1))
    path = write_xlsx(tmp_path / "gaps.xlsx", [list(good_row(1).values()), blank, list(good_row(2).values())])
    source = io.BytesIO(path.read_bytes())
    rows = list(read_rows(source, file_name="gaps.xlsx"))
    assert [r.line for r in rows] == [2, 4]  # the blank row 3 is skipped but counted
    assert rows[1].values["name"] == good_row(2)["姓名"]
    assert len(started) == 1 and started[0].returncode == 0  # the child finished and was reaped
    assert source.closed  # the plain bytes are dropped once the child has them


def test_xlsx_too_many_rows_is_refused_by_the_worker(tmp_path, monkeypatch):
    monkeypatch.setattr(reader, "MAX_ROWS", 3)
    path = write_xlsx(tmp_path / "big.xlsx", [list(good_row(i).values()) for i in range(10)])
    with pytest.raises(ImportFileError) as exc:
        list(read_rows(path))
    assert exc.value.code == "too_many_rows" and exc.value.line == 5
    assert "3" in exc.value.message


def test_a_zip_that_is_no_workbook_is_a_file_error(tmp_path):
    path = tmp_path / "not-a-workbook.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "not a spreadsheet")
    with pytest.raises(ImportFileError) as exc:
        list(read_rows(path))
    assert exc.value.code == "xlsx"


def test_stopping_early_kills_the_child(tmp_path, monkeypatch):
    started = []
    real_popen = reader.subprocess.Popen

    def spy(*args, **kwargs):
        started.append(real_popen(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(reader.subprocess, "Popen", spy)
    monkeypatch.setattr(reader, "MAX_ROWS", 100_000)
    path = write_xlsx(tmp_path / "many.xlsx", [list(good_row(i).values()) for i in range(3000)])
    rows = read_rows(path)
    assert next(rows).line == 2
    rows.close()
    assert started and started[0].returncode is not None  # killed or finished, and reaped either way


def test_rows_of_many_messages_arrive_intact(tmp_path, monkeypatch):
    from dsip.registry.imports import xlsx_worker

    monkeypatch.setattr(reader, "MAX_ROWS", 100_000)
    count = 2 * xlsx_worker.CHUNK + 500
    path = write_xlsx(tmp_path / "many.xlsx", [list(good_row(i).values()) for i in range(count)])
    rows = list(read_rows(path))
    assert [r.line for r in rows] == list(range(2, count + 2))
    assert [r.values["id_number"] for r in rows] == [good_row(i)["公民身份号码"] for i in range(count)]
    assert [r.values["name"] for r in rows] == [good_row(i)["姓名"] for i in range(count)]


def test_a_crashed_child_fails_the_read(tmp_path, monkeypatch):
    crashing = tmp_path / "crash.py"
    crashing.write_text("import sys\nsys.exit(3)\n")
    monkeypatch.setattr(reader, "WORKER", crashing)
    path = write_xlsx(tmp_path / "p.xlsx", [list(good_row(1).values())])
    with pytest.raises(RuntimeError, match="exit status 3"):
        list(read_rows(path))


def test_the_parent_unpickles_only_cell_types():
    payload = pickle.dumps(("rows", [(1, [ImportFileError("x", "y")])]))
    with pytest.raises(pickle.UnpicklingError):
        reader._WorkerUnpickler(io.BytesIO(payload)).load()


def test_one_child_parses_the_sheet_once_for_both_passes(tmp_path, monkeypatch):
    from dsip.registry.imports.reader import PersonFile

    started = []
    real_popen = reader.subprocess.Popen

    def spy(*args, **kwargs):
        started.append(real_popen(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(reader.subprocess, "Popen", spy)
    path = write_xlsx(tmp_path / "p.xlsx", [list(good_row(i).values()) for i in range(5)])
    with PersonFile(io.BytesIO(path.read_bytes()), file_name="p.xlsx") as person_file:
        first = [(r.line, r.values) for r in person_file.rows()]
        second = [(r.line, r.values) for r in person_file.rows()]
        assert started[0].returncode is None  # still serving, between the passes
    assert first == second and [line for line, _v in first] == [2, 3, 4, 5, 6]
    assert len(started) == 1 and started[0].returncode == 0  # one child, ended cleanly on close


def test_a_reading_stopped_half_way_cannot_be_followed_by_another(tmp_path, monkeypatch):
    from dsip.registry.imports.reader import PersonFile

    monkeypatch.setattr(reader, "MAX_ROWS", 100_000)
    path = write_xlsx(tmp_path / "many.xlsx", [list(good_row(i).values()) for i in range(3000)])
    with PersonFile(path) as person_file:
        rows = person_file.rows()
        next(rows)
        with pytest.raises(RuntimeError, match="unfinished"):
            next(person_file.rows())

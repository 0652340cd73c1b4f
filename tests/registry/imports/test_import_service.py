"""Importing a file: all rows or none, row-numbered report, idempotent batches, crash and rerun."""

from __future__ import annotations

import pytest
from python_calamine import CalamineWorkbook

from dsip.audit.models import AuditEntry
from dsip.core.models import Job, OutboxEvent
from dsip.registry.imports import services
from dsip.registry.imports.services import import_batch_create, import_batch_run
from dsip.registry.models import Certificate, ImportedRow, ImportStatus, Person, PersonVersion
from dsip.registry.services._records import id_blind_index
from tests.registry.imports.conftest import good_row, make_id, write_csv, write_xlsx


def run(user, path, **kw):
    batch, needs_run = import_batch_create(actor=user, path=path, file_name=path.name, **kw)
    if needs_run:
        batch = import_batch_run(batch_id=batch.pk)
    return batch


def report_rows(batch):
    sheet = CalamineWorkbook.from_path(batch.report_path).get_sheet_by_index(0)
    return sheet.to_python()[1:]


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_import_creates_persons_with_history_and_outbox(tmp_path, wuchang_county, wuchang_clerk, encoding):
    path = write_csv(tmp_path / "p.csv", [good_row(i) for i in range(5)], encoding=encoding)
    batch = run(wuchang_clerk, path)
    assert batch.status == ImportStatus.DONE, batch.message
    assert batch.created_persons == 5 and Person.objects.count() == 5
    person = Person.objects.get(id_number_bidx=id_blind_index(make_id(3, male=False)))
    assert person.division_code == "420106" and person.category == "4"
    assert Certificate.objects.filter(person=person, is_current=True).count() == 1
    version = PersonVersion.objects.get(person=person)
    assert version.source == "import" and version.snapshot["id_number"].startswith("4201")
    assert OutboxEvent.objects.filter(topic="person.registered", aggregate_id=str(person.pk)).exists()
    assert AuditEntry.objects.filter(action="person.imported", object_id=str(batch.pk)).count() == 1
    assert Job.objects.get(pk=batch.job_id).status == "done"


@pytest.mark.django_db
def test_xlsx_import_with_messy_values(tmp_path, wuchang_county, wuchang_clerk):
    idn = make_id(7, male=False)
    messy = "\t" + idn[:6].translate(str.maketrans("0123456789", "０１２３４５６７８９")) + " " + idn[6:].lower() + " "
    rows = [list(good_row(1).values()), list(good_row(7, 公民身份号码=messy).values())]
    batch = run(wuchang_clerk, write_xlsx(tmp_path / "p.xlsx", rows))
    assert batch.status == ImportStatus.DONE, batch.message
    assert Person.objects.filter(id_number_bidx=id_blind_index(idn)).exists()


@pytest.mark.django_db
def test_bad_rows_are_reported_by_line_and_field_and_nothing_is_written(tmp_path, wuchang_county, wuchang_clerk):
    wrong_check = make_id(2)[:-1] + ("0" if make_id(2)[-1] != "0" else "1")
    rows = [
        good_row(0),
        good_row(1, 公民身份号码=wrong_check),  # line 3: check character
        good_row(2, 性别="女"),  # line 4: sex does not match the ID (male)
        good_row(3, 残疾人证号=make_id(9) + "42"),  # line 5: certificate of someone else
        good_row(4, 公民身份号码="420106198002300011"),  # line 6: 30 February
        good_row(5),
    ]
    batch = run(wuchang_clerk, write_csv(tmp_path / "bad.csv", rows))
    assert batch.status == ImportStatus.INVALID
    assert batch.invalid_rows == 4 and batch.valid_rows == 2
    assert Person.objects.count() == 0 and ImportedRow.objects.count() == 0
    found = {(int(r[0]), r[2], r[3]) for r in report_rows(batch)}
    assert (3, "id_number", "checksum") in found
    assert (4, "sex", "id_mismatch") in found
    assert (5, "certificate_number", "id_mismatch") in found
    assert any(line == 6 and field == "id_number" for line, field, _code in found)


@pytest.mark.django_db
def test_skip_invalid_imports_the_good_rows(tmp_path, wuchang_county, wuchang_clerk):
    rows = [good_row(0), good_row(1, 户口性质=""), good_row(2)]
    path = write_csv(tmp_path / "p.csv", rows)
    first = run(wuchang_clerk, path)
    assert first.status == ImportStatus.INVALID and Person.objects.count() == 0
    again = run(wuchang_clerk, path, skip_invalid=True)  # the same file, now importing the valid rows
    assert again.pk == first.pk
    assert again.status == ImportStatus.DONE and Person.objects.count() == 2
    assert [(int(r[0]), r[2]) for r in report_rows(again)] == [(3, "household_type")]


@pytest.mark.django_db
def test_same_file_twice_is_one_batch_and_no_duplicates(tmp_path, wuchang_county, wuchang_clerk):
    path = write_csv(tmp_path / "p.csv", [good_row(i) for i in range(3)])
    first = run(wuchang_clerk, path)
    copy = tmp_path / "renamed.csv"
    copy.write_bytes(path.read_bytes())
    batch, needs_run = import_batch_create(actor=wuchang_clerk, path=copy)
    assert batch.pk == first.pk and not needs_run
    assert Person.objects.count() == 3


@pytest.mark.django_db
def test_duplicates_within_the_file_and_against_the_registry(tmp_path, wuchang_county, wuchang_clerk):
    run(wuchang_clerk, write_csv(tmp_path / "a.csv", [good_row(0)]))
    batch = run(wuchang_clerk, write_csv(tmp_path / "b.csv", [good_row(0), good_row(1), good_row(1)]))
    found = {(int(r[0]), r[3]) for r in report_rows(batch)}
    assert found == {(2, "duplicate"), (4, "duplicate_in_file")}
    assert Person.objects.count() == 1


@pytest.mark.django_db
def test_crash_after_first_chunk_then_rerun_completes_without_duplicates(tmp_path, wuchang_county, wuchang_clerk,
                                                                         monkeypatch):
    monkeypatch.setattr(services, "APPLY_CHUNK", 2)
    path = write_csv(tmp_path / "p.csv", [good_row(i) for i in range(5)])
    real = services.apply_chunk
    calls = {"n": 0}

    def crashing(**kw):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("power cut")
        return real(**kw)

    monkeypatch.setattr(services, "apply_chunk", crashing)
    batch, _ = import_batch_create(actor=wuchang_clerk, path=path)
    with pytest.raises(RuntimeError):
        import_batch_run(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED
    assert Person.objects.count() == 2  # the first chunk, whole; nothing of the second

    monkeypatch.setattr(services, "apply_chunk", real)
    batch, needs_run = import_batch_create(actor=wuchang_clerk, path=path)
    assert needs_run
    batch = import_batch_run(batch_id=batch.pk)
    assert batch.status == ImportStatus.DONE
    assert Person.objects.count() == 5 and ImportedRow.objects.filter(batch=batch).count() == 5
    assert batch.created_persons == 5


@pytest.mark.django_db
def test_dry_run_writes_nothing(tmp_path, wuchang_county, wuchang_clerk):
    checked = run(wuchang_clerk, write_csv(tmp_path / "p.csv", [good_row(0), good_row(1, 姓名="")]), dry_run=True)
    assert checked.status == ImportStatus.INVALID and checked.dry_run
    assert (checked.valid_rows, checked.invalid_rows) == (1, 1)
    clean = run(wuchang_clerk, write_csv(tmp_path / "q.csv", [good_row(0)]), dry_run=True)
    assert clean.status == ImportStatus.DONE and clean.valid_rows == 1
    assert Person.objects.count() == 0 and OutboxEvent.objects.count() == 0


@pytest.mark.django_db
def test_rows_outside_the_clerks_county_are_refused(tmp_path, wuchang_county, hongshan, hongshan_clerk):
    batch = run(hongshan_clerk, write_csv(tmp_path / "p.csv", [good_row(0)]))
    assert batch.status == ImportStatus.INVALID
    assert [(int(r[0]), r[2], r[3]) for r in report_rows(batch)] == [(2, "division_code", "out_of_scope")]


@pytest.mark.django_db
def test_wrong_columns_give_a_file_error_not_a_crash(tmp_path, wuchang_county, wuchang_clerk):
    path = write_csv(tmp_path / "w.csv", [{"a": 1}], headers=["编号", "名字"])
    batch = run(wuchang_clerk, path)
    assert batch.status == ImportStatus.INVALID
    assert "公民身份号码" in batch.message and "编号" in batch.message
    assert report_rows(batch)[0][0] in (1, 1.0)


@pytest.mark.django_db
def test_analyst_may_not_import(tmp_path, wuchang_county, analyst):
    from dsip.core.errors import DomainError

    with pytest.raises(DomainError):
        import_batch_create(actor=analyst, path=write_csv(tmp_path / "p.csv", [good_row(0)]))

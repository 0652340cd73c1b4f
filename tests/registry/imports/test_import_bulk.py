"""The import's bulk path: what it writes equals what the registry services would, and uploads rest sealed."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dsip.core.crypto import DecryptionError
from dsip.core.models import OutboxEvent
from dsip.registry.imports import services, storage
from dsip.registry.imports.services import import_batch_create, import_batch_run
from dsip.registry.models import Certificate, Household, ImportStatus, Person, PersonVersion
from dsip.registry.services._records import masked_snapshot, person_plain
from dsip.registry.validation import DivisionCache, validate_person
from tests.registry.imports.conftest import good_row, make_id, write_csv


@pytest.mark.django_db
def test_imported_person_reads_back_like_a_registered_one(tmp_path, wuchang_county, wuchang_clerk):
    rows = [good_row(0, 低保="是"), good_row(1)]
    path = write_csv(tmp_path / "p.csv", rows, headers=[*rows[0].keys()])
    batch, _ = import_batch_create(actor=wuchang_clerk, path=path)
    batch = import_batch_run(batch_id=batch.pk)
    assert batch.status == ImportStatus.DONE, batch.message
    for person in Person.objects.all():
        plain = person_plain(person)
        assert plain["id_number"] in (make_id(0, male=True), make_id(1, male=False))  # sealed values open
        version = PersonVersion.objects.get(person=person)
        # The hand-built version 1 is exactly the registry's masked reading of the stored person.
        assert version.snapshot == masked_snapshot(plain)
        event = OutboxEvent.objects.get(topic="person.registered", aggregate_id=str(person.pk))
        assert event.payload["changes"] == version.changes and event.payload["batch_id"] == batch.pk
        assert "dibao" in version.changes and "phone" in version.changes
    with_household = Person.objects.get(household__isnull=False)
    assert Household.objects.get().dibao is True
    assert PersonVersion.objects.get(person=with_household).changes["household_id"] == [None, with_household.household_id]
    assert Certificate.objects.count() == 2


@pytest.mark.django_db
def test_new_rows_get_fresh_ids_after_existing_ones(tmp_path, wuchang_county, wuchang_clerk):
    first, _ = import_batch_create(actor=wuchang_clerk, path=write_csv(tmp_path / "a.csv", [good_row(0)]))
    import_batch_run(batch_id=first.pk)
    second, _ = import_batch_create(actor=wuchang_clerk, path=write_csv(tmp_path / "b.csv", [good_row(1), good_row(2)]))
    import_batch_run(batch_id=second.pk)
    assert Person.objects.count() == 3 and len(set(Person.objects.values_list("pk", flat=True))) == 3
    assert set(Certificate.objects.values_list("person_id", flat=True)) == set(Person.objects.values_list("pk", flat=True))


@pytest.mark.django_db
def test_stored_upload_is_sealed_and_removed_when_the_batch_is_done(tmp_path, wuchang_county, wuchang_clerk):
    idn = make_id(0, male=True)
    path = write_csv(tmp_path / "p.csv", [good_row(0)])
    batch, needs_run = import_batch_create(actor=wuchang_clerk, path=path)
    stored = storage.stored_path(batch.file_hash)
    assert needs_run and stored.exists()
    assert idn.encode() not in stored.read_bytes() and path.read_bytes() not in stored.read_bytes()
    assert storage.open_upload(stored, file_hash=batch.file_hash).getvalue() == path.read_bytes()
    batch = import_batch_run(batch_id=batch.pk)
    assert batch.status == ImportStatus.DONE
    assert not stored.exists() and not list(storage.imports_dir().glob(f"{batch.file_hash}*"))


@pytest.mark.django_db
def test_invalid_batch_drops_its_upload_and_a_rerun_stores_it_again(tmp_path, wuchang_county, wuchang_clerk):
    path = write_csv(tmp_path / "p.csv", [good_row(0), good_row(1, 姓名="")])
    batch, _ = import_batch_create(actor=wuchang_clerk, path=path)
    batch = import_batch_run(batch_id=batch.pk)
    assert batch.status == ImportStatus.INVALID and not storage.stored_path(batch.file_hash).exists()
    batch, needs_run = import_batch_create(actor=wuchang_clerk, path=path, skip_invalid=True)
    assert needs_run and storage.stored_path(batch.file_hash).exists()
    assert import_batch_run(batch_id=batch.pk).status == ImportStatus.DONE
    assert Person.objects.count() == 1


@pytest.mark.django_db
def test_failed_batch_keeps_its_sealed_upload_for_the_rerun(tmp_path, wuchang_county, wuchang_clerk, monkeypatch):
    def crashing(**kw):
        raise RuntimeError("power cut")

    monkeypatch.setattr(services, "apply_chunk", crashing)
    batch, _ = import_batch_create(actor=wuchang_clerk, path=write_csv(tmp_path / "p.csv", [good_row(0)]))
    with pytest.raises(RuntimeError):
        import_batch_run(batch_id=batch.pk)
    assert storage.stored_path(batch.file_hash).exists()


def test_tampered_or_truncated_upload_does_not_open(tmp_path, settings):
    settings.DATA_DIR = str(tmp_path)
    source = tmp_path / "in.csv"
    source.write_bytes(b"x" * (storage.BLOCK + 10))  # two blocks
    sealed = storage.seal_upload(source, file_hash="abc")
    data = sealed.read_bytes()
    cut = tmp_path / "cut.sealed"
    cut.write_bytes(data[: len(storage.MAGIC) + 4 + int.from_bytes(data[len(storage.MAGIC):len(storage.MAGIC) + 4], "big")])
    with pytest.raises(DecryptionError):
        storage.open_upload(cut, file_hash="abc")  # the first block alone is not marked last
    with pytest.raises(DecryptionError):
        storage.open_upload(sealed, file_hash="other")
    flipped = bytearray(data)
    flipped[-1] ^= 1
    cut.write_bytes(bytes(flipped))
    with pytest.raises(DecryptionError):
        storage.open_upload(cut, file_hash="abc")
    assert storage.open_upload(sealed, file_hash="abc").getvalue() == source.read_bytes()


@pytest.mark.django_db
def test_division_cache_looks_each_code_up_once(wuchang_county):
    cache = DivisionCache()
    records = [{k: v for k, v in {"name": "张伟", "id_number": make_id(i), "division_code": "420106",
                                  "household_type": "A"}.items()} for i in range(5)]
    with CaptureQueriesContext(connection) as queries:
        cleaned = [validate_person(r, divisions=cache) for r in records]
    assert [c.division_code for c in cleaned] == ["420106"] * 5
    assert sum("regions_division" in q["sql"] for q in queries.captured_queries) == 1
    with CaptureQueriesContext(connection) as queries:
        validate_person(records[0])  # without a cache: the single-record behaviour, one lookup per call
    assert sum("regions_division" in q["sql"] for q in queries.captured_queries) == 1

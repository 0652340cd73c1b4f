"""Imported persons get candidate duplicates by the registry's one rule, found in bulk per chunk."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dsip.registry.imports import services
from dsip.registry.imports.services import import_batch_create, import_batch_run
from dsip.registry.models import DuplicateCandidate, ImportStatus, Person
from dsip.registry.services.duplicates import (
    SAME_NAME,
    SAME_PINYIN,
    SIMILAR_NAME,
    duplicates_detect_bulk,
)
from tests.registry.factories import PersonFactory
from tests.registry.imports.conftest import good_row, make_id, write_csv

BIRTH = date(1975, 3, 9)


def row(n: int, name: str, birth: date = BIRTH) -> dict:
    idn = make_id(n, male=n % 2 == 0, birth=f"{birth:%Y%m%d}")
    return good_row(n, 姓名=name, 公民身份号码=idn, 残疾人证号=idn + "42")


def run(user, path):
    batch, needs_run = import_batch_create(actor=user, path=path, file_name=path.name)
    if needs_run:
        batch = import_batch_run(batch_id=batch.pk)
    assert batch.status == ImportStatus.DONE, batch.message
    return batch


def pairs() -> dict[frozenset[str], str]:
    """Candidate pairs as {frozenset of the two names: reason}."""
    return {frozenset((c.person_a.name, c.person_b.name)): c.reason
            for c in DuplicateCandidate.objects.select_related("person_a", "person_b")}


@pytest.mark.django_db
def test_imported_rows_pair_with_existing_persons_by_the_registry_rule(tmp_path, wuchang_county, wuchang_clerk):
    PersonFactory(name="李建国", birth_date=BIRTH)
    PersonFactory(name="张伟", birth_date=BIRTH)
    PersonFactory(name="赵敏", birth_date=BIRTH)
    path = write_csv(tmp_path / "p.csv", [
        row(0, "李建国"),                      # same name, same birth date
        row(1, "章伟"),                        # same pinyin as 张伟
        row(2, "王芳"),                        # same day, unrelated name
        row(3, "赵敏", date(1976, 3, 9)),     # same name, another birth date
    ])
    run(wuchang_clerk, path)
    assert pairs() == {frozenset({"李建国"}): SAME_NAME, frozenset({"张伟", "章伟"}): SAME_PINYIN}
    imported = Person.objects.get(name="李建国", pk__gt=Person.objects.order_by("pk").first().pk)
    candidate = DuplicateCandidate.objects.get(person_b=imported)
    # The single path's conventions: lower pk first, the pair's division is the common prefix.
    assert candidate.person_a_id < candidate.person_b_id
    assert candidate.division_code == "420106" and candidate.score == 1.0


@pytest.mark.django_db
def test_near_name_pairs_but_not_a_different_surname(tmp_path, wuchang_county, wuchang_clerk):
    PersonFactory(name="李建国", birth_date=BIRTH)
    PersonFactory(name="王芳", birth_date=BIRTH)
    run(wuchang_clerk, write_csv(tmp_path / "p.csv", [row(0, "李建华"), row(1, "李芳")]))
    assert pairs() == {frozenset({"李建国", "李建华"}): SIMILAR_NAME}


@pytest.mark.django_db
def test_rows_of_one_file_pair_with_each_other_across_chunks(tmp_path, wuchang_county, wuchang_clerk, monkeypatch):
    monkeypatch.setattr(services, "APPLY_CHUNK", 2)
    path = write_csv(tmp_path / "p.csv", [
        row(0, "刘德明"), row(1, "陈静"), row(2, "刘德民"),  # first and third: in different chunks
        row(3, "陈静"),                                   # second and fourth: the same person twice
        row(4, "孙丽", date(1990, 1, 1)),
    ])
    run(wuchang_clerk, path)
    assert pairs() == {frozenset({"刘德明", "刘德民"}): SIMILAR_NAME, frozenset({"陈静"}): SAME_NAME}
    assert DuplicateCandidate.objects.count() == 2


@pytest.mark.django_db
def test_rerun_after_a_crash_does_not_duplicate_candidates(tmp_path, wuchang_county, wuchang_clerk, monkeypatch):
    monkeypatch.setattr(services, "APPLY_CHUNK", 2)
    PersonFactory(name="李建国", birth_date=BIRTH)
    path = write_csv(tmp_path / "p.csv", [row(i, "李建国") for i in range(5)])
    real = services.duplicates_detect_bulk
    calls = {"n": 0}

    def crashing(**kw):
        found = real(**kw)
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("power cut")  # after this chunk's pairs were written, inside its transaction
        return found

    monkeypatch.setattr(services, "duplicates_detect_bulk", crashing)
    batch, _ = import_batch_create(actor=wuchang_clerk, path=path)
    with pytest.raises(RuntimeError):
        import_batch_run(batch_id=batch.pk)
    assert Person.objects.count() == 3
    assert DuplicateCandidate.objects.count() == 3  # the first chunk's pairs only (1 + 2 from the file)

    monkeypatch.setattr(services, "duplicates_detect_bulk", real)
    run(wuchang_clerk, path)
    assert Person.objects.count() == 6
    assert DuplicateCandidate.objects.count() == 6 * 5 // 2  # every pair of six, once
    assert duplicates_detect_bulk(person_ids=list(Person.objects.values_list("pk", flat=True))) == 15
    assert DuplicateCandidate.objects.count() == 15  # asking again adds nothing


@pytest.mark.django_db
def test_bulk_detection_queries_do_not_grow_with_the_chunk(wuchang_county):
    def queries_for(n: int) -> int:
        people = [PersonFactory(name=f"周{'一二三四五六七八九十'[i % 10]}明", birth_date=date(1960, 1 + i % 2, 5))
                  for i in range(n)]
        with CaptureQueriesContext(connection) as ctx:
            found = duplicates_detect_bulk(person_ids=[p.pk for p in people])
        assert found > 0
        DuplicateCandidate.objects.all().delete()
        Person.objects.filter(pk__in=[p.pk for p in people]).update(name="x")  # out of the next round's matches
        return len(ctx.captured_queries)

    assert queries_for(3) == queries_for(12)

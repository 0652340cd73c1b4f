"""The person list's default order, its pages (ids first, then rows) and the person table's indexes."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import models

from dsip.registry.models import Person
from dsip.registry.selectors import DEFAULT_ORDERING, ORDERING, person_list, person_page
from tests.registry.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(wuchang, hongshan, wuchang_township):
    # Codes and names chosen so division order, name order and id order all differ.
    rows = [("420106001", "张三", date(1990, 1, 1)), ("420106", "赵六", date(1950, 1, 1)),
            ("420106", "李四", date(1970, 1, 1)), ("420106001", "王五", date(1980, 1, 1)),
            ("420111", "钱七", date(1960, 1, 1))]
    return [PersonFactory(division=code, name=name, birth_date=born) for code, name, born in rows]


def test_default_order_is_division_then_name_then_id(people, wuchang_clerk):
    assert DEFAULT_ORDERING == ("division_code", "name", "id")
    rows = list(person_list(user=wuchang_clerk).values_list("division_code", "name"))
    assert rows == sorted(rows)
    assert rows[0] == ("420106", "李四")  # 李 < 赵 in code point order
    assert ("420111", "钱七") not in rows


def test_every_ordering_ends_in_id_and_the_keys_are_unchanged(people):
    assert set(ORDERING) == {f"{sign}{key}" for sign in ("", "-") for key in (
        "name", "birth_date", "division", "division_code", "category", "level", "updated", "updated_at",
        "created", "id")}
    assert all(order[-1].lstrip("-") == "id" for order in ORDERING.values())


@pytest.mark.parametrize("ordering", ["", "name", "-birth_date", "-updated", "-division", "category"])
def test_a_page_has_the_same_rows_as_slicing_the_list(people, province_reviewer, ordering):
    qs = person_list(user=province_reviewer, filters={"ordering": ordering})
    everything = list(qs.values_list("pk", flat=True))
    assert len(everything) == 5
    for start in (0, 2, 4):
        assert [p.pk for p in person_page(qs, start, start + 2)] == everything[start:start + 2]


def test_a_page_keeps_the_scope(people, wuchang_clerk):
    qs = person_list(user=wuchang_clerk)
    pages = [p.name for p in person_page(qs, 0, 10)]
    assert len(pages) == 4 and "钱七" not in pages
    assert list(person_page(person_list(user=wuchang_clerk).none(), 0, 10)) == []


def test_no_charfield_of_person_gets_an_implicit_index():
    # db_index/unique on a CharField adds a varchar_pattern_ops "_like" twin on PostgreSQL;
    # the person table declares its indexes and its unique constraint in Meta instead.
    implicit = [f.name for f in Person._meta.fields
                if isinstance(f, models.CharField) and (f.db_index or f.unique)]
    assert implicit == []
    unique = {tuple(c.fields) for c in Person._meta.constraints if isinstance(c, models.UniqueConstraint)}
    assert ("id_number_bidx",) in unique

"""Scoped reads: lists, exact lookups through blind indexes, history and the record as of a date."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dsip.registry.models import PersonVersion
from dsip.registry.selectors import (
    person_as_of,
    person_find_by_id_number,
    person_get,
    person_history,
    person_list,
)
from dsip.registry.services import person_update
from dsip.registry.services._records import person_plain
from tests.registry.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(wuchang, hongshan):
    return {
        "wuchang_a": PersonFactory(division="420106", name="王芳", category="1", level="1",
                                   birth_date=date(1990, 1, 1)),
        "wuchang_b": PersonFactory(division="420106", name="李娜", category="4", level="3",
                                   birth_date=date(1950, 1, 1), dibao=True, dibao_since=date(2020, 1, 1)),
        "hongshan": PersonFactory(division="420111", name="王强", category="1", level="2",
                                  birth_date=date(1985, 6, 1)),
    }


def _pks(qs):
    return set(qs.values_list("pk", flat=True))


def test_clerk_lists_only_own_county(people, wuchang_clerk, province_reviewer):
    assert _pks(person_list(user=wuchang_clerk)) == {people["wuchang_a"].pk, people["wuchang_b"].pk}
    assert len(_pks(person_list(user=province_reviewer))) == 3


def test_filters(people, province_reviewer):
    def find(**filters):
        return _pks(person_list(user=province_reviewer, filters=filters))

    assert find(q="王") == {people["wuchang_a"].pk, people["hongshan"].pk}
    assert find(q="wang") == {people["wuchang_a"].pk, people["hongshan"].pk}
    assert find(category="1", level="1") == {people["wuchang_a"].pk}
    assert find(division="420111") == {people["hongshan"].pk}
    assert find(household_status="dibao") == {people["wuchang_b"].pk}
    assert find(age_min=70) == {people["wuchang_b"].pk}
    assert people["wuchang_b"].pk not in find(age_max=60)
    number = person_plain(people["hongshan"])["id_number"]
    assert find(id_number=number.lower()) == {people["hongshan"].pk}
    assert find(certificate_number=person_plain(people["wuchang_a"])["certificate_number"]) == {people["wuchang_a"].pk}


def test_ordering_is_allow_listed(people, province_reviewer):
    names = list(person_list(user=province_reviewer, filters={"ordering": "birth_date"}).values_list("name", flat=True))
    assert names[0] == "李娜"
    # An unknown ordering falls back to the default instead of reaching the database.
    assert person_list(user=province_reviewer, filters={"ordering": "id_number_enc"}).count() == 3


def test_list_does_not_decrypt_or_query_per_row(people, province_reviewer):
    with CaptureQueriesContext(connection) as ctx:
        rows = [(p.name, p.id_number_mask) for p in person_list(user=province_reviewer)]
    assert len(rows) == 3
    assert len(ctx.captured_queries) == 1


def test_person_outside_scope_is_404(people, hongshan_clerk):
    with pytest.raises(Http404):
        person_get(user=hongshan_clerk, person_id=people["wuchang_a"].pk)
    number = person_plain(people["wuchang_a"])["id_number"]
    assert person_find_by_id_number(user=hongshan_clerk, id_number=number) is None


def test_history_and_record_as_of_a_past_date(people, wuchang_clerk):
    person = people["wuchang_a"]
    PersonVersion.objects.filter(person=person, version=1).update(created_at=timezone.now() - timedelta(days=10))
    person_update(actor=wuchang_clerk, person_id=person.pk, expected_version=1, data={"name": "王芳芳"})
    history = person_history(user=wuchang_clerk, person_id=person.pk)
    assert [v.version for v in history] == [2, 1]
    assert history[0].changes["name"] == ["王芳", "王芳芳"]
    past = person_as_of(user=wuchang_clerk, person_id=person.pk, when=timezone.localdate() - timedelta(days=5))
    assert past["name"] == "王芳"
    assert past["id_number"] == person.id_number_mask
    assert person_as_of(user=wuchang_clerk, person_id=person.pk, when=timezone.now())["name"] == "王芳芳"
    assert person_as_of(user=wuchang_clerk, person_id=person.pk, when=date(2000, 1, 1)) is None

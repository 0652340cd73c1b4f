"""Merging duplicates: the reviewer chooses fields, both histories stay, the merge is recorded."""

from __future__ import annotations

from datetime import date

import pytest

from dsip.audit.models import AuditEntry
from dsip.core.errors import DomainError, ErrorCode
from dsip.core.models import OutboxEvent
from dsip.registry.choices import PersonStatus
from dsip.registry.models import DuplicateCandidate, DuplicateStatus, PersonVersion
from dsip.registry.selectors import duplicate_candidate_list, person_list, person_merge_conflicts
from dsip.registry.services import duplicate_dismiss, person_merge, person_update
from dsip.registry.services._records import person_plain
from tests.registry.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(wuchang, wuchang_clerk):
    keep = PersonFactory(division="420106", name="张伟", birth_date=date(1970, 3, 3), phone="13900000001")
    other = PersonFactory(division="420106", name="章伟", birth_date=date(1970, 3, 3), phone="13900000002",
                          category="", marital_status="20")
    person_update(actor=wuchang_clerk, person_id=other.pk, expected_version=1, data={"education_level": "2"})
    return keep, other


def test_candidate_is_listed_for_review(pair, province_reviewer):
    keep, other = pair
    candidates = list(duplicate_candidate_list(user=province_reviewer))
    assert [(c.person_a_id, c.person_b_id) for c in candidates] == [(keep.pk, other.pk)]


def test_reviewer_sees_the_conflicting_fields_masked(pair, province_reviewer):
    keep, other = pair
    conflicts = person_merge_conflicts(user=province_reviewer, keep_id=keep.pk, other_id=other.pk)
    assert {"name", "id_number", "phone"} <= set(conflicts)
    assert conflicts["phone"] == ["139****0001", "139****0002"]


def test_merge_takes_chosen_fields_and_keeps_both_histories(pair, province_reviewer):
    keep, other = pair
    merged = person_merge(actor=province_reviewer, keep_id=keep.pk, other_id=other.pk,
                          choices={"phone": "other", "name": "keep"}, reason="同一人，户籍核实")
    plain = person_plain(merged)
    assert plain["phone"] == "13900000002"
    assert plain["name"] == "张伟"
    assert plain["marital_status"] == "20"  # missing on the kept record, filled from the other
    assert plain["education_level"] == "2"
    other.refresh_from_db()
    assert other.merged_into_id == keep.pk
    assert other.status == PersonStatus.MERGED
    assert list(PersonVersion.objects.filter(person=other).values_list("version", flat=True)) == [1, 2, 3]
    assert PersonVersion.objects.get(person=other, version=3).source == "merge"
    keep_versions = list(PersonVersion.objects.filter(person=keep).values_list("version", "source"))
    assert keep_versions == [(1, "entry"), (2, "merge")]
    assert PersonVersion.objects.get(person=keep, version=2).changes["merged_from"] == [None, other.pk]
    assert DuplicateCandidate.objects.get().status == DuplicateStatus.MERGED
    assert AuditEntry.objects.filter(action="person.merged", reason="同一人，户籍核实").exists()
    assert OutboxEvent.objects.filter(topic="person.merged", aggregate_id=str(keep.pk)).exists()
    assert other.pk not in set(person_list(user=province_reviewer).values_list("pk", flat=True))


def test_taking_the_other_id_number_frees_it(pair, province_reviewer):
    keep, other = pair
    other_id_number = person_plain(other)["id_number"]
    merged = person_merge(actor=province_reviewer, keep_id=keep.pk, other_id=other.pk,
                          choices={"id_number": "other", "certificate_number": "other", "category": "other",
                                   "level": "other", "issue_date": "other"},
                          reason="以公安数据为准")
    assert person_plain(merged)["id_number"] == other_id_number


def test_county_clerk_may_not_merge(pair, wuchang_clerk):
    keep, other = pair
    with pytest.raises(DomainError) as exc:
        person_merge(actor=wuchang_clerk, keep_id=keep.pk, other_id=other.pk, choices={}, reason="同一人")
    assert exc.value.code == ErrorCode.FORBIDDEN


def test_merge_needs_a_reason(pair, province_reviewer):
    keep, other = pair
    with pytest.raises(DomainError) as exc:
        person_merge(actor=province_reviewer, keep_id=keep.pk, other_id=other.pk, choices={}, reason="")
    assert exc.value.errors[0].field == "reason"


def test_dismissed_pair_leaves_the_open_list(pair, province_reviewer):
    candidate = DuplicateCandidate.objects.get()
    duplicate_dismiss(actor=province_reviewer, candidate_id=candidate.pk, reason="两个不同的人")
    assert list(duplicate_candidate_list(user=province_reviewer)) == []
    candidate.refresh_from_db()
    assert candidate.status == DuplicateStatus.DISMISSED
    assert AuditEntry.objects.filter(action="duplicate.dismissed").exists()

"""Registering persons: sealed storage, version 1, audit, outbox, duplicates."""

from __future__ import annotations

import pytest

from dsip.audit.models import AuditEntry
from dsip.core.errors import ErrorCode
from dsip.core.models import OutboxEvent
from dsip.registry.models import DuplicateCandidate, Person, PersonVersion
from dsip.registry.services import DuplicatePerson, PersonInvalid, person_register
from tests.registry.factories import PersonFactory, person_data

pytestmark = pytest.mark.django_db


def test_clerk_registers_a_person_with_sealed_fields_version_audit_and_outbox(wuchang_clerk, wuchang):
    data = person_data(division="420106")
    person = person_register(actor=wuchang_clerk, data=data)

    person.refresh_from_db()
    assert data["id_number"] not in person.id_number_enc
    assert person.id_number_mask == data["id_number"][:4] + "*" * 10 + data["id_number"][-4:]
    assert person.certificates.get(is_current=True).category == "4"
    version = PersonVersion.objects.get(person=person)
    assert version.version == 1 and version.actor_username == "wuchang_clerk"
    assert version.snapshot["id_number"] == person.id_number_mask
    entry = AuditEntry.objects.get(action="person.registered")
    assert data["id_number"] not in str(entry.changes)
    assert OutboxEvent.objects.filter(topic="person.registered", aggregate_id=str(person.pk)).exists()


def test_exact_duplicate_is_refused_with_a_link_when_in_scope(wuchang_clerk, wuchang):
    first = PersonFactory(division="420106")
    data = person_data(division="420106", id_number=Person.objects.get(pk=first.pk) and None)
    from dsip.registry.services._records import person_plain

    data["id_number"] = person_plain(first)["id_number"]
    data["certificate_number"] = ""
    data["category"] = data["level"] = ""
    with pytest.raises(DuplicatePerson) as exc:
        person_register(actor=wuchang_clerk, data=data)
    assert exc.value.code == ErrorCode.DUPLICATE
    assert exc.value.existing_id == first.pk
    assert exc.value.errors[0].field == "id_number"


def test_duplicate_in_another_county_gives_no_link(hongshan_clerk, hongshan, wuchang):
    from dsip.registry.services._records import person_plain

    first = PersonFactory(division="420106")
    data = person_data(division="420111", id_number=person_plain(first)["id_number"], category="")
    with pytest.raises(DuplicatePerson) as exc:
        person_register(actor=hongshan_clerk, data=data)
    assert exc.value.existing_id is None


def test_clerk_cannot_register_outside_region(hongshan_clerk, hongshan, wuchang):
    with pytest.raises(PersonInvalid) as exc:
        person_register(actor=hongshan_clerk, data=person_data(division="420106"))
    assert [e.field for e in exc.value.errors] == ["division_code"]
    assert exc.value.errors[0].code == ErrorCode.OUT_OF_SCOPE


def test_same_name_and_birth_date_is_listed_as_candidate_not_merged(wuchang, hongshan):
    from datetime import date

    a = PersonFactory(division="420106", name="张伟", birth_date=date(1970, 3, 3))
    b = PersonFactory(division="420111", name="张伟", birth_date=date(1970, 3, 3))
    c = PersonFactory(division="420106", name="章伟", birth_date=date(1970, 3, 3))
    d = PersonFactory(division="420106", name="张玮玮", birth_date=date(1970, 3, 3))
    pairs = {(x.person_a_id, x.person_b_id): x.reason for x in DuplicateCandidate.objects.all()}
    assert pairs[(a.pk, b.pk)] == "same_name_birth"
    assert pairs[(a.pk, c.pk)] in ("same_pinyin_birth", "similar_name_birth")
    assert (a.pk, d.pk) not in pairs
    assert Person.objects.filter(merged_into__isnull=False).count() == 0


def test_different_surname_same_given_name_is_not_a_candidate(wuchang):
    from datetime import date

    PersonFactory(division="420106", name="王芳", birth_date=date(1971, 4, 4))
    PersonFactory(division="420106", name="李芳", birth_date=date(1971, 4, 4))
    assert DuplicateCandidate.objects.count() == 0


def test_one_character_typo_in_a_longer_name_is_a_candidate(wuchang):
    from datetime import date

    a = PersonFactory(division="420106", name="欧阳娜娜", birth_date=date(1972, 5, 5))
    b = PersonFactory(division="420106", name="欧阳那娜", birth_date=date(1972, 5, 5))
    candidate = DuplicateCandidate.objects.get()
    assert (candidate.person_a_id, candidate.person_b_id) == (a.pk, b.pk)
    assert candidate.division_code == "420106"


def test_household_status_is_recorded_and_a_member_can_join(wuchang_clerk, wuchang):
    from datetime import date

    first = person_register(actor=wuchang_clerk, data=person_data(dibao=True, dibao_since=date(2021, 1, 1)))
    assert first.household.dibao is True
    second = person_register(actor=wuchang_clerk, data=person_data(household_id=first.household_id))
    assert second.household_id == first.household_id
    second.household.refresh_from_db()
    assert second.household.dibao is True  # joining says nothing about the status, so it stays

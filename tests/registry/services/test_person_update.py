"""Changing persons: optimistic locking, partial updates, history, scope, status."""

from __future__ import annotations

from datetime import date

import pytest

from dsip.audit.models import AuditEntry
from dsip.core.errors import DomainError, ErrorCode
from dsip.core.models import OutboxEvent
from dsip.registry.choices import PersonStatus, VersionSource
from dsip.registry.models import PersonVersion
from dsip.registry.services import VersionConflict, person_set_status, person_update
from dsip.registry.services._records import person_plain
from tests.factories import UserFactory
from tests.registry.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_wuchang_clerk(wuchang_fed):
    return UserFactory(username="wuchang_clerk_2", org_unit=wuchang_fed, roles=["entry_clerk"])


def test_partial_update_changes_only_given_fields_and_writes_a_masked_version(wuchang_clerk, wuchang):
    person = PersonFactory(division="420106")
    id_before = person.id_number_enc
    updated = person_update(actor=wuchang_clerk, person_id=person.pk, expected_version=1,
                            data={"phone": "13800001111", "marital_status": "20"})
    assert updated.version == 2
    assert updated.id_number_enc == id_before  # untouched sealed values are not re-sealed
    assert person_plain(updated)["phone"] == "13800001111"
    version = PersonVersion.objects.get(person=person, version=2)
    assert set(version.changes) == {"phone", "marital_status"}
    assert version.changes["phone"][1] == "138****1111"
    assert "13800001111" not in str(AuditEntry.objects.filter(action="person.updated").get().changes)
    assert OutboxEvent.objects.filter(topic="person.updated").count() == 1


def test_second_clerk_saving_a_stale_version_gets_a_conflict_naming_the_changed_fields(
    wuchang_clerk, second_wuchang_clerk, wuchang
):
    person = PersonFactory(division="420106")
    # Both clerks opened version 1; the first saves.
    person_update(actor=wuchang_clerk, person_id=person.pk, expected_version=1,
                  data={"phone": "13800001111", "education_level": "2"})
    with pytest.raises(VersionConflict) as exc:
        person_update(actor=second_wuchang_clerk, person_id=person.pk, expected_version=1,
                      data={"address": "湖北省武汉市武昌区中南路1号"})
    assert exc.value.code == ErrorCode.CONFLICT
    assert exc.value.status == 409
    assert exc.value.current_version == 2
    assert set(exc.value.changed_fields) == {"phone", "education_level"}
    assert exc.value.changed_fields["phone"][1] == "138****1111"
    person.refresh_from_db()
    assert person.version == 2
    assert person_plain(person)["address"] != "湖北省武汉市武昌区中南路1号"


def test_saving_without_changes_writes_no_version(wuchang_clerk, wuchang):
    person = PersonFactory(division="420106")
    same = person_update(actor=wuchang_clerk, person_id=person.pk, expected_version=1, data={"name": person.name})
    assert same.version == 1
    assert PersonVersion.objects.filter(person=person).count() == 1


def test_changing_the_id_number_rederives_sex_and_birth_date(wuchang_clerk, wuchang):
    from tests.registry.factories import make_id_number

    person = PersonFactory(division="420106", sex="M", category="")
    new_id = make_id_number(county="420106", birth=date(1961, 2, 3), sex="F")
    updated = person_update(actor=wuchang_clerk, person_id=person.pk, expected_version=1, data={"id_number": new_id})
    assert (updated.sex, updated.birth_date) == ("F", date(1961, 2, 3))
    assert set(PersonVersion.objects.get(person=person, version=2).changes) >= {"id_number", "sex", "birth_date"}


def test_certificate_change_keeps_the_old_certificate_for_history(wuchang_clerk, wuchang):
    person = PersonFactory(division="420106", category="4", level="2")
    number = person_plain(person)["id_number"]
    person_update(actor=wuchang_clerk, person_id=person.pk, expected_version=1,
                  data={"certificate_number": number + "41", "level": "1"})
    assert person.certificates.count() == 2
    current = person.certificates.get(is_current=True)
    assert (current.category, current.level) == ("4", "1")
    person.refresh_from_db()
    assert person.level == "1"


def test_invalid_update_keeps_nothing(wuchang_clerk, wuchang):
    from dsip.registry.services import PersonInvalid

    person = PersonFactory(division="420106")
    with pytest.raises(PersonInvalid) as exc:
        person_update(actor=wuchang_clerk, person_id=person.pk, expected_version=1,
                      data={"phone": "123", "level": "3"})
    assert {e.field for e in exc.value.errors} == {"phone", "certificate_number"}
    person.refresh_from_db()
    assert person.version == 1


def test_clerk_of_another_county_cannot_update_as_if_it_did_not_exist(hongshan_clerk, wuchang, hongshan):
    person = PersonFactory(division="420106")
    with pytest.raises(DomainError) as exc:
        person_update(actor=hongshan_clerk, person_id=person.pk, expected_version=1, data={"name": "李四"})
    assert exc.value.code == ErrorCode.NOT_FOUND
    assert exc.value.status == 404


def test_clerk_cannot_move_a_person_out_of_the_region(wuchang_clerk, wuchang, hongshan):
    from dsip.registry.services import PersonInvalid

    person = PersonFactory(division="420106")
    with pytest.raises(PersonInvalid) as exc:
        person_update(actor=wuchang_clerk, person_id=person.pk, expected_version=1, data={"division_code": "420111"})
    assert exc.value.errors[0].code == ErrorCode.OUT_OF_SCOPE


def test_analyst_cannot_update(analyst, wuchang):
    person = PersonFactory(division="420106")
    with pytest.raises(DomainError) as exc:
        person_update(actor=analyst, person_id=person.pk, expected_version=1, data={"name": "李四"})
    assert exc.value.code == ErrorCode.FORBIDDEN


def test_death_from_a_department_feed_is_recorded_with_date_and_source(wuchang_clerk, wuchang):
    person = PersonFactory(division="420106")
    updated = person_set_status(actor=wuchang_clerk, person_id=person.pk, status=PersonStatus.DECEASED,
                                effective_date=date(2025, 1, 5), source="公安 feed",
                                version_source=VersionSource.FEED)
    assert (updated.status, updated.status_date, updated.status_source) == ("deceased", date(2025, 1, 5), "公安 feed")
    version = PersonVersion.objects.get(person=person, version=2)
    assert version.source == "feed"
    assert version.changes["status"] == ["active", "deceased"]
    event = OutboxEvent.objects.get(topic="person.status_changed")
    assert event.payload["effective_date"] == "2025-01-05"


def test_status_with_stale_version_is_refused(wuchang_clerk, wuchang):
    person = PersonFactory(division="420106")
    person_update(actor=wuchang_clerk, person_id=person.pk, expected_version=1, data={"marital_status": "20"})
    with pytest.raises(VersionConflict) as exc:
        person_set_status(actor=wuchang_clerk, person_id=person.pk, status=PersonStatus.MOVED_OUT,
                          effective_date=date(2025, 1, 5), source="entry", expected_version=1)
    assert "marital_status" in exc.value.changed_fields


def test_conflict_message_names_the_changed_fields_in_english(wuchang_clerk, second_wuchang_clerk, wuchang):
    from django.utils import translation

    person = PersonFactory(division="420106")
    person_update(actor=wuchang_clerk, person_id=person.pk, expected_version=1, data={"phone": "13800001111"})
    with pytest.raises(VersionConflict) as exc:
        person_update(actor=second_wuchang_clerk, person_id=person.pk, expected_version=1, data={"name": "李四"})
    with translation.override("en"):
        assert "Phone" in str(exc.value.message)


def test_the_conditional_update_catches_a_save_that_slipped_in_after_loading(wuchang_clerk, second_wuchang_clerk,
                                                                              wuchang):
    """Two saves that both passed the first version check: the UPDATE ... WHERE version=? refuses the second."""
    from dsip.registry.services.person import apply_change
    from dsip.registry.validation import validate_person

    person = PersonFactory(division="420106")
    stale = type(person).objects.select_related("household").get(pk=person.pk)
    before = person_plain(stale)
    person_update(actor=wuchang_clerk, person_id=person.pk, expected_version=1, data={"marital_status": "20"})
    from dsip.registry.services._records import EDITABLE_FIELDS

    clean = validate_person({**{k: before.get(k) for k in EDITABLE_FIELDS}, "education_level": "3"})
    with pytest.raises(VersionConflict) as exc:
        apply_change(actor=second_wuchang_clerk, person=stale, expected_version=1, clean=clean, before=before,
                     source="entry", reason="")
    assert exc.value.changed_fields == {"marital_status": ["", "20"]}


def test_unknown_fields_are_refused(wuchang_clerk, wuchang):
    from dsip.registry.services import PersonInvalid

    person = PersonFactory(division="420106")
    with pytest.raises(PersonInvalid) as exc:
        person_update(actor=wuchang_clerk, person_id=person.pk, expected_version=1, data={"version": 7})
    assert exc.value.errors[0].field == "version"

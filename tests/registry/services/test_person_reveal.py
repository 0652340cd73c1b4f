"""Revealing masked values: allowed roles, a reason, an audit entry without the value."""

from __future__ import annotations

import pytest

from dsip.audit.models import AuditEntry
from dsip.core.errors import DomainError, ErrorCode
from dsip.registry.services import person_reveal
from dsip.registry.services._records import person_plain
from tests.registry.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_reviewer_reveals_with_a_reason_and_the_reveal_is_audited(wuchang_reviewer, wuchang):
    person = PersonFactory(division="420106")
    number = person_plain(person)["id_number"]
    assert person_reveal(actor=wuchang_reviewer, person_id=person.pk, field="id_number",
                         reason="核对身份证复印件") == number
    entry = AuditEntry.objects.get(action="person.revealed")
    assert entry.reason == "核对身份证复印件"
    assert entry.changes == {"field": "id_number"}
    assert entry.actor_username == "wuchang_reviewer"
    assert number not in str(entry.changes) + entry.reason


def test_certificate_number_can_be_revealed(wuchang_reviewer, wuchang):
    person = PersonFactory(division="420106")
    value = person_reveal(actor=wuchang_reviewer, person_id=person.pk, field="certificate_number", reason="核对证件")
    assert value == person_plain(person)["certificate_number"]


def test_reveal_without_a_reason_is_refused(wuchang_reviewer, wuchang):
    person = PersonFactory(division="420106")
    with pytest.raises(DomainError) as exc:
        person_reveal(actor=wuchang_reviewer, person_id=person.pk, field="phone", reason=" ")
    assert exc.value.errors[0].field == "reason"
    assert not AuditEntry.objects.filter(action="person.revealed").exists()


def test_clerk_may_not_reveal_and_the_attempt_is_audited(wuchang_clerk, wuchang):
    person = PersonFactory(division="420106")
    with pytest.raises(DomainError) as exc:
        person_reveal(actor=wuchang_clerk, person_id=person.pk, field="id_number", reason="想看看")
    assert exc.value.code == ErrorCode.FORBIDDEN
    assert AuditEntry.objects.get(action="person.reveal_denied").outcome == "denied"


def test_reviewer_of_another_county_gets_not_found(wuchang, hongshan, hongshan_fed):
    from tests.factories import UserFactory

    hongshan_reviewer = UserFactory(username="hongshan_reviewer", org_unit=hongshan_fed, roles=["county_reviewer"])
    person = PersonFactory(division="420106")
    with pytest.raises(DomainError) as exc:
        person_reveal(actor=hongshan_reviewer, person_id=person.pk, field="id_number", reason="核对")
    assert exc.value.code == ErrorCode.NOT_FOUND


def test_clerk_of_another_county_gets_not_found_rather_than_forbidden(hongshan_clerk, wuchang, hongshan):
    person = PersonFactory(division="420106")
    with pytest.raises(DomainError) as exc:
        person_reveal(actor=hongshan_clerk, person_id=person.pk, field="id_number", reason="核对")
    assert exc.value.code == ErrorCode.NOT_FOUND

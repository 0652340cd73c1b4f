"""Key rotation re-seals everything under the new key, keeps values readable and can resume."""

from __future__ import annotations

import base64
import io

import pytest
from django.core.management import call_command

from dsip.core.crypto import field_cipher
from dsip.registry.models import Certificate, Person
from dsip.registry.selectors import person_find_by_id_number
from dsip.registry.services import keys_rotate, keys_status, person_reveal
from dsip.registry.services._records import person_plain
from tests.registry.factories import PersonFactory

pytestmark = pytest.mark.django_db

NEW_KEY = "new2:" + base64.b64encode(b"n" * 32).decode()


@pytest.fixture
def persons(wuchang):
    people = [PersonFactory(division="420106", guardian_name="王五", guardian_phone="13700000000") for _ in range(5)]
    return people, {p.pk: person_plain(p) for p in people}


def _new_key_first(settings):
    settings.DSIP_FIELD_KEYS = f"{NEW_KEY},{settings.DSIP_FIELD_KEYS}"


def test_rotation_switches_the_key_id_and_values_still_open(persons, settings, province_reviewer):
    people, before = persons
    old_kid = field_cipher().current.key_id
    _new_key_first(settings)
    assert field_cipher().current.key_id == "new2"
    assert keys_status() == {"registry.Person": 5, "registry.Certificate": 5}

    result = keys_rotate(batch_size=2)

    assert result == {"registry.Person": 5, "registry.Certificate": 5}
    for person in Person.objects.all():
        for column in ("id_number_enc", "address_enc", "phone_enc", "guardian_phone_enc"):
            assert getattr(person, column).startswith("new2$")
        assert person_plain(person) == before[person.pk]
    assert not Certificate.objects.filter(number_enc__startswith=f"{old_kid}$").exists()
    # Blind indexes did not change: exact lookup still finds the person.
    first = people[0]
    assert person_find_by_id_number(user=province_reviewer, id_number=before[first.pk]["id_number"]).pk == first.pk
    assert person_reveal(actor=province_reviewer, person_id=first.pk, field="guardian_phone", reason="联系监护人") \
        == "13700000000"


def test_rotation_resumes_where_it_stopped(persons, settings):
    _new_key_first(settings)
    first = keys_rotate(batch_size=2, limit=2)
    assert first["registry.Person"] == 2
    assert keys_status()["registry.Person"] == 3
    second = keys_rotate(batch_size=2)
    assert second["registry.Person"] == 3
    assert keys_status() == {"registry.Person": 0, "registry.Certificate": 0}
    assert keys_rotate() == {"registry.Person": 0, "registry.Certificate": 0}


def test_command_reports_progress(persons, settings):
    _new_key_first(settings)
    out, err = io.StringIO(), io.StringIO()
    call_command("keys", "rotate", "--batch-size", "3", stdout=out, stderr=err)
    assert "Re-encrypted 10 row(s) under key new2" in out.getvalue()
    assert "to go" in err.getvalue()
    out = io.StringIO()
    call_command("keys", "status", stdout=out)
    assert "registry.Person: 0 row(s)" in out.getvalue()

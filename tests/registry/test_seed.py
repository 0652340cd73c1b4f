"""The synthetic province: deterministic, valid, consistent with the registry's own reading of a person."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.management import call_command

from dsip.audit.models import AuditEntry
from dsip.core.crypto import field_cipher
from dsip.registry.models import Certificate, Person, PersonVersion
from dsip.registry.seed import seed_persons
from dsip.registry.services._records import masked_snapshot, person_plain, sealed_context
from dsip.registry.validation import parse_id_number
from tests.factories import DivisionFactory


@pytest.fixture
def two_counties(wuchang, hongshan):
    DivisionFactory(code="420106001001", name="社区一", level=12, urban_rural="111")
    DivisionFactory(code="420106101201", name="村一", level=12, urban_rural="220")
    return wuchang, hongshan


def seeded_ids() -> list[str]:
    cipher = field_cipher()
    return sorted(cipher.open(p.id_number_enc, context=sealed_context("id_number")) for p in Person.objects.all())


@pytest.mark.django_db
def test_same_seed_gives_the_same_id_numbers(two_counties):
    seed_persons(persons=300, province="42", seed=7)
    first = seeded_ids()
    Person.objects.all().delete()
    seed_persons(persons=300, province="42", seed=7)
    assert seeded_ids() == first and len(first) == 300
    Person.objects.all().delete()
    seed_persons(persons=300, province="42", seed=8)
    assert seeded_ids() != first


@pytest.mark.django_db
def test_every_seeded_id_is_valid_and_agrees_with_the_person(two_counties):
    seed_persons(persons=400, province="42", seed=1)
    cipher = field_cipher()
    for person in Person.objects.all():
        number = cipher.open(person.id_number_enc, context=sealed_context("id_number"))
        info = parse_id_number(number)
        assert info.county_code == person.division_code[:6]
        assert info.birth_date == person.birth_date and info.sex == person.sex
        cert = Certificate.objects.get(person=person, is_current=True)
        cert_number = cipher.open(cert.number_enc, context=sealed_context("certificate_number"))
        assert cert_number == number + person.category + person.level
    assert {p.division_code for p in Person.objects.all()} >= {"420106001001", "420106101201", "420111"}


@pytest.mark.django_db
def test_distributions_are_plausible(two_counties):
    seed_persons(persons=2000, province="42", seed=3)
    categories = Counter(Person.objects.values_list("category", flat=True))
    assert 0.4 < categories["4"] / 2000 < 0.6  # physical about half
    ages = [2025 - d.year for d in Person.objects.values_list("birth_date", flat=True)]
    assert sum(a >= 60 for a in ages) / len(ages) > 0.4  # skewed older
    assert Certificate.objects.filter(reassess_date__isnull=False).count() > 0


@pytest.mark.django_db
def test_version_one_matches_the_registrys_reading_and_one_audit_entry(two_counties):
    seed_persons(persons=50, province="42", county="420106", seed=2)
    assert PersonVersion.objects.filter(source="seed", version=1).count() == 50
    for person in Person.objects.select_related("household")[:20]:
        version = PersonVersion.objects.get(person=person)
        assert version.snapshot == masked_snapshot(person_plain(person))
    assert AuditEntry.objects.filter(action="person.seeded").count() == 1


@pytest.mark.django_db
def test_rerun_with_the_same_seed_adds_nothing(two_counties):
    seed_persons(persons=100, province="42", county="420106", seed=1)
    result = seed_persons(persons=100, province="42", county="420106", seed=1)
    assert result.persons == 0 and result.skipped_existing == 100
    assert Person.objects.count() == 100


@pytest.mark.django_db
def test_demo_command_line(two_counties):
    call_command("seed", "--persons", "30", "--province", "42", "--county", "420106", "--seed", "1", verbosity=0)
    assert Person.objects.filter(division_code__startswith="420106").count() == 30


@pytest.mark.django_db(transaction=True)
def test_seed_vacuums_the_person_table_after_the_load_on_postgresql(two_counties):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("VACUUM is PostgreSQL's")
    seed_persons(persons=30, province="42", county="420106", seed=3)
    with connection.cursor() as cursor:
        # relallvisible is what VACUUM sets (the visibility map index-only scans need); a plain
        # ANALYZE or the load itself leaves it at 0.
        cursor.execute("SELECT relallvisible, relpages FROM pg_class WHERE relname = 'registry_person'")
        all_visible, pages = cursor.fetchone()
    assert pages > 0 and all_visible == pages

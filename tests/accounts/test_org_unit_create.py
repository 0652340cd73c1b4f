"""Org units are created through one audited service: level from the code, inside the creator's region."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from dsip.accounts.models import OrgLevel, OrgUnit
from dsip.accounts.services import org_unit_create
from dsip.audit.models import AuditEntry
from dsip.core.errors import DomainError, ErrorCode
from tests.factories import UserFactory


@pytest.fixture
def wuchang_admin(wuchang_fed):
    return UserFactory(username="wuchang_admin", org_unit=wuchang_fed, roles=["system_admin"])


def test_the_operator_creates_a_county_unit_whose_level_follows_the_code(wuchang):
    unit = org_unit_create(name="武昌区残联", kind="federation", division_code="420106", actor=None)
    assert (unit.level, unit.division, unit.division_code) == (OrgLevel.COUNTY, wuchang, "420106")
    entry = AuditEntry.objects.get(action="orgunit.created")
    assert entry.object_id == str(unit.pk) and entry.division_code == "420106"


def test_a_twelve_digit_official_code_names_the_same_township(wuchang_township):
    unit = org_unit_create(name="积玉桥街道残联", kind="federation", division_code="420106001000", actor=None)
    assert (unit.division_code, unit.level) == ("420106001", OrgLevel.TOWNSHIP)


def test_an_empty_code_is_the_national_level(db):
    unit = org_unit_create(name="中国残联信息中心", kind="federation", division_code="", actor=None)
    assert (unit.level, unit.division_id, unit.division_code) == (OrgLevel.NATIONAL, None, "")


def test_an_unknown_division_is_refused_by_field(db):
    with pytest.raises(DomainError) as caught:
        org_unit_create(name="无名残联", kind="federation", division_code="429999", actor=None)
    assert [e.field for e in caught.value.errors] == ["division_code"]
    assert caught.value.errors[0].code == ErrorCode.UNKNOWN_DIVISION
    assert not OrgUnit.objects.exists()


def test_a_department_unit_must_say_which_department(hubei):
    with pytest.raises(DomainError) as caught:
        org_unit_create(name="湖北省某厅", kind="department", division_code="42", actor=None)
    assert "department" in [e.field for e in caught.value.errors]
    unit = org_unit_create(name="湖北省民政厅", kind="department", department="mz", division_code="42", actor=None)
    assert unit.department == "mz"


def test_a_second_unit_with_the_same_name_in_the_division_is_a_duplicate(wuchang):
    org_unit_create(name="武昌区残联", kind="federation", division_code="420106", actor=None)
    with pytest.raises(DomainError) as caught:
        org_unit_create(name="武昌区残联", kind="federation", division_code="420106", actor=None)
    assert caught.value.code == ErrorCode.DUPLICATE
    assert OrgUnit.objects.count() == 1


def test_a_county_admin_creates_units_in_the_county_only(wuchang_admin, wuchang_township, hongshan):
    unit = org_unit_create(name="积玉桥街道残联", kind="federation", division_code="420106001", actor=wuchang_admin)
    assert AuditEntry.objects.get(action="orgunit.created").actor_id == wuchang_admin.pk
    assert unit.division_code == "420106001"
    for code in ("420111", "42", ""):
        with pytest.raises(DomainError) as caught:
            org_unit_create(name=f"越界{code}", kind="federation", division_code=code, actor=wuchang_admin)
        assert caught.value.code == ErrorCode.FORBIDDEN
    assert OrgUnit.objects.filter(name__startswith="越界").count() == 0


def test_a_clerk_may_not_create_units(wuchang_clerk, wuchang_township):
    with pytest.raises(DomainError) as caught:
        org_unit_create(name="积玉桥街道残联", kind="federation", division_code="420106001", actor=wuchang_clerk)
    assert caught.value.code == ErrorCode.FORBIDDEN


def test_dsip_orgunits_creates_and_lists(wuchang, hongshan, hubei):
    out = StringIO()
    call_command("orgunits", "create", "武昌区残联", "--division", "420106", stdout=out)
    assert "created org unit 武昌区残联" in out.getvalue()
    call_command("orgunits", "create", "湖北省民政厅", "--division", "42", "--kind", "department",
                 "--department", "mz", stdout=StringIO())
    call_command("orgunits", "create", "洪山区残联", "--division", "420111", stdout=StringIO())
    assert AuditEntry.objects.filter(action="orgunit.created", channel="cli").count() == 3
    listing = StringIO()
    call_command("orgunits", "list", "--division", "4201", stdout=listing)
    lines = listing.getvalue().splitlines()
    assert [line.split("\t")[-1] for line in lines] == ["武昌区残联", "洪山区残联"]
    assert "county" in lines[0]


def test_dsip_orgunits_explains_an_unknown_division(db):
    with pytest.raises(CommandError, match="division_code"):
        call_command("orgunits", "create", "无名残联", "--division", "429999")

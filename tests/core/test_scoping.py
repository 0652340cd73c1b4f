"""``ScopedQuerySet.within`` is a prefix test on the division code, written as an index-friendly range."""

from __future__ import annotations

import pytest

from dsip.core.scoping import prefix_q, prefix_upper_bound
from dsip.regions.models import Division
from dsip.registry.models import Household


@pytest.mark.parametrize(("prefix", "upper"), [
    ("42", "43"), ("420106", "420107"), ("4209", "421"), ("4", "5"), ("0", "1"), ("199", "2"),
    ("9", None), ("99", None), ("999999999999", None),
])
def test_prefix_upper_bound_increments_the_last_digit_and_carries(prefix, upper):
    assert prefix_upper_bound(prefix) == upper


CODES = ["4", "41", "419999999999", "42", "420106", "420106001001", "4201069", "429999999999", "43", "430101",
         "5", "9", "99", "999999999999", ""]


@pytest.fixture
def households(db):
    return {code: Household.objects.create(division_code=code) for code in CODES}


def _codes(qs):
    return sorted(qs.values_list("division_code", flat=True))


@pytest.mark.parametrize("scope", ["4", "42", "420106", "4201069", "429999999999", "43", "9", "99", "999999999999",
                                   "420106001001", "1", "44"])
def test_within_selects_exactly_the_codes_that_start_with_the_scope(households, scope):
    expected = sorted(code for code in CODES if code.startswith(scope))
    assert _codes(Household.objects.within(scope)) == expected


def test_within_edge_cases(households):
    assert "420106001001" in _codes(Household.objects.within("42"))
    assert not any(code.startswith("43") for code in _codes(Household.objects.within("42")))
    assert "4" not in _codes(Household.objects.within("42"))  # shorter than the scope: outside
    assert _codes(Household.objects.within("")) == sorted(CODES)  # national: everything
    assert not Household.objects.within(None).exists()  # no region: nothing


def test_within_uses_a_range_not_like(households):
    sql = str(Household.objects.within("42").query)
    assert "LIKE" not in sql.upper()
    assert ">=" in sql and "<" in sql


def test_a_non_digit_prefix_falls_back_to_startswith(db):
    Division.objects.create(code="42", name="湖北省", level=2)
    assert "code__startswith" in str(prefix_q("code", "4a"))
    assert not Division.objects.filter(prefix_q("code", "4a")).exists()
    assert Division.objects.filter(prefix_q("code", "4")).count() == 1
    assert Division.objects.filter(prefix_q("code", "")).count() == 1

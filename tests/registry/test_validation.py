"""The one validation module: ID numbers, certificates and whole records, with errors naming fields."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from dsip.core.errors import ErrorCode
from dsip.registry.validation import (
    PersonInvalid,
    check_certificate_number,
    normalise_id_number,
    parse_id_number,
    validate_person,
)
from tests.registry.factories import make_id_number

VALID = "11010519491231002X"
TODAY = date(2025, 6, 1)


def _codes(exc: pytest.ExceptionInfo[PersonInvalid]) -> list[tuple[str, str]]:
    return [(e.field, str(e.code)) for e in exc.value.errors]


@pytest.mark.django_db
def test_valid_number_gives_birth_date_sex_and_county():
    info = parse_id_number(VALID, today=TODAY)
    assert info.number == VALID
    assert info.birth_date == date(1949, 12, 31)
    assert info.sex == "F"  # 002: even
    assert info.county_code == "110105"
    assert info.warnings == []


@pytest.mark.django_db
def test_wrong_check_character_is_refused_without_revealing_the_right_one():
    with pytest.raises(PersonInvalid) as exc:
        parse_id_number("110105194912310021", today=TODAY)
    assert _codes(exc) == [("id_number", "checksum")]
    assert "X" not in str(exc.value.errors[0].message)


def test_full_width_digits_lowercase_x_spaces_and_tabs_are_normalised():
    assert normalise_id_number(" １１０１０５ 1949\t1231 002ｘ ") == VALID
    assert normalise_id_number("11010519491231002x") == VALID


@pytest.mark.django_db
def test_normalised_number_validates():
    assert parse_id_number("１１０１０５１９４９１２３１００２ｘ", today=TODAY).number == VALID


@pytest.mark.django_db
def test_legacy_15_digit_number_is_upgraded():
    info = parse_id_number("110105491231002", today=TODAY)
    assert info.number == VALID
    assert info.upgraded_from_15 is True


@pytest.mark.django_db
def test_real_date_19491231_passes_but_20230230_is_impossible():
    assert parse_id_number(VALID, today=TODAY).birth_date == date(1949, 12, 31)
    first17 = "11010520230230002"
    from dsip.registry.validation import check_char

    with pytest.raises(PersonInvalid) as exc:
        parse_id_number(first17 + check_char(first17), today=TODAY)
    assert _codes(exc) == [("id_number", "birth_date")]


@pytest.mark.django_db
def test_future_birth_date_is_refused():
    number = make_id_number(county="420106", birth=date(2026, 1, 1))
    with pytest.raises(PersonInvalid) as exc:
        parse_id_number(number, today=TODAY)
    assert _codes(exc) == [("id_number", "birth_date")]


@pytest.mark.django_db
def test_unknown_province_is_refused():
    number = make_id_number(county="990101")
    with pytest.raises(PersonInvalid) as exc:
        parse_id_number(number, today=TODAY)
    assert ("id_number", "province") in _codes(exc)


@pytest.mark.django_db
def test_unknown_county_is_a_warning_not_an_error():
    info = parse_id_number(make_id_number(county="429999"), today=TODAY)
    assert [(w.field, w.code) for w in info.warnings] == [("id_number", "unknown_county")]


@pytest.mark.django_db
def test_abolished_county_110103_is_accepted_without_warning():
    # 崇文区 was abolished in 2010; people born there keep their numbers.
    info = parse_id_number(make_id_number(county="110103", birth=date(1990, 1, 1)), today=TODAY)
    assert info.warnings == []


@pytest.mark.django_db
def test_county_created_after_birth_year_is_not_refused():
    # 110111 房山区 exists from 1986 on; stdnum.cn.ric rejects a 1960 birth there. We do not.
    info = parse_id_number(make_id_number(county="110111", birth=date(1960, 1, 1)), today=TODAY)
    assert info.number.startswith("110111")


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("123", "length"),
        ("11010519491231002Y", "format"),
        ("1101051949123100", "length"),
        ("11010549123100A", "format"),
    ],
)
@pytest.mark.django_db
def test_malformed_numbers_name_the_field(number, code):
    with pytest.raises(PersonInvalid) as exc:
        parse_id_number(number, field="guardian_id", today=TODAY)
    assert _codes(exc) == [("guardian_id", code)]


# --- certificates -------------------------------------------------------------------


def test_certificate_matching_id_category_and_level_passes():
    assert check_certificate_number(VALID + "42", id_number=VALID, category="4", level="2") == VALID + "42"


def test_certificate_with_b2_suffix_and_lowercase_x_passes():
    assert check_certificate_number("11010519491231002x42b2", id_number=VALID, category="4", level="2") == VALID + "42B2"


@pytest.mark.parametrize(
    ("number", "codes"),
    [
        ("11010519491231003X42", ["id_mismatch"]),
        (VALID + "52", ["category_mismatch"]),
        (VALID + "43", ["level_mismatch"]),
        (VALID + "4", ["length"]),
        (VALID + "42B2X", ["length"]),
        (VALID + "42C1", ["suffix"]),
    ],
)
def test_certificate_mismatches(number, codes):
    with pytest.raises(PersonInvalid) as exc:
        check_certificate_number(number, id_number=VALID, category="4", level="2")
    assert [e.code for e in exc.value.errors] == codes
    assert {e.field for e in exc.value.errors} == {"certificate_number"}


# --- whole records --------------------------------------------------------------------


def _record(**overrides):
    data = {
        "name": " 王 芳 ",
        "id_number": VALID,
        "division_code": "420106",
        "household_type": "非农业",
        "phone": "１３９ 1234 5678",
        "certificate_number": VALID + "42",
        "category": "4",
        "level": "2",
        "issue_date": "2020-01-01",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_whole_record_is_cleaned(wuchang):
    clean = validate_person(_record(), today=TODAY)
    assert clean.name == "王 芳"
    assert clean.sex == "F"
    assert clean.birth_date == date(1949, 12, 31)
    assert clean.household_type == "N"
    assert clean.phone == "13912345678"
    assert clean.ethnicity == "01"
    assert clean.issue_date == date(2020, 1, 1)


@pytest.mark.django_db
def test_twelve_digit_official_division_code_is_accepted(wuchang_township):
    assert validate_person(_record(division_code="420106001000"), today=TODAY).division_code == "420106001"


@pytest.mark.django_db
def test_all_errors_are_collected_at_once(wuchang):
    with pytest.raises(PersonInvalid) as exc:
        validate_person(_record(name="", sex="M", phone="12345", household_type="", division_code="429998",
                                certificate_number=VALID + "43"), today=TODAY)
    fields = {e.field for e in exc.value.errors}
    assert {"name", "sex", "phone", "household_type", "division_code", "certificate_number"} <= fields


@pytest.mark.django_db
def test_sex_and_birth_date_given_explicitly_must_match_the_id(wuchang):
    with pytest.raises(PersonInvalid) as exc:
        validate_person(_record(sex="男", birth_date="1950-01-01"), today=TODAY)
    assert set(_codes(exc)) == {("sex", "id_mismatch"), ("birth_date", "id_mismatch")}
    assert validate_person(_record(sex="女", birth_date="19491231"), today=TODAY).sex == "F"


@pytest.mark.django_db
def test_division_outside_scope_is_refused(wuchang, hongshan):
    with pytest.raises(PersonInvalid) as exc:
        validate_person(_record(division_code="420111"), scope="420106", today=TODAY)
    assert _codes(exc) == [("division_code", ErrorCode.OUT_OF_SCOPE)]


@pytest.mark.django_db
def test_landline_with_area_code_is_accepted(wuchang):
    assert validate_person(_record(phone="027-8765 4321"), today=TODAY).phone == "02787654321"


@pytest.mark.django_db
def test_multiple_disability_keeps_components_and_takes_the_most_severe_level(wuchang):
    clean = validate_person(_record(certificate_number=VALID + "72", category="7", level="2",
                                    components="1:2,4:3"), today=TODAY)
    assert clean.components == [("1", "2"), ("4", "3")]
    with pytest.raises(PersonInvalid) as exc:
        validate_person(_record(certificate_number=VALID + "73", category="7", level="3",
                                components=[("1", "2"), ("4", "3")]), today=TODAY)
    assert ("level", "components") in _codes(exc)


@pytest.mark.django_db
def test_components_on_a_single_disability_are_refused(wuchang):
    with pytest.raises(PersonInvalid) as exc:
        validate_person(_record(components="1:2,4:3"), today=TODAY)
    assert _codes(exc) == [("components", "not_multiple")]


@pytest.mark.django_db
def test_messages_name_the_field_in_english(wuchang):
    with pytest.raises(PersonInvalid) as exc, translation.override("en"):
        validate_person(_record(phone="123"), today=TODAY)
    with translation.override("en"):
        assert str(exc.value.errors[0].message).startswith("Phone:")

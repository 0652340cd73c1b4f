import pytest

from dsip.regions.codes import CodeError, ancestor_codes, canonical, parent_code, parse


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("420106000000", "420106"),
        ("420106001000", "420106001"),
        ("420106001002", "420106001002"),
        ("420000000000", "42"),
        ("420100", "4201"),
        ("4201", "4201"),
        ("42", "42"),
        ("441900003000", "441900003"),  # 东莞: townships directly under a prefecture without counties
    ],
)
def test_canonical_drops_trailing_zero_segments(raw, expected):
    assert canonical(raw) == expected


@pytest.mark.parametrize("raw", ["", "abc", "4201061", "00", "420006", "420106000001", "４２"])
def test_canonical_rejects_malformed_codes(raw):
    with pytest.raises(CodeError):
        canonical(raw)


def test_parse_accepts_what_people_type():
    assert parse("４２０１ ０６") == "420106"
    assert parse(" 420106001\t") == "420106001"
    assert parse(420106001001.0) == "420106001001"  # a code Excel stored as a number


def test_parent_and_ancestors():
    assert parent_code("420106001001") == "420106001"
    assert parent_code("42") is None
    assert ancestor_codes("420106001") == ["42", "4201", "420106"]

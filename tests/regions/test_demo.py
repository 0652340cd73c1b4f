import pytest

from dsip.core.errors import DomainError
from dsip.regions.models import Division, Level
from dsip.regions.services import divisions_generate_demo


def test_demo_townships_and_villages_are_marked_and_idempotent(wuchang):
    first = divisions_generate_demo(county="420106", townships=3, villages=4)
    second = divisions_generate_demo(county="420106", townships=3, villages=4)

    demo = Division.objects.filter(is_demo=True)
    assert first.created == 3 + 3 * 4 and second.created == 0 and second.unchanged == 15
    assert demo.count() == 15
    assert all(d.code.startswith("420106") and d.name.startswith("示范") and d.urban_rural for d in demo)
    assert demo.get(code="420106901").name == "示范街道01"
    assert demo.get(code="420106901001").name == "示范社区0101"
    assert demo.filter(level=Level.VILLAGE, urban_rural="220").exists()  # some rural villages


def test_demo_never_overwrites_a_real_division(wuchang):
    Division.objects.create(code="420106901", name="真实街道", level=9, parent=wuchang)

    report = divisions_generate_demo(county="420106", townships=2, villages=2)

    assert Division.objects.get(code="420106901").name == "真实街道"
    assert report.skipped_real == 1
    assert not Division.objects.filter(parent_id="420106901").exists()


def test_demo_needs_a_loaded_county(db):
    with pytest.raises(DomainError):
        divisions_generate_demo(county="420106")

"""Valid persons for the screen, API and export tests, registered through the real service."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from dsip.registry import services
from dsip.registry.validation import check_char

SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红"


def id_number(county: str = "420106", birth: date = date(1980, 1, 1), seq: int = 1) -> str:
    """A valid 18-character ID; odd ``seq`` is male, even female."""
    first17 = f"{county}{birth:%Y%m%d}{seq:03d}"
    return first17 + check_char(first17)


def person_data(n: int = 0, *, county: str = "420106", **overrides: Any) -> dict[str, Any]:
    # Distinct birth dates and names keep the duplicate detector quiet.
    birth = date(1950, 1, 1) + timedelta(days=37 * n)
    number = id_number(county, birth, seq=101 + 2 * (n % 400))
    data: dict[str, Any] = {
        "name": SURNAMES[n % len(SURNAMES)] + GIVEN[(n // len(SURNAMES)) % len(GIVEN)] + GIVEN[n % len(GIVEN)],
        "id_number": number,
        "division_code": county,
        "household_type": "N",
        "phone": f"138{n:08d}",
        "address": "湖北省武汉市武昌区中北路100号",
        "certificate_number": number + "42",
        "category": "4",
        "level": "2",
    }
    data.update(overrides)
    return data


def register(actor: Any, n: int = 0, **overrides: Any) -> Any:
    return services.person_register(actor=actor, data=person_data(n, **overrides), source="entry")

"""Registry test data that goes through the real service, so sealed fields, history and audit are real.

``PersonFactory(division="420106")`` registers a valid person (unique ID number with a correct check
character, matching certificate) as the system actor unless ``actor=`` is given; any
``person_register`` data key can be overridden (``name=``, ``birth_date=date(...)``, ``category=``…).
``make_id_number(...)`` builds valid ID numbers for tests that type them.
"""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

import factory

from dsip.registry.choices import VersionSource
from dsip.registry.models import Person
from dsip.registry.validation import check_char

_sequence = itertools.count(1)
_NAMES = "张伟 王芳 李娜 刘洋 陈静 杨磊 赵敏 黄勇 周杰 吴霞 徐明 孙丽 马超 朱红 胡斌 郭涛".split()


def make_id_number(*, county: str = "420106", birth: date = date(1980, 5, 17), seq: int | None = None,
                   sex: str = "M") -> str:
    """A valid 18-character ID; ``seq`` (0–999) is adjusted to be odd for M and even for F."""
    n = next(_sequence) if seq is None else seq
    n = n % 500 * 2 + (1 if sex == "M" else 0)
    first17 = f"{county}{birth:%Y%m%d}{n:03d}"
    return first17 + check_char(first17)


def person_data(*, division: str = "420106", **overrides: Any) -> dict[str, Any]:
    """A valid ``person_register`` data dict (ID in the division's county)."""
    n = next(_sequence)
    birth = overrides.pop("birth_date", None) or date(1950 + n % 50, 1 + n % 12, 1 + n % 28)
    sex = overrides.pop("sex", "M" if n % 2 else "F")
    county = overrides.pop("county", division[:6].ljust(6, "1"))
    id_number = overrides.pop("id_number", None) or make_id_number(county=county, birth=birth, sex=sex, seq=n % 1000)
    category = overrides.pop("category", "4")
    level = overrides.pop("level", "2" if category else "")
    data: dict[str, Any] = {
        "name": _NAMES[n % len(_NAMES)] + ("" if n < len(_NAMES) else "甲乙丙丁戊己庚辛"[n // len(_NAMES) % 8]),
        "id_number": id_number,
        "division_code": division,
        "household_type": "N",
        "address": f"湖北省武汉市武昌区积玉桥街道{n}号",
        "phone": f"139{n:08d}",
        "certificate_number": f"{id_number}{category}{level}" if category else "",
        "category": category,
        "level": level,
        "issue_date": date(2020, 1, 1),
    }
    data.update(overrides)
    return data


class PersonFactory(factory.Factory):
    """Registers a person through ``person_register``; pass ``actor=`` to register as a user."""

    class Meta:
        model = Person

    division = "420106"
    actor = None
    source = VersionSource.ENTRY

    @classmethod
    def _create(cls, model_class: type[Person], *args: Any, division: str = "420106", actor: Any = None,
                source: str = VersionSource.ENTRY, **kwargs: Any) -> Person:
        from dsip.registry.services import person_register

        return person_register(actor=actor, data=person_data(division=division, **kwargs), source=source)

    @classmethod
    def _build(cls, model_class: type[Person], *args: Any, **kwargs: Any) -> Person:
        raise NotImplementedError("PersonFactory only creates: use person_data() for unsaved data")

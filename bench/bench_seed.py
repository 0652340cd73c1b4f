"""Seed N persons (default 1,000,000) into PostgreSQL, then COPY the very same rows again as the reference.

    DSIP_DATABASE_URL=postgres://postgres@127.0.0.1:5432/dsip_bench .venv/bin/python bench/bench_seed.py [--persons N]

Prints the seed time, the raw COPY time of the same rows (dumped with COPY TO, truncated, loaded
again with COPY FROM in the same index mode) and the ratio. The target is ≤ 120 s for 1M persons.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _common import ensure_divisions, reset_registry, setup_django

TABLES = ("registry_household", "registry_person", "registry_certificate", "registry_certificatecomponent",
          "registry_personversion")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--province", default="42")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    setup_django()
    from django.db import connection, transaction

    from dsip.registry import seed as seeding
    from dsip.registry.models import (
        Certificate,
        CertificateComponent,
        Household,
        Person,
        PersonVersion,
    )

    print(f"counties in {args.province}: {ensure_divisions(args.province)}")
    reset_registry()
    start = time.perf_counter()
    result = seeding.seed_persons(persons=args.persons, province=args.province, seed=args.seed, workers=args.workers,
                                  progress=lambda d, t: print(f"\rseed {d:,}/{t:,}", end="", flush=True))
    seed_s = time.perf_counter() - start
    print(f"\nseed: {result.persons:,} persons over {result.counties} counties in {seed_s:.1f} s "
          f"({result.persons / seed_s:,.0f} persons/s)")

    # The reference: the same rows, already prepared, through COPY alone.
    with tempfile.TemporaryDirectory(prefix="dsip-bench-") as tmp:
        files = {}
        with connection.cursor() as cursor:
            raw = cursor.cursor
            for table in TABLES:
                files[table] = Path(tmp) / f"{table}.copy"
                with open(files[table], "wb") as fh, raw.copy(f"COPY {table} TO STDOUT") as copy:  # noqa: S608
                    for block in copy:
                        fh.write(block)
        reset_registry()
        start = time.perf_counter()
        with transaction.atomic(), seeding._bulk_load_mode(
            (Household, Person, Certificate, CertificateComponent, PersonVersion), args.persons >= seeding.BULK_MODE_FROM
        ):
            with connection.cursor() as cursor:
                raw = cursor.cursor
                for table in TABLES:
                    with open(files[table], "rb") as fh, raw.copy(f"COPY {table} FROM STDIN") as copy:  # noqa: S608
                        while block := fh.read(1 << 20):
                            copy.write(block)
        copy_s = time.perf_counter() - start
        with transaction.atomic():  # the reference loaded explicit ids: move the sequences past them
            seeding._fix_sequences((Household, Person, Certificate, CertificateComponent, PersonVersion))
    print(f"raw COPY of the same rows: {copy_s:.1f} s")
    print(f"ratio seed / raw COPY: {seed_s / copy_s:.2f}")
    print(f"target: 1,000,000 persons in at most 120 s -> {'met' if args.persons >= 1_000_000 and seed_s <= 120 else 'see figures'}")


if __name__ == "__main__":
    main()

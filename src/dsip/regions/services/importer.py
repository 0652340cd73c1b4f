"""Importing townships (9) and villages (12) from an official statistical division list.

Rules (documented in docs/data-formats.md "Division list"):

- Every code must be the 12-digit statistical form.
- Township and village rows are created or updated (name, urban-rural class).
- Province, prefecture and county rows are matched, never added: when the code
  is already known (``dsip regions load-base``) the row is skipped; otherwise it
  is a ``wrong_level`` error. The one exception is a statistical zone (经济技术
  开发区 …, 5th digit 7), which exists only in the statistical list and is added
  as a county-level division so its townships have a parent.
- A row's parent must exist in the database or on an earlier line of the file.
- Nothing is written unless every row is valid, or ``skip_invalid`` is set.
  The whole import is one transaction; rows are streamed and written in
  batches, so a 600,000-village file does not sit in memory.
- Codes missing from the file are left alone (a file may cover one county).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext as _

from dsip.accounts.roles import Action, may
from dsip.audit.models import Outcome
from dsip.audit.services import audit_record
from dsip.core.errors import DomainError, ErrorCode
from dsip.core.outbox import outbox_append
from dsip.regions.codes import CodeError, canonical, normalise, parent_code
from dsip.regions.models import Division, Level, UrbanRural
from dsip.regions.readers import SourceRow, read_division_rows

SOURCE_IMPORT = "import"
BATCH_SIZE = 5000
MAX_PROBLEMS_KEPT = 2000
NAME_MAX = Division._meta.get_field("name").max_length
URBAN_RURAL_CODES = frozenset(UrbanRural.values)


class ProblemCode:
    MALFORMED_CODE = "malformed_code"
    WRONG_LEVEL = "wrong_level"
    UNKNOWN_PARENT = "unknown_parent"
    DUPLICATE_CODE = "duplicate_code"
    BAD_URBAN_RURAL = "bad_urban_rural"
    MISSING_NAME = "missing_name"
    NAME_TOO_LONG = "name_too_long"


@dataclass(frozen=True)
class RowProblem:
    line: int
    field: str
    code: str
    message: str
    value: str = ""


@dataclass
class ImportReport:
    source: str = ""
    file_format: str = ""
    rows: int = 0
    valid: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_existing: int = 0
    invalid_rows: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    problems_truncated: bool = False
    written: bool = False
    dry_run: bool = False
    skip_invalid: bool = False

    @property
    def ok(self) -> bool:
        return self.invalid_rows == 0

    def counts(self) -> dict[str, Any]:
        return {
            "file": self.source, "format": self.file_format, "rows": self.rows, "valid": self.valid,
            "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
            "skipped_existing": self.skipped_existing, "invalid_rows": self.invalid_rows,
            "skip_invalid": self.skip_invalid, "written": self.written,
        }


class _Rollback(Exception):
    """Raised inside the transaction to undo a dry run or a refused import."""


@dataclass
class _Pending:
    code: str
    name: str
    level: int
    urban_rural: str


class _Importer:
    def __init__(self, report: ImportReport, progress: Callable[[int], None] | None) -> None:
        self.report = report
        self.progress = progress
        # Codes that can be parents: all non-village divisions in the database, plus
        # every valid non-village code seen so far in the file.
        self.known_parents: set[str] = set(
            Division.objects.filter(level__lt=Level.VILLAGE).values_list("code", flat=True)
        )
        self.base_codes: set[str] = {c for c in self.known_parents if len(c) <= Level.COUNTY}
        self.seen: dict[str, int] = {}
        self.pending: list[_Pending] = []

    def problem(self, row: SourceRow, field_name: str, code: str, message: str, value: object = "") -> None:
        if len(self.report.problems) < MAX_PROBLEMS_KEPT:
            self.report.problems.append(RowProblem(row.line, field_name, code, message, str(value)[:40]))
        else:
            self.report.problems_truncated = True

    def check(self, row: SourceRow) -> _Pending | None:
        """Validate one row; record its problems and return what to write (None: nothing)."""
        problems_before = len(self.report.problems) + self.report.problems_truncated
        raw = normalise(row.code)
        code = ""
        if len(raw) != 12 or not raw.isdigit():
            self.problem(row, "code", ProblemCode.MALFORMED_CODE,
                         _("a statistical division code has 12 digits"), row.code)
        else:
            try:
                code = canonical(raw)
            except CodeError as exc:
                self.problem(row, "code", ProblemCode.MALFORMED_CODE, str(exc), row.code)
        if not row.name:
            self.problem(row, "name", ProblemCode.MISSING_NAME, _("the name is empty"))
        elif len(row.name) > NAME_MAX:
            self.problem(row, "name", ProblemCode.NAME_TOO_LONG,
                         _("the name is longer than %(n)d characters") % {"n": NAME_MAX}, row.name)
        if row.urban_rural and row.urban_rural not in URBAN_RURAL_CODES:
            self.problem(row, "urban_rural", ProblemCode.BAD_URBAN_RURAL,
                         _("not one of %(codes)s") % {"codes": ", ".join(sorted(URBAN_RURAL_CODES))}, row.urban_rural)
        pending = None
        if code:
            pending = self._check_code(row, code)
        had_problems = len(self.report.problems) + self.report.problems_truncated > problems_before
        if had_problems:
            self.report.invalid_rows += 1
            return None
        return pending

    def _check_code(self, row: SourceRow, code: str) -> _Pending | None:
        if code in self.seen:
            self.problem(row, "code", ProblemCode.DUPLICATE_CODE,
                         _("this code is already on line %(line)d") % {"line": self.seen[code]}, code)
            return None
        self.seen[code] = row.line
        level = len(code)
        statistical_zone = level == Level.COUNTY and code[4] == "7"
        if level <= Level.COUNTY and not statistical_zone:
            if code in self.base_codes:
                self.report.skipped_existing += 1
                return None
            self.problem(row, "code", ProblemCode.WRONG_LEVEL,
                         _("province, prefecture and county codes come from `dsip regions load-base`; "
                           "this one is not among them"), code)
            return None
        parent = parent_code(code)
        if parent not in self.known_parents:
            self.problem(row, "code", ProblemCode.UNKNOWN_PARENT,
                         _("the parent division %(parent)s is neither loaded nor on an earlier line")
                         % {"parent": parent}, code)
            return None
        return _Pending(code=code, name=row.name, level=level, urban_rural=row.urban_rural)

    def accept(self, pending: _Pending) -> None:
        self.report.valid += 1
        if pending.level < Level.VILLAGE:
            self.known_parents.add(pending.code)
        self.pending.append(pending)
        if len(self.pending) >= BATCH_SIZE:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        batch, self.pending = self.pending, []
        existing = {
            code: rest for code, *rest in Division.objects.filter(code__in=[p.code for p in batch])
            .values_list("code", "name", "urban_rural", "abolished").order_by()
        }
        to_create: list[_Pending] = []
        to_update: list[Division] = []
        for p in batch:
            current = existing.get(p.code)
            if current is None:
                to_create.append(p)
            elif tuple(current) != (p.name, p.urban_rural, False):
                # bulk_update needs only the key and the updated fields.
                to_update.append(Division(code=p.code, name=p.name, urban_rural=p.urban_rural, abolished=False))
            else:
                self.report.unchanged += 1
        _insert(to_create)
        Division.objects.bulk_update(to_update, ["name", "urban_rural", "abolished"], batch_size=BATCH_SIZE)
        self.report.created += len(to_create)
        self.report.updated += len(to_update)
        if self.progress:
            self.progress(self.report.rows)


def _insert(rows: list[_Pending]) -> None:
    """Insert new divisions with one executemany.

    Rows were validated above (code pattern, parent, class, name length), so
    neither full_clean() (a parent query per row) nor the ORM's per-object
    SQL compilation is needed; skipping both makes a 600,000-village list
    several times faster. Plain INSERT works the same on SQLite and PostgreSQL.
    """
    if not rows:
        return
    meta = Division._meta
    names = ["code", "name", "level", "parent", "urban_rural", "abolished", "source", "is_demo"]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(n).column) for n in names)
    placeholders = ", ".join(["%s"] * len(names))
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608 - names from model meta
    values = [(p.code, p.name, p.level, parent_code(p.code), p.urban_rural, False, SOURCE_IMPORT, False) for p in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)


def divisions_import(
    *,
    path: str | Path,
    skip_invalid: bool = False,
    dry_run: bool = False,
    encoding: str = "auto",
    actor: Any = None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Validate and import a statistical division list; returns a report of every bad row.

    ``actor`` is the signed-in user for web uploads (must hold ``regions.manage``);
    commands run as the system actor set by ``actor_context``.
    """
    if actor is not None and getattr(actor, "is_authenticated", False) and not may(actor, Action.REGIONS_MANAGE):
        raise DomainError(code=ErrorCode.FORBIDDEN, status=403)
    report = ImportReport(source=Path(path).name, dry_run=dry_run, skip_invalid=skip_invalid)
    report.file_format, rows = read_division_rows(path, encoding=encoding)
    try:
        with transaction.atomic():
            importer = _Importer(report, progress)
            for row in rows:
                report.rows += 1
                pending = importer.check(row)
                if pending is not None:
                    importer.accept(pending)
            importer.flush()
            if dry_run or (report.invalid_rows and not skip_invalid):
                raise _Rollback
            report.written = True
            _record(report, actor)
    except _Rollback:
        # Counts stay: for a dry run they say what would have been written.
        if not dry_run:
            _record(report, actor)
    return report


def _record(report: ImportReport, actor: Any) -> None:
    counts = report.counts()
    outcome = Outcome.SUCCESS if report.written else Outcome.FAILURE
    audit_record(action="regions.import", object_type="division", object_id=report.source, changes=counts,
                 outcome=outcome, actor=actor)
    if report.written and (report.created or report.updated):
        outbox_append(topic="divisions.changed", aggregate_type="division", aggregate_id="import", payload=counts)

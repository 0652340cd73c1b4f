"""Bulk import of person files: create a batch, validate every row, then apply in batches.

How a run goes (``import_batch_run``):

1. **Validate every row first.** Each row goes through ``validate_person``
   (the same rules as the entry form and the API) with the uploader's scope
   and one ``DivisionCache`` for the run; ID and certificate numbers are also
   checked against each other within the file and against the registry (one
   ``IN`` query per ``LOOKUP_CHUNK`` rows). Only line numbers and the
   errors are kept, so memory stays flat for large files.
2. **Nothing is written if any row is invalid**, unless the batch was created
   with ``skip_invalid``. Either way the error report (XLSX) lists every bad
   row with its line number, column and reason. A dry run stops here.
3. **Apply in chunks of ``APPLY_CHUNK`` rows, one transaction per chunk,**
   through ``registry.bulk`` (COPY on PostgreSQL, executemany on SQLite).
   Each chunk writes its persons, certificates, households, version 1 of each
   person (source ``import``), one ``person.registered`` outbox event per
   person, an ``ImportedRow`` marker per line and **one** audit entry
   (``person.imported``) naming the batch, the lines and the person ids. A
   crash leaves whole chunks applied and none half-applied; running the batch
   again skips the lines that have markers. The rows to write are read from
   the file again, re-validated and sealed (``prepare_row``) in a helper
   thread one chunk ahead of the writer, so nothing plain is spooled to disk
   and Python and PostgreSQL work at the same time.

An XLSX file is parsed once, by calamine in a child process
(``reader.PersonFile``, ``xlsx_worker``) that streams the rows over a pipe
for each pass, so the parsed sheet (~125 MB per 100,000 rows) never sits in
the importing process and the parsing runs on the other core.

The uploaded file rests sealed (``storage``) until the batch is done or
refused; a failed batch keeps it so it can resume.

Why not call ``person_register`` per row: it appends to the audit hash chain
(a row lock on the chain head) and runs duplicate-candidate matching for each
person, about fifteen queries per row; 100,000 rows would take many minutes
instead of the one minute the import must fit in. The bulk path keeps the
same validation, sealing (the registry's own helpers), history and outbox
per person; the audit trail gets one entry per chunk, and candidate-duplicate
matching (the same rule, ``duplicates_detect_bulk``) runs once per chunk with a
fixed number of queries, in the chunk's transaction (exact ID duplicates are
refused). Until the review workflow exists, valid rows become persons
directly; then they will become new-person change requests instead.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import logging
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from dsip.accounts.roles import Action
from dsip.audit.services import audit_record
from dsip.core.crypto import field_cipher
from dsip.core.errors import DomainError, ErrorCode
from dsip.core.masking import mask_certificate
from dsip.core.models import Job, JobStatus, OutboxEvent
from dsip.registry.bulk import Table, bulk_insert, reserve_ids
from dsip.registry.choices import PersonStatus, VersionSource
from dsip.registry.imports.reader import HEADER_OF, ImportFileError, PersonFile, Row
from dsip.registry.imports.report import ReportLine, write_report
from dsip.registry.imports.storage import (
    discard_upload,
    imports_dir,
    open_upload,
    seal_upload,
    stored_path,
)
from dsip.registry.models import (
    Certificate,
    CertificateComponent,
    Household,
    ImportBatch,
    ImportedRow,
    ImportStatus,
    Person,
    PersonVersion,
)
from dsip.registry.services._records import (
    HOUSEHOLD_FIELDS,
    SNAPSHOT_FIELDS,
    actor_label,
    actor_scope,
    certificate_blind_index,
    clean_plain,
    id_blind_index,
    mask_value,
    masked_snapshot,
    not_found,
    person_fields_from_clean,
    require,
    sealed_context,
)
from dsip.registry.services.duplicates import duplicates_detect_bulk
from dsip.registry.validation import CleanPerson, DivisionCache, PersonInvalid, validate_person

logger = logging.getLogger(__name__)

APPLY_CHUNK = 2000
LOOKUP_CHUNK = 2000
READ_AHEAD = 500  # rows the helper thread reads ahead in the first pass
JOB_KIND = "registry.import"
CERT_CONTEXT = sealed_context("certificate_number")
__all__ = ["imports_dir"]  # re-exported for the views
T = TypeVar("T")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# ---------------------------------------------------------------------------
# Creating a batch


def import_batch_create(*, actor: Any, path: str | Path, file_name: str = "", dry_run: bool = False,
                        skip_invalid: bool = False) -> tuple[ImportBatch, bool]:
    """Register an uploaded file as a batch; the same file in the same scope is the same batch.

    Returns ``(batch, needs_run)``: ``needs_run`` is False when the batch already finished (or is
    running), so uploading a file twice never imports it twice. A batch that was refused for
    invalid rows runs again when asked with ``skip_invalid``; a failed one runs again as is.
    """
    require(actor, Action.PERSON_IMPORT)
    scope = actor_scope(actor)
    if scope is None:
        raise not_found()
    source = Path(path)
    file_hash = file_sha256(source)
    seal_upload(source, file_hash=file_hash)
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        batch, created = ImportBatch.objects.select_for_update().get_or_create(
            file_hash=file_hash, division_code=scope, dry_run=dry_run,
            defaults={"file_name": (file_name or source.name)[:255], "created_by": user, "skip_invalid": skip_invalid},
        )
        needs_run = created
        if not created:
            rerun_invalid = batch.status == ImportStatus.INVALID and skip_invalid and not batch.skip_invalid
            if rerun_invalid or batch.status == ImportStatus.FAILED:
                batch.skip_invalid = batch.skip_invalid or skip_invalid
                batch.status = ImportStatus.QUEUED
                batch.save(update_fields=["skip_invalid", "status"])
                needs_run = True
        if needs_run:
            batch.job = Job.objects.create(kind=JOB_KIND, created_by=user, division_code=scope,
                                           params={"batch_id": batch.pk})
            batch.save(update_fields=["job"])
            audit_record(action="person.import_queued", object_type="registry.importbatch", object_id=batch.pk,
                         division_code=scope, actor=actor,
                         changes={"file_name": batch.file_name, "file_hash": file_hash, "dry_run": dry_run,
                                  "skip_invalid": batch.skip_invalid})
    return batch, needs_run


def stored_file(batch: ImportBatch) -> Path:
    candidate = stored_path(batch.file_hash)
    if candidate.exists():
        return candidate
    raise DomainError(code=ErrorCode.NOT_FOUND, message=_("The uploaded file of this batch is no longer stored."))


def _open_stored(batch: ImportBatch) -> BinaryIO:
    return open_upload(stored_file(batch), file_hash=batch.file_hash)


def report_path(batch: ImportBatch) -> Path:
    return imports_dir() / "reports" / f"batch-{batch.pk}.xlsx"


# ---------------------------------------------------------------------------
# Running a batch


@dataclass
class _Progress:
    batch: ImportBatch
    job: Job | None
    callback: Callable[[int, int, str], None] | None
    total: int
    done: int = 0
    _last_saved: int = -1

    def step(self, n: int, phase: str, *, force: bool = False) -> None:
        self.done += n
        if self.callback:
            self.callback(self.done, self.total, phase)
        # Save progress every 1 % (and at the end) so the page can poll without slowing the import.
        if self.job is not None and (force or self.done - self._last_saved >= max(1, self.total // 100)):
            self._last_saved = self.done
            Job.objects.filter(pk=self.job.pk).update(done=min(self.done, self.total), total=self.total,
                                                      message=phase, updated_at=timezone.now())


def _count_lines(source: BinaryIO) -> int:
    """Data rows to expect, for the progress bar only (the reader reports real errors)."""
    source.seek(0)
    if source.read(2) == b"PK":
        # Count <row> tags while inflating the first sheet's XML in blocks: loading the sheet with calamine
        # just for its height would parse it twice and hold it twice.
        try:
            with zipfile.ZipFile(source) as archive, archive.open("xl/worksheets/sheet1.xml") as sheet:
                rows, tail = 0, b""
                for block in iter(lambda: sheet.read(1 << 20), b""):
                    data = tail + block
                    rows += data.count(b"<row ") + data.count(b"<row>")
                    tail = data[-5:]
                    rows -= tail.count(b"<row ") + tail.count(b"<row>")  # counted again with the next block
                return max(0, rows - 1)
        except (KeyError, zipfile.BadZipFile, OSError):  # only an estimate for the progress bar
            return 0
    source.seek(0)
    return max(0, sum(block.count(b"\n") for block in iter(lambda: source.read(1 << 20), b"")) - 1)


def import_batch_run(*, batch_id: int, progress: Callable[[int, int, str], None] | None = None) -> ImportBatch:
    """Validate and apply one batch (idempotent: a finished batch is returned as it is)."""
    batch = ImportBatch.objects.select_related("created_by", "job").get(pk=batch_id)
    if batch.status == ImportStatus.DONE or (batch.status == ImportStatus.INVALID and not batch.skip_invalid):
        return batch
    job = batch.job
    if job is not None:
        Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, updated_at=timezone.now())
    try:
        return _run(batch, job, progress)
    except Exception as exc:
        # Record the failure for the page and the CLI, then let it propagate to the task runner's log.
        logger.exception("import batch %s failed", batch.pk)
        message = str(getattr(exc, "message", "") or _("The import stopped on an unexpected error; it has been logged. "
                                                      "Run it again: finished rows are not imported twice."))
        ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.FAILED, message=message)
        if job is not None:
            Job.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, message=message, updated_at=timezone.now())
        raise


def _set_status(batch: ImportBatch, status: str, **fields: Any) -> None:
    batch.status = status
    for name, value in fields.items():
        setattr(batch, name, value)
    batch.save(update_fields=["status", *fields])


def _run(batch: ImportBatch, job: Job | None, progress: Callable[[int, int, str], None] | None) -> ImportBatch:
    # One helper thread reads the file (both passes) and, in the second pass, re-validates and seals the next
    # chunk while this thread writes the current one: PostgreSQL's work on a chunk and Python's on the next then
    # use both cores. The helper touches no database (every division code is cached by the first pass).
    source = _open_stored(batch)
    total = _count_lines(source) * (1 if batch.dry_run else 2)
    # The file outlives the helper: its XLSX child is ended only once the helper has stopped reading from it.
    with PersonFile(source, file_name=batch.file_name) as person_file:
        del source  # an XLSX file's bytes are dropped once its child has them
        helper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-read")
        try:
            return _passes(batch, job, progress, helper, person_file, total)
        finally:
            helper.shutdown(wait=True, cancel_futures=True)


def _ahead(helper: ThreadPoolExecutor, items: Iterator[T], size: int) -> Iterator[list[T]]:
    """Lists of ``size`` items from ``items``, the next list produced in ``helper`` while the caller works."""
    following = helper.submit(_next_chunk, items, size)
    while chunk := following.result():
        following = helper.submit(_next_chunk, items, size)
        yield chunk


def _next_chunk(items: Iterator[T], size: int) -> list[T]:
    return list(itertools.islice(items, size))


def _passes(batch: ImportBatch, job: Job | None, progress: Callable[[int, int, str], None] | None,
            helper: ThreadPoolExecutor, person_file: PersonFile, total: int) -> ImportBatch:
    tracker = _Progress(batch, job, progress, total=total)
    _set_status(batch, ImportStatus.VALIDATING, message="")
    done_lines = set(ImportedRow.objects.filter(batch=batch).values_list("line", flat=True))
    divisions = DivisionCache()
    today = timezone.localdate()
    actor = batch.created_by
    try:
        outcome = _validate_all(batch, _ahead(helper, person_file.rows(), READ_AHEAD),
                                done_lines, tracker, divisions, today)
    except ImportFileError as exc:
        report = write_report(report_path(batch), batch=batch,
                              lines=[ReportLine(exc.line or 0, "", "", exc.code, exc.message, "")])
        _set_status(batch, ImportStatus.INVALID, message=exc.message, report_path=str(report),
                    total_rows=0, valid_rows=0, invalid_rows=0, processed_rows=0)
        discard_upload(batch.file_hash)
        _finish_job(job, JobStatus.FAILED, exc.message, batch)
        return batch
    report = ""
    if outcome.errors:
        report = str(write_report(report_path(batch), batch=batch, lines=outcome.errors))
    counts = {"total_rows": outcome.total, "valid_rows": outcome.valid, "invalid_rows": outcome.invalid_rows,
              "report_path": report}
    if outcome.invalid_rows and not batch.skip_invalid:
        message = _("%(n)s of %(total)s rows have errors; nothing was imported. Correct them (see the report) "
                    "and upload the file again, or import only the valid rows.") % {
            "n": outcome.invalid_rows, "total": outcome.total}
        _set_status(batch, ImportStatus.INVALID, message=message, processed_rows=0, **counts)
        discard_upload(batch.file_hash)
        _finish_job(job, JobStatus.DONE, message, batch)
        return batch
    if batch.dry_run:
        message = _("Dry run: %(valid)s valid rows, %(invalid)s rows with errors; nothing was written.") % {
            "valid": outcome.valid, "invalid": outcome.invalid_rows}
        _set_status(batch, ImportStatus.DONE, message=message, processed_rows=outcome.total, **counts)
        discard_upload(batch.file_hash)
        _finish_job(job, JobStatus.DONE, message, batch)
        return batch
    _set_status(batch, ImportStatus.APPLYING, **counts)
    tracker.total = outcome.total + outcome.valid
    tracker.done = outcome.total
    created = 0
    rows = _prepared_rows(batch, person_file.rows(), skip=outcome.invalid_lines | done_lines,
                          divisions=divisions, today=today)
    for chunk in _ahead(helper, rows, APPLY_CHUNK):
        created += apply_chunk(batch=batch, actor=actor, rows=chunk)
        tracker.step(len(chunk), "applying")
    total_created = ImportedRow.objects.filter(batch=batch).count()
    message = _("%(created)s persons imported; %(invalid)s rows with errors were skipped.") % {
        "created": total_created, "invalid": outcome.invalid_rows}
    _set_status(batch, ImportStatus.DONE, message=message, processed_rows=outcome.total,
                created_persons=total_created)
    audit_record(action="person.import_done", object_type="registry.importbatch", object_id=batch.pk,
                 division_code=batch.division_code, actor=actor,
                 changes={"created": total_created, "created_this_run": created, "invalid_rows": outcome.invalid_rows,
                          "file_hash": batch.file_hash})
    discard_upload(batch.file_hash)
    _finish_job(job, JobStatus.DONE, message, batch)
    return batch


def _finish_job(job: Job | None, status: str, message: str, batch: ImportBatch) -> None:
    if job is None:
        return
    Job.objects.filter(pk=job.pk).update(
        status=status, message=message, done=F("total"), updated_at=timezone.now(),
        result={"batch_id": batch.pk, "status": batch.status, "valid_rows": batch.valid_rows,
                "invalid_rows": batch.invalid_rows, "created_persons": batch.created_persons},
    )


# ---------------------------------------------------------------------------
# Validation pass


@dataclass
class _Outcome:
    total: int
    valid: int
    errors: list[ReportLine]
    invalid_lines: set[int]

    @property
    def invalid_rows(self) -> int:
        return len(self.invalid_lines)


def _label(field: str) -> str:
    return HEADER_OF.get(field, field)


def _key(bidx: str) -> int:
    # The first 128 bits of a blind index, as an int: half the memory of the hex text for the in-file
    # duplicate maps (200,000 rows), and a chance collision is below 1e-28.
    return int(bidx[:32], 16)


def _validate_all(batch: ImportBatch, chunks: Iterator[list[Row]], done_lines: set[int], tracker: _Progress,
                  divisions: DivisionCache, today: date) -> _Outcome:
    """First pass: every row validated and checked for duplicates; only line numbers and errors are kept."""
    errors: list[ReportLine] = []
    invalid_lines: set[int] = set()
    seen_ids: dict[int, int] = {}
    pending: list[tuple[int, str, str, str]] = []  # line, id bidx, cert bidx, name
    total = valid = 0

    def flush() -> None:
        nonlocal valid
        if not pending:
            return
        taken_ids = set(Person.objects.filter(id_number_bidx__in=[p[1] for p in pending])
                        .values_list("id_number_bidx", flat=True))
        cert_keys = [p[2] for p in pending if p[2]]
        taken_certs = set(Certificate.objects.filter(number_bidx__in=cert_keys).values_list("number_bidx", flat=True)) \
            if cert_keys else set()
        for line, bidx, cbidx, name in pending:
            row_errors = []
            if line not in done_lines:  # a line this batch already imported is not a duplicate of itself
                if bidx in taken_ids:
                    row_errors.append(ReportLine(line, _label("id_number"), "id_number", "duplicate",
                                                 _("A person with this ID number is already registered."), name))
                if cbidx and cbidx in taken_certs:
                    row_errors.append(ReportLine(line, _label("certificate_number"), "certificate_number",
                                                 "duplicate", _("Another person already holds this certificate."), name))
            if row_errors:
                errors.extend(row_errors)
                invalid_lines.add(line)
                continue
            valid += 1
        pending.clear()

    for row in itertools.chain.from_iterable(chunks):
        total += 1
        name = str(row.values.get("name", ""))[:50]
        row_errors = [ReportLine(row.line, _label(f) if f else "", f, code, msg, name) for f, code, msg in row.problems]
        try:
            clean = validate_person(row.values, scope=batch.division_code, today=today, divisions=divisions)
        except PersonInvalid as exc:
            reading = {e.field for e in row_errors}
            row_errors += [ReportLine(row.line, _label(e.field), e.field, str(e.code), str(e.message), name)
                           for e in exc.errors if e.field not in reading]
            clean = None
        except DomainError as exc:
            row_errors.append(ReportLine(row.line, "", "", str(exc.code), str(exc.message), name))
            clean = None
        if clean is not None and not row_errors:
            bidx = id_blind_index(clean.id_number)
            cbidx = certificate_blind_index(clean.certificate_number) if clean.certificate_number else ""
            # A valid certificate number starts with its holder's ID number, so a certificate repeated in the
            # file always comes with a repeated ID number: checking IDs finds both.
            id_key = _key(bidx)
            if id_key in seen_ids:
                row_errors.append(ReportLine(row.line, _label("id_number"), "id_number", "duplicate_in_file",
                                             _("The same ID number is on line %(line)s.") % {"line": seen_ids[id_key]},
                                             name))
            else:
                seen_ids[id_key] = row.line
                pending.append((row.line, bidx, cbidx, name))
                if len(pending) >= LOOKUP_CHUNK:
                    flush()
        if row_errors:
            errors.extend(row_errors)
            invalid_lines.add(row.line)
        tracker.step(1, "validating")
    flush()
    if total == 0:
        raise ImportFileError("no_rows", _("The file has headers but no data rows."))
    return _Outcome(total=total, valid=valid, errors=errors, invalid_lines=invalid_lines)


# ---------------------------------------------------------------------------
# A valid row, ready to write


@dataclass(slots=True)
class PreparedRow:
    """A validated row as column values, sensitive ones already sealed; ids are given when it is written."""

    line: int
    person: dict[str, Any]
    household: dict[str, Any] | None
    certificate: dict[str, Any] | None
    components: list[tuple[str, str]]
    snapshot: dict[str, Any]  # version 1, masked; household_id is filled in when written
    changes: dict[str, list[Any]]


_STATUS = {"status": PersonStatus.ACTIVE, "status_date": None, "status_source": ""}
# Version 1 has nothing before it: each field's "before" is what an empty value masks to.
_EMPTY = {name: mask_value(name, None) for name in SNAPSHOT_FIELDS}
_EMPTY_COMPARABLE = (None, "", [], ())


def prepare_row(line: int, clean: CleanPerson, id_bidx: str, cert_bidx: str) -> PreparedRow:
    """Column values of one row (what ``person_register`` would write), sealed with the registry's helpers."""
    cipher = field_cipher()
    person = person_fields_from_clean(clean, id_bidx=id_bidx)
    person.update(status=PersonStatus.ACTIVE, version=1)
    household = None
    if clean.has_household_status:
        household = {name: getattr(clean, name) for name in HOUSEHOLD_FIELDS}
        household["division_code"] = clean.division_code
    certificate = None
    if clean.has_certificate:
        number = clean.certificate_number
        certificate = {
            "number_enc": cipher.seal(number, context=CERT_CONTEXT), "number_bidx": cert_bidx,
            "number_mask": mask_certificate(number), "category": clean.category, "level": clean.level,
            "issue_date": clean.issue_date, "reassess_date": clean.reassess_date, "is_current": True,
        }
    plain = clean_plain(clean, status=_STATUS)
    plain["household_id"] = None
    snapshot = masked_snapshot(plain)
    changes = {name: [_EMPTY[name], snapshot[name]] for name in SNAPSHOT_FIELDS
               if plain.get(name) not in _EMPTY_COMPARABLE}
    return PreparedRow(line, person, household, certificate, list(clean.components), snapshot, changes)


def _prepared_rows(batch: ImportBatch, rows: Iterator[Row], *, skip: set[int], divisions: DivisionCache,
                   today: date) -> Iterator[PreparedRow]:
    """Second pass: the rows to write, read again and sealed (nothing but line numbers was kept in between)."""
    for row in rows:
        if row.line in skip:
            continue
        try:
            clean = validate_person(row.values, scope=batch.division_code, today=today, divisions=divisions)
        except DomainError as exc:  # the file is sealed under its hash, so this means a rule changed meanwhile
            raise DomainError(code=ErrorCode.CONFLICT, message=_(
                "Line %(line)s passed validation but fails it on the second reading; run the import again.")
                % {"line": row.line}) from exc
        id_bidx = id_blind_index(clean.id_number)
        cert_bidx = certificate_blind_index(clean.certificate_number) if clean.certificate_number else ""
        yield prepare_row(row.line, clean, id_bidx, cert_bidx)


# ---------------------------------------------------------------------------
# Applying


@functools.cache
def _tables() -> dict[str, Table]:
    return {
        "households": Table(Household), "persons": Table(Person), "certificates": Table(Certificate),
        "components": Table(CertificateComponent, with_id=False), "versions": Table(PersonVersion, with_id=False),
        "events": Table(OutboxEvent, with_id=False), "markers": Table(ImportedRow, with_id=False),
    }


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def apply_chunk(*, batch: ImportBatch, actor: Any, rows: list[PreparedRow]) -> int:
    """Write one chunk of prepared rows in one transaction (``registry.bulk``); returns the persons created.

    Persons, households, certificates and their components, version 1 of each
    person, one ``person.registered`` outbox event per person, an
    ``ImportedRow`` marker per line, the chunk's candidate duplicates and one audit
    entry commit together or not at all.
    """
    tables = _tables()
    now = timezone.now()
    actor_id, username = actor_label(actor)
    try:
        with transaction.atomic():
            person_ids = reserve_ids(Person, len(rows))
            household_ids = iter(reserve_ids(Household, sum(1 for r in rows if r.household is not None)))
            cert_ids = iter(reserve_ids(Certificate, sum(1 for r in rows if r.certificate is not None)))
            out: dict[str, list[tuple]] = {key: [] for key in tables}
            for pid, row in zip(person_ids, rows, strict=True):
                hid = None
                if row.household is not None:
                    hid = next(household_ids)
                    out["households"].append(tables["households"].row(
                        {**row.household, "id": hid, "created_at": now, "updated_at": now}))
                out["persons"].append(tables["persons"].row(
                    {**row.person, "id": pid, "household_id": hid, "created_at": now, "updated_at": now}))
                if row.certificate is not None:
                    cid = next(cert_ids)
                    out["certificates"].append(tables["certificates"].row({**row.certificate, "id": cid, "person_id": pid}))
                    out["components"] += [tables["components"].row({"certificate_id": cid, "category": c, "level": lvl})
                                          for c, lvl in row.components]
                snapshot, changes = row.snapshot, row.changes
                if hid is not None:
                    snapshot = {**snapshot, "household_id": hid}
                    changes = {**changes, "household_id": [None, hid]}
                division = row.person["division_code"]
                changes_json = _json(changes)
                out["versions"].append(tables["versions"].row({
                    "person_id": pid, "version": 1, "division_code": division, "created_at": now,
                    "actor_id": actor_id, "actor_username": username, "source": VersionSource.IMPORT,
                    "reason": f"import batch {batch.pk}, line {row.line}", "changes": changes_json,
                    "snapshot": _json(snapshot),
                }))
                out["events"].append(tables["events"].row({
                    "created_at": now, "topic": "person.registered", "aggregate_type": "person",
                    "aggregate_id": str(pid), "division_code": division,
                    "payload": _json({"person_id": pid, "version": 1, "fields": sorted(changes), "changes": changes,
                                      "source": "import", "batch_id": batch.pk}),
                }))
                out["markers"].append(tables["markers"].row({"batch_id": batch.pk, "line": row.line, "person_id": pid}))
            # Parents before children, so foreign keys hold at every statement.
            for key in ("households", "persons", "certificates", "components", "versions", "events", "markers"):
                bulk_insert(tables[key], out[key])
            # Candidate duplicates in the same transaction: a crash leaves no pairs of unwritten persons,
            # and a rerun (which skips this chunk's lines) cannot add them twice.
            candidates = duplicates_detect_bulk(person_ids=person_ids)
            audit_record(
                action="person.imported", object_type="registry.importbatch", object_id=batch.pk,
                division_code=batch.division_code, actor=actor,
                changes={"persons": len(rows), "lines": [rows[0].line, rows[-1].line],
                         "person_ids": [min(person_ids), max(person_ids)], "file_hash": batch.file_hash,
                         "duplicate_candidates": candidates},
            )
            # Markers and this count commit together, so the count always equals the markers.
            ImportBatch.objects.filter(pk=batch.pk).update(created_persons=F("created_persons") + len(rows))
    except IntegrityError as exc:
        raise DomainError(
            code=ErrorCode.CONFLICT, status=409,
            message=_("Lines %(first)s–%(last)s: a person or certificate in them was registered meanwhile. "
                      "Run the import again; it will report that row.") % {"first": rows[0].line, "last": rows[-1].line},
        ) from exc
    return len(rows)

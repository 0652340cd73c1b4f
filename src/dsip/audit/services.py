"""Writing to the audit trail. Every state-changing service calls ``audit_record``.

Appends are serialised by a row lock on the single ``AuditHead`` row, held
until the caller's transaction commits. So call ``audit_record`` as the last
write of a service: the lock then lasts only as long as the commit, and no
transaction waits for the head while holding locks another one needs.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dsip.audit.chain import GENESIS, HASHED_FIELDS, entry_digest
from dsip.audit.models import AuditEntry, AuditHead, Outcome
from dsip.audit.redaction import UnmaskedValueError, assert_masked, find_unmasked, redact_text
from dsip.core import context
from dsip.core.crypto import CHAIN_HASH_NAME
from dsip.core.errors import DomainError, ErrorCode

__all__ = [
    "GENESIS", "HASHED_FIELDS", "PruneResult", "UnmaskedValueError", "assert_masked", "audit_prune",
    "audit_record", "entry_digest", "find_unmasked",
]

PRUNE_ACTION = "audit.prune"
# Cybersecurity Law art. 21: network logs kept at least six months. Settings
# refuse less at start-up; this guards against an override in code or tests.
MIN_RETENTION_DAYS = 180


def retention_days() -> int:
    return max(settings.DSIP_AUDIT_RETENTION_DAYS, MIN_RETENTION_DAYS)


def _jsonable(value: Any) -> Any:
    """A JSON value that reads back identically from SQLite JSON and PostgreSQL jsonb.

    Floats become text because jsonb rewrites some of them (``1e+20``, ``-0.0``)
    and the hash would no longer match; NUL characters are refused by
    PostgreSQL, so they are replaced. Strings are masked (see ``redaction``).
    """
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        text = str(value)
        return redact_text(text) if find_unmasked(text) else value
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else str(value)
    if isinstance(value, dict):
        return {_text(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((_jsonable(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    return _text(value)


def _text(value: Any) -> str:
    return redact_text(str(value).replace("\x00", "\ufffd"))


def _head_for_update() -> AuditHead:
    try:
        return AuditHead.objects.select_for_update().get(id=1)
    except AuditHead.DoesNotExist:
        # First entry ever: two racing creators meet on the primary key, and
        # get_or_create turns the loser's IntegrityError into a read.
        AuditHead.objects.get_or_create(id=1, defaults={"last_hash": GENESIS, "base_hash": GENESIS})
        return AuditHead.objects.select_for_update().get(id=1)


def audit_record(
    *,
    action: str,
    object_type: str = "",
    object_id: Any = "",
    division_code: str = "",
    changes: Any = None,
    reason: str = "",
    outcome: str = Outcome.SUCCESS,
    actor: Any = None,
) -> AuditEntry:
    """Append one entry. Runs in the caller's transaction: a rolled-back change leaves no entry.

    ``changes`` must hold masked values only (``{"phone": {"from": "138****0000", "to": …}}``
    or a list of field names); anything still looking like a raw ID or mobile
    number is masked here. ``actor`` defaults to the user of the current request,
    command or task (``dsip.core.context``); a string names a non-user actor.
    """
    ctx = context.current()
    actor = actor if actor is not None else ctx.user
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    if authenticated:
        username = actor.get_username()
    elif isinstance(actor, str):
        username = actor
    else:
        username = ""
    with transaction.atomic():
        head = _head_for_update()
        entry = AuditEntry(
            seq=head.last_seq + 1,
            created_at=timezone.now(),
            actor_id=actor.pk if authenticated else None,
            actor_username=username[:150],
            org_unit_id=getattr(actor, "org_unit_id", None) if authenticated else None,
            action=action,
            outcome=str(outcome),
            object_type=object_type or "",
            object_id="" if object_id is None else str(object_id),
            division_code=division_code or "",
            changes=_jsonable(changes if changes is not None else {}),
            reason=_text(reason or ""),
            ip=(ctx.ip or "")[:45],
            request_id=(ctx.request_id or "")[:32],
            channel=(ctx.channel or "")[:10],
            hash_alg=CHAIN_HASH_NAME,
            prev_hash=head.last_hash or GENESIS,
            hash="0" * 64,  # placeholder so full_clean passes; replaced below
        )
        # A too-long object id or an unknown outcome is a programming error: fail
        # loudly rather than let PostgreSQL truncate or SQLite store it.
        entry.full_clean(validate_unique=False, validate_constraints=False)
        entry.hash = entry_digest({name: getattr(entry, name) for name in HASHED_FIELDS})
        entry.save(force_insert=True)
        head.last_seq = entry.seq
        head.last_hash = entry.hash
        head.save(update_fields=["last_seq", "last_hash"])
    return entry


@dataclass(frozen=True)
class PruneResult:
    cutoff: datetime
    through_seq: int  # the checkpoint: every entry up to this seq is gone
    deleted: int


def _prunable_through(head: AuditHead, cutoff: datetime) -> int:
    """The highest seq such that it and every entry before it are older than ``cutoff``.

    Not simply "the newest old entry": clocks of several app servers can
    disagree a little, and an entry inside the retention period must never go.
    """
    first_young = (
        AuditEntry.objects.filter(created_at__gte=cutoff).order_by("seq").values_list("seq", flat=True).first()
    )
    return head.last_seq if first_young is None else first_young - 1


def audit_prune(*, now: datetime | None = None, batch_size: int = 10_000, dry_run: bool = False,
                actor: Any = None) -> PruneResult:
    """Delete entries older than ``DSIP_AUDIT_RETENTION_DAYS``, leaving a checkpoint for verification.

    First an ``audit.prune`` entry announcing ``through_seq``/``through_hash`` is
    chained (``verify`` insists that a checkpoint is covered by such an entry, so
    moving the checkpoint by hand is detected). Then old entries go in batches,
    each batch in its own short transaction that moves ``AuditHead.base_*``
    with it, so appends are never blocked for long and a crash leaves a valid
    checkpoint; running the command again finishes the job.
    """
    cutoff = (now or timezone.now()) - timedelta(days=retention_days())
    with transaction.atomic():
        head = _head_for_update()
        through = _prunable_through(head, cutoff)
        pending = _pending_prune(head)
        if pending is not None and pending > through:
            through = pending  # finish an interrupted run first
        if through <= head.base_seq:
            return PruneResult(cutoff, head.base_seq, 0)
        if dry_run:
            return PruneResult(cutoff, through, through - head.base_seq)
        if pending is None or pending < through:
            through_hash = AuditEntry.objects.filter(seq=through).values_list("hash", flat=True).first()
            if through_hash is None:
                raise _broken(through)
            audit_record(
                action=PRUNE_ACTION, object_type="audit_entry", actor=actor,
                changes={"through_seq": through, "through_hash": through_hash, "cutoff": cutoff.isoformat(),
                         "retention_days": retention_days(), "entries": through - head.base_seq},
            )
    deleted = 0
    while True:
        with transaction.atomic():
            head = _head_for_update()
            if head.base_seq >= through:
                break
            end = min(head.base_seq + batch_size, through)
            end_hash = AuditEntry.objects.filter(seq=end).values_list("hash", flat=True).first()
            if end_hash is None:
                raise _broken(end)
            count, _ = AuditEntry.objects.filter(seq__gt=head.base_seq, seq__lte=end).delete()
            head.base_seq, head.base_hash = end, end_hash
            head.save(update_fields=["base_seq", "base_hash"])
            deleted += count
    return PruneResult(cutoff, through, deleted)


def _pending_prune(head: AuditHead) -> int | None:
    """``through_seq`` of the newest announced prune, if it has not been carried out completely."""
    last = (
        AuditEntry.objects.filter(action=PRUNE_ACTION, seq__gt=head.base_seq)
        .order_by("-seq").values_list("changes", flat=True).first()
    )
    if not last:
        return None
    through = int(last.get("through_seq", 0))
    return through if through > head.base_seq else None


def _broken(seq: int) -> DomainError:
    return DomainError(
        code=ErrorCode.CONFLICT,
        message=_("Audit entry seq %(seq)s is missing; run “dsip audit verify” before pruning.") % {"seq": seq},
    )

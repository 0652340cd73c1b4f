"""Writing to the audit trail. Every state-changing service calls ``audit_record``."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from dsip.audit.models import AuditEntry, AuditHead, Outcome
from dsip.core import context
from dsip.core.crypto import chain_hash

GENESIS = "0" * 64
HASHED_FIELDS = (
    "seq", "created_at", "actor_id", "actor_username", "org_unit_id", "action", "outcome",
    "object_type", "object_id", "division_code", "changes", "reason", "ip", "request_id",
    "channel", "prev_hash",
)


def entry_digest(values: Mapping[str, Any]) -> str:
    """Hash of an entry's content; the same function writes and verifies."""
    payload = {}
    for name in HASHED_FIELDS:
        value = values[name]
        if name == "created_at":
            value = value.astimezone(timezone.UTC).isoformat(timespec="microseconds")
        payload[name] = value
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return chain_hash(canonical.encode())


def _head_for_update() -> AuditHead:
    AuditHead.objects.get_or_create(id=1, defaults={"last_hash": GENESIS, "base_hash": GENESIS})
    return AuditHead.objects.select_for_update().get(id=1)


def audit_record(
    *,
    action: str,
    object_type: str = "",
    object_id: Any = "",
    division_code: str = "",
    changes: Mapping[str, Any] | None = None,
    reason: str = "",
    outcome: str = Outcome.SUCCESS,
    actor: Any = None,
) -> AuditEntry:
    """Append one entry. Runs in the caller's transaction: a rolled-back change leaves no entry.

    ``changes`` must hold masked values only (``{"phone": {"from": "138****0000", "to": …}}``
    or a list of field names); raw sensitive values never reach the log.
    """
    ctx = context.current()
    actor = actor if actor is not None else ctx.user
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    with transaction.atomic():
        head = _head_for_update()
        values: dict[str, Any] = {
            "seq": head.last_seq + 1,
            "created_at": timezone.now(),
            "actor_id": actor.pk if authenticated else None,
            "actor_username": actor.get_username() if authenticated else (str(actor) if actor else ""),
            "org_unit_id": getattr(actor, "org_unit_id", None) if authenticated else None,
            "action": action,
            "outcome": str(outcome),
            "object_type": object_type,
            "object_id": str(object_id or ""),
            "division_code": division_code or "",
            "changes": json.loads(json.dumps(dict(changes or {}), default=str, ensure_ascii=False)),
            "reason": reason or "",
            "ip": ctx.ip,
            "request_id": ctx.request_id,
            "channel": ctx.channel,
            "prev_hash": head.last_hash or GENESIS,
        }
        values["hash"] = entry_digest(values)
        entry = AuditEntry.objects.create(**values)
        head.last_seq = values["seq"]
        head.last_hash = values["hash"]
        head.save(update_fields=["last_seq", "last_hash"])
    return entry


def audit_prune(*, now: Any = None) -> int:
    """Delete entries older than the retention period, leaving a checkpoint for verification."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.DSIP_AUDIT_RETENTION_DAYS)
    with transaction.atomic():
        head = _head_for_update()
        last_old = AuditEntry.objects.filter(created_at__lt=cutoff).order_by("-seq").first()
        if last_old is None:
            return 0
        deleted, _ = AuditEntry.objects.filter(seq__lte=last_old.seq).delete()
        head.base_seq = last_old.seq
        head.base_hash = last_old.hash
        head.save(update_fields=["base_seq", "base_hash"])
        audit_record(action="audit.prune", changes={"through_seq": last_old.seq, "deleted": deleted})
    return deleted

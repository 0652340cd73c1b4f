"""Verification of the audit hash chain (``dsip audit verify``)."""

from __future__ import annotations

from dataclasses import dataclass

from dsip.audit.models import AuditEntry, AuditHead
from dsip.audit.services import GENESIS, HASHED_FIELDS, entry_digest


@dataclass
class Problem:
    seq: int
    entry_id: int | None
    kind: str  # edited, deleted, reordered, truncated
    detail: str

    def __str__(self) -> str:
        where = f"entry seq {self.seq}" + (f" (id {self.entry_id})" if self.entry_id else "")
        return f"{where}: {self.kind}: {self.detail}"


@dataclass
class VerifyResult:
    checked: int
    problem: Problem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify_chain(chunk_size: int = 5000) -> VerifyResult:
    """Walk the chain in ``seq`` order and report the first broken place."""
    head = AuditHead.objects.filter(id=1).first()
    expected_seq = (head.base_seq if head else 0) + 1
    expected_prev = (head.base_hash if head and head.base_hash else GENESIS)
    checked = 0
    fields = (*HASHED_FIELDS, "hash", "id")
    for row in AuditEntry.objects.order_by("seq").values(*fields).iterator(chunk_size=chunk_size):
        seq = row["seq"]
        if seq != expected_seq:
            if seq > expected_seq:
                return VerifyResult(checked, Problem(expected_seq, None, "deleted",
                                                     f"entries {expected_seq}..{seq - 1} are missing"))
            return VerifyResult(checked, Problem(seq, row["id"], "reordered", f"expected seq {expected_seq}"))
        if entry_digest(row) != row["hash"]:
            return VerifyResult(checked, Problem(seq, row["id"], "edited", "content does not match its hash"))
        if row["prev_hash"] != expected_prev:
            return VerifyResult(checked, Problem(seq, row["id"], "reordered",
                                                 "previous-hash link does not match the entry before it"))
        expected_prev = row["hash"]
        expected_seq += 1
        checked += 1
    if head is not None and head.last_seq != expected_seq - 1:
        return VerifyResult(checked, Problem(expected_seq, None, "deleted",
                                             f"the newest entries up to seq {head.last_seq} are missing"))
    if head is not None and checked and head.last_hash != expected_prev:
        return VerifyResult(checked, Problem(expected_seq - 1, None, "edited",
                                             "the newest entry does not match the recorded chain head"))
    return VerifyResult(checked, None)

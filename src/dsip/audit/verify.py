"""Verification of the audit hash chain (``dsip audit verify``).

The walk reads entries in ``seq`` order with keyset pagination (``seq > last
ORDER BY seq LIMIT n``) on the unique ``seq`` index: memory stays flat for
millions of entries, no long-running server-side cursor is needed, and it
behaves the same on SQLite and PostgreSQL.

What it proves, and what it cannot: any edit, deletion, insertion or
reordering of entries breaks the chain, unless the editor also recomputes
every later hash and the head. The hashes are unkeyed, so someone with write
access to the database could do that; ``anchors`` (a ``seq:hash`` recorded
elsewhere, e.g. printed by an earlier verify into the operations log or sent
with the off-site backup) close that gap up to the time the anchor was taken.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from dsip.audit.chain import GENESIS, HASHED_FIELDS, UnsupportedHash, entry_digest
from dsip.audit.models import AuditEntry, AuditHead

EDITED = "edited"
DELETED = "deleted"
REORDERED = "reordered"
INSERTED = "inserted"

PRUNE_ACTION = "audit.prune"
_REORDER_WINDOW = 64  # how far from its place a moved entry is looked for when naming the damage


@dataclass
class Problem:
    seq: int
    entry_id: int | None
    kind: str  # edited, deleted, reordered, inserted
    detail: str

    def __str__(self) -> str:
        where = f"entry seq {self.seq}" + (f" (id {self.entry_id})" if self.entry_id else "")
        return f"{where}: {self.kind}: {self.detail}"


@dataclass
class VerifyResult:
    checked: int
    problem: Problem | None
    base_seq: int = 0
    last_seq: int = 0
    last_hash: str = GENESIS
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.problem is None


def iter_entries(after_seq: int, chunk_size: int = 5000) -> Iterator[dict[str, Any]]:
    """Entries with ``seq > after_seq`` in order, ``chunk_size`` rows per query."""
    fields = (*HASHED_FIELDS, "hash", "id")
    last = after_seq
    while True:
        rows = list(AuditEntry.objects.filter(seq__gt=last).order_by("seq").values(*fields)[:chunk_size])
        yield from rows
        if len(rows) < chunk_size:
            return
        last = rows[-1]["seq"]


def _written_as(row: dict[str, Any]) -> int | None:
    """The seq an entry whose content no longer matches was written with, if only its seq moved."""
    for delta in range(1, _REORDER_WINDOW + 1):
        for candidate in (row["seq"] - delta, row["seq"] + delta):
            if entry_digest({**row, "seq": candidate}) == row["hash"]:
                return candidate
    return None


def _parse_anchors(anchors: Iterable[str]) -> dict[int, str]:
    parsed: dict[int, str] = {}
    for anchor in anchors:
        seq_text, sep, digest = anchor.partition(":")
        if not sep or not seq_text.isdigit() or len(digest) != 64:
            raise ValueError(f"anchor {anchor!r} is not SEQ:HASH (64 hex digits)")
        parsed[int(seq_text)] = digest.lower()
    return parsed


def verify_chain(chunk_size: int = 5000, anchors: Iterable[str] = ()) -> VerifyResult:
    """Walk the chain in ``seq`` order and report the first broken place.

    A prune running at the same time moves the checkpoint under the walk; the
    walk then starts again from the new checkpoint (a few times at most).
    """
    wanted = _parse_anchors(anchors)
    for _attempt in range(3):
        result, restart = _walk(chunk_size, wanted)
        if not restart:
            return result
    return result


def _walk(chunk_size: int, wanted: dict[int, str]) -> tuple[VerifyResult, bool]:
    """One pass from the checkpoint; the flag asks for a restart because a prune moved it."""
    anchors = dict(wanted)
    head = AuditHead.objects.filter(id=1).first()
    base_seq = head.base_seq if head else 0
    base_hash = (head.base_hash if head else "") or GENESIS
    expected_seq, expected_prev = base_seq + 1, base_hash
    checked = 0
    announced_through = 0  # the largest through_seq of a retained audit.prune entry
    last_id: int | None = None
    warnings: list[str] = []

    def fail(problem: Problem) -> tuple[VerifyResult, bool]:
        return VerifyResult(checked, problem, base_seq, expected_seq - 1, expected_prev, warnings), False

    def checkpoint_moved() -> bool:
        fresh = AuditHead.objects.filter(id=1).values_list("base_seq", flat=True).first()
        return fresh is not None and fresh != base_seq

    while True:
        for row in iter_entries(expected_seq - 1, chunk_size):
            seq = row["seq"]
            if seq != expected_seq:
                if checkpoint_moved():
                    return VerifyResult(0, None), True
                return fail(Problem(expected_seq, None, DELETED,
                                    f"entries {expected_seq}..{seq - 1} are missing" if seq > expected_seq + 1
                                    else f"entry {expected_seq} is missing"))
            try:
                matches = entry_digest(row) == row["hash"]
            except UnsupportedHash as exc:
                return fail(Problem(seq, row["id"], EDITED, str(exc)))
            if not matches:
                written = _written_as(row)
                if written is not None:
                    return fail(Problem(seq, row["id"], REORDERED, f"this entry was written as seq {written}"))
                return fail(Problem(seq, row["id"], EDITED, "content does not match its hash"))
            if row["prev_hash"] != expected_prev:
                return fail(Problem(seq, row["id"], EDITED,
                                    f"its link to seq {seq - 1} does not match: entry {seq - 1} was changed "
                                    "and re-hashed, or this entry was replaced"))
            if last_id is not None and row["id"] < last_id:
                # Appends are serialised, so ids grow with seq; a smaller id means rows were renumbered.
                warnings.append(f"entry seq {seq} has a smaller id than the entry before it")
            if row["action"] == PRUNE_ACTION and isinstance(row["changes"], dict):
                announced_through = max(announced_through, int(row["changes"].get("through_seq", 0) or 0))
            if seq in anchors and anchors.pop(seq) != row["hash"]:
                return fail(Problem(seq, row["id"], EDITED,
                                    "hash differs from the anchor recorded earlier: the chain was rewritten"))
            expected_prev, last_id = row["hash"], row["id"]
            expected_seq += 1
            checked += 1

        last_seq = expected_seq - 1
        # Read the head after the walk: appends that committed meanwhile moved it on.
        head = AuditHead.objects.filter(id=1).first()
        if head is None:
            if checked:
                return fail(Problem(base_seq + 1, None, DELETED, "the chain head record is missing"))
            return VerifyResult(0, None, 0, 0, GENESIS, warnings), False
        if head.base_seq != base_seq:
            return VerifyResult(0, None), True
        if head.last_seq > last_seq and AuditEntry.objects.filter(seq__gt=last_seq).exists():
            continue  # entries appended during the walk: carry on from where we are
        break

    if head.last_seq > last_seq:
        return fail(Problem(last_seq + 1, None, DELETED,
                            f"the newest entries {last_seq + 1}..{head.last_seq} are missing"
                            if head.last_seq > last_seq + 1 else f"the newest entry {last_seq + 1} is missing"))
    if head.last_seq < last_seq:
        return fail(Problem(head.last_seq + 1, None, INSERTED,
                            f"entries after the recorded chain head (seq {head.last_seq}) were added"))
    if (head.last_hash or GENESIS) != expected_prev:
        return fail(Problem(last_seq, last_id, EDITED, "the newest entry does not match the recorded chain head"))
    if base_seq and announced_through < base_seq:
        return fail(Problem(base_seq, None, DELETED,
                            f"the checkpoint at seq {base_seq} is not covered by any audit.prune entry: "
                            "entries were removed outside retention pruning"))
    for seq in sorted(anchors):
        if seq <= base_seq:
            warnings.append(f"anchor seq {seq} has been pruned and cannot be checked")
        else:
            return fail(Problem(seq, None, DELETED, "the anchored entry is missing"))
    return VerifyResult(checked, None, base_seq, last_seq, expected_prev, warnings), False

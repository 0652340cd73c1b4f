"""The chain names the first entry someone tampered with, however they did it."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dsip.audit.chain import HASHED_FIELDS, entry_digest
from dsip.audit.models import AuditEntry, AuditHead
from dsip.audit.verify import DELETED, EDITED, INSERTED, REORDERED, verify_chain
from tests.audit.helpers import raw_delete, raw_swap_seq, raw_update, write_entries

pytestmark = pytest.mark.django_db


def test_an_untouched_log_verifies():
    write_entries(5)
    result = verify_chain()
    assert result.ok, result.problem
    assert result.checked == 5
    assert result.last_seq == 5


def test_an_empty_log_verifies():
    assert verify_chain().ok


def test_verify_streams_in_chunks_smaller_than_the_log():
    write_entries(7)
    result = verify_chain(chunk_size=2)
    assert result.ok and result.checked == 7


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("action", "person.delete"),
        ("changes", {"field": "phone", "to": "13800000000"}),
        ("actor_username", "somebody_else"),
        ("division_code", "420111"),
        ("reason", "nothing to see"),
        ("outcome", "failure"),
        ("object_id", "999"),
    ],
)
def test_editing_any_single_field_names_that_entry(column, value):
    entries = write_entries(5)
    raw_update(3, column, value)
    result = verify_chain()
    assert not result.ok
    assert result.problem.seq == 3
    assert result.problem.entry_id == entries[2].pk
    assert result.problem.kind == EDITED
    assert result.checked == 2


def test_deleting_a_middle_entry_names_the_missing_seq():
    write_entries(5)
    raw_delete(3)
    result = verify_chain()
    assert result.problem.seq == 3
    assert result.problem.kind == DELETED


def test_deleting_the_newest_entry_is_detected():
    write_entries(5)
    raw_delete(5)
    result = verify_chain()
    assert result.problem.seq == 5
    assert result.problem.kind == DELETED


def test_deleting_every_entry_is_detected():
    write_entries(3)
    AuditEntry.objects.all().delete()
    assert verify_chain().problem.kind == DELETED


def test_deleting_the_head_record_is_detected():
    write_entries(3)
    AuditHead.objects.all().delete()
    assert not verify_chain().ok


def test_swapping_two_entries_seq_is_reported_as_reordered():
    write_entries(5)
    raw_swap_seq(2, 4)
    result = verify_chain()
    assert result.problem.seq == 2
    assert result.problem.kind == REORDERED
    assert "seq 4" in result.problem.detail


def test_editing_an_entry_and_recomputing_its_hash_fails_at_the_next_link():
    write_entries(5)
    row = AuditEntry.objects.values(*HASHED_FIELDS).get(seq=3)
    row["action"] = "person.view"
    raw_update(3, "action", "person.view")
    raw_update(3, "hash", entry_digest(row))
    result = verify_chain()
    assert result.problem.seq == 4
    assert result.problem.kind == EDITED
    assert "seq 3" in result.problem.detail


def test_editing_the_newest_entry_and_its_hash_is_caught_by_the_head():
    write_entries(3)
    row = AuditEntry.objects.values(*HASHED_FIELDS).get(seq=3)
    row["reason"] = "rewritten"
    raw_update(3, "reason", "rewritten")
    raw_update(3, "hash", entry_digest(row))
    result = verify_chain()
    assert result.problem.seq == 3
    assert result.problem.kind == EDITED


def test_an_entry_forged_after_the_head_is_detected():
    write_entries(2)
    last = AuditEntry.objects.get(seq=2)
    forged = AuditEntry(**{f: getattr(last, f) for f in HASHED_FIELDS})
    forged.seq, forged.prev_hash = 3, last.hash
    forged.hash = entry_digest({f: getattr(forged, f) for f in HASHED_FIELDS})
    forged.save()
    result = verify_chain()
    assert result.problem.seq == 3
    assert result.problem.kind == INSERTED


def test_a_recomputed_chain_is_caught_by_an_anchor_recorded_earlier():
    write_entries(3)
    anchor = f"3:{AuditHead.objects.get().last_hash}"
    # Rewrite entry 2 and every hash after it, and the head: only an outside anchor notices.
    for seq in (2, 3):
        row = AuditEntry.objects.values(*HASHED_FIELDS).get(seq=seq)
        if seq == 2:
            row["reason"] = "rewritten"
            raw_update(2, "reason", "rewritten")
        else:
            row["prev_hash"] = AuditEntry.objects.get(seq=2).hash
            raw_update(3, "prev_hash", row["prev_hash"])
        raw_update(seq, "hash", entry_digest(row))
    head = AuditHead.objects.get()
    head.last_hash = AuditEntry.objects.get(seq=3).hash
    head.save()
    assert verify_chain().ok
    result = verify_chain(anchors=[anchor])
    assert result.problem.seq == 3


def test_the_command_prints_ok_and_the_head(capsys):
    write_entries(4)
    call_command("audit", "verify")
    out = capsys.readouterr().out
    assert "OK: 4 entries verified" in out
    assert f"head: 4:{AuditHead.objects.get().last_hash}" in out


def test_the_command_fails_naming_the_broken_entry():
    entries = write_entries(4)
    raw_update(2, "action", "auth.login")
    with pytest.raises(CommandError) as exc:
        call_command("audit", "verify")
    assert "seq 2" in str(exc.value)
    assert f"id {entries[1].pk}" in str(exc.value)
    assert "edited" in str(exc.value)


def test_the_command_exits_non_zero_from_the_shell():
    from django.core.management import execute_from_command_line

    write_entries(2)
    raw_delete(1)
    with pytest.raises(SystemExit) as exc:
        execute_from_command_line(["dsip", "audit", "--skip-checks", "verify"])
    assert exc.value.code == 1

"""Retention pruning deletes only entries past retention and leaves a chain that still verifies."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone

from dsip.audit.models import AuditEntry, AuditHead
from dsip.audit.services import audit_prune
from dsip.audit.verify import DELETED, verify_chain
from tests.audit.helpers import raw_delete, raw_update, write_entries

pytestmark = pytest.mark.django_db

T0 = timezone.now()


def _at(moment):
    return mock.patch("dsip.audit.services.timezone.now", return_value=moment)


@pytest.fixture
def old_and_new(settings):
    """Three entries written 500 days ago, two written today (retention 400 days)."""
    settings.DSIP_AUDIT_RETENTION_DAYS = 400
    with _at(T0 - timedelta(days=500)):
        write_entries(3)
    write_entries(2)


def test_prune_deletes_old_entries_and_verify_still_passes(old_and_new):
    result = audit_prune()
    assert result.deleted == 3
    assert result.through_seq == 3
    assert sorted(AuditEntry.objects.values_list("seq", flat=True)) == [4, 5, 6]
    check = verify_chain()
    assert check.ok, check.problem
    assert check.checked == 3  # two kept entries and the prune entry itself
    assert check.base_seq == 3


def test_the_prune_is_itself_audited(old_and_new):
    audit_prune()
    entry = AuditEntry.objects.get(action="audit.prune")
    assert entry.changes["through_seq"] == 3
    assert entry.changes["retention_days"] == 400


def test_prune_in_small_batches_gives_the_same_result(old_and_new):
    assert audit_prune(batch_size=1).deleted == 3
    assert AuditHead.objects.get().base_seq == 3
    assert verify_chain().ok


def test_pruning_twice_deletes_nothing_more(old_and_new):
    audit_prune()
    assert audit_prune().deleted == 0
    assert verify_chain().ok


def test_dry_run_deletes_nothing(old_and_new):
    result = audit_prune(dry_run=True)
    assert result.deleted == 3
    assert AuditEntry.objects.count() == 5


def test_an_entry_inside_retention_is_never_deleted_even_when_clocks_disagree(settings):
    settings.DSIP_AUDIT_RETENTION_DAYS = 400
    with _at(T0 - timedelta(days=500)):
        write_entries(1)
    write_entries(1)  # seq 2: today
    with _at(T0 - timedelta(days=501)):
        write_entries(1)  # seq 3: a server with a wrong clock stamped it "old"
    audit_prune()
    assert sorted(AuditEntry.objects.values_list("seq", flat=True)) == [2, 3, 4]


def test_retention_below_six_months_is_not_honoured(settings):
    settings.DSIP_AUDIT_RETENTION_DAYS = 30
    with _at(T0 - timedelta(days=100)):
        write_entries(2)
    assert audit_prune().deleted == 0


def test_tampering_after_a_prune_is_still_detected(old_and_new):
    audit_prune()
    raw_update(5, "action", "auth.login")
    assert verify_chain().problem.seq == 5


def test_deleting_the_oldest_entries_and_moving_the_checkpoint_by_hand_is_detected():
    write_entries(4)
    head = AuditHead.objects.get()
    head.base_seq, head.base_hash = 2, AuditEntry.objects.get(seq=2).hash
    head.save()
    raw_delete(1)
    raw_delete(2)
    result = verify_chain()
    assert result.problem.kind == DELETED
    assert "audit.prune" in result.problem.detail


def test_an_interrupted_prune_is_finished_by_the_next_run(old_and_new):
    real_delete = AuditEntry.objects.none().__class__.delete
    calls = {"n": 0}

    def crash_on_second_batch(qs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("power cut")
        return real_delete(qs)

    with mock.patch.object(AuditEntry.objects.none().__class__, "delete", crash_on_second_batch):
        with pytest.raises(RuntimeError):
            audit_prune(batch_size=1)
    assert AuditHead.objects.get().base_seq == 1
    assert verify_chain().ok  # the checkpoint is consistent after the crash
    assert audit_prune(batch_size=1).deleted == 2
    assert AuditHead.objects.get().base_seq == 3
    assert AuditEntry.objects.filter(action="audit.prune").count() == 1
    assert verify_chain().ok


def test_prune_command_then_verify_command(old_and_new, capsys):
    with _at(T0):
        call_command("audit", "prune")
    out = capsys.readouterr().out
    assert "Deleted 3 entries" in out
    call_command("audit", "verify")
    assert "OK: 3 entries verified" in capsys.readouterr().out


def test_prune_command_refuses_a_broken_chain(old_and_new):
    from django.core.management.base import CommandError

    raw_update(2, "reason", "x")
    with pytest.raises(CommandError, match="broken"):
        call_command("audit", "prune")
    assert AuditEntry.objects.count() == 5

"""Appends from several connections at once never share or skip a seq (row lock on AuditHead)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from dsip.audit.models import AuditEntry
from dsip.audit.services import audit_record
from dsip.audit.verify import verify_chain

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 4
PER_THREAD = 25


def test_concurrent_appends_keep_seq_unique_and_contiguous():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers with BEGIN IMMEDIATE; row locks need PostgreSQL")
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            barrier.wait()
            for i in range(PER_THREAD):
                with transaction.atomic():
                    audit_record(action="test.concurrent", object_id=f"{n}-{i}")
        except BaseException as exc:  # noqa: BLE001 - reported to the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    seqs = sorted(AuditEntry.objects.values_list("seq", flat=True))
    assert seqs == list(range(1, THREADS * PER_THREAD + 1))
    result = verify_chain()
    assert result.ok, result.problem

"""Key rotation: re-encrypt every sealed value under the current key, in short batches, resumably.

Rows still sealed under another key id are found by their prefix (``"<kid>$"``),
so a run that stops half-way simply continues where it left off. Each batch is
its own short transaction and re-reads its rows under ``select_for_update``, so
clerks keep working during a rotation. Blind indexes use a separate key and do
not change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models, transaction
from django.db.models import Q

from dsip.audit.services import audit_record
from dsip.core.crypto import field_cipher
from dsip.registry.models import Certificate, Person
from dsip.registry.services._records import SEALED, sealed_context

# (model, {sealed column: associated-data context})
TARGETS: tuple[tuple[type[models.Model], dict[str, str]], ...] = (
    (Person, {spec[0]: sealed_context(name) for name, spec in SEALED.items()}),
    (Certificate, {"number_enc": sealed_context("certificate_number")}),
)


def _stale(columns: dict[str, str], prefix: str) -> Q:
    q = Q()
    for column in columns:
        q |= ~Q(**{f"{column}__startswith": prefix}) & ~Q(**{column: ""})
    return q


def keys_status() -> dict[str, int]:
    """How many rows of each table still hold a value not sealed under the current key."""
    prefix = f"{field_cipher().current.key_id}$"
    return {model._meta.label: model._default_manager.filter(_stale(cols, prefix)).count() for model, cols in TARGETS}


def keys_rotate(*, batch_size: int = 1000, progress: Callable[[str, int, int], Any] | None = None,
                limit: int | None = None) -> dict[str, int]:
    """Re-seal every value not under the current key id. Returns rows re-sealed per table.

    ``progress(table, done, remaining)`` is called after each batch; ``limit`` stops after about
    that many rows (for tests of resuming and for throttled runs).
    """
    cipher = field_cipher()
    prefix = f"{cipher.current.key_id}$"
    result: dict[str, int] = {}
    total = 0
    for model, columns in TARGETS:
        label = model._meta.label
        done = 0
        stale = _stale(columns, prefix)
        remaining = model._default_manager.filter(stale).count()
        last_pk = 0
        while remaining > 0 and (limit is None or total < limit):
            with transaction.atomic():
                rows = list(
                    model._default_manager.select_for_update()
                    .filter(stale, pk__gt=last_pk).order_by("pk")[:batch_size]
                )
                if not rows:
                    break
                for row in rows:
                    for column, context in columns.items():
                        value = getattr(row, column)
                        if value and not value.startswith(prefix):
                            setattr(row, column, cipher.seal(cipher.open(value, context=context), context=context))
                model._default_manager.bulk_update(rows, list(columns), batch_size=batch_size)
                last_pk = rows[-1].pk
            done += len(rows)
            total += len(rows)
            remaining = max(remaining - len(rows), 0)
            if progress is not None:
                progress(label, done, remaining)
        result[label] = done
    if total:
        audit_record(action="keys.rotated", object_type="crypto.fieldkey", object_id=cipher.current.key_id,
                     changes={"resealed": result})
    return result

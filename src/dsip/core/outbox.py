"""Appending to the transactional outbox (rule 5 of ARCHITECTURE.md)."""

from __future__ import annotations

from typing import Any

from dsip.core.models import OutboxEvent


def outbox_append(*, topic: str, aggregate_type: str, aggregate_id: Any, division_code: str = "",
                  payload: dict[str, Any] | None = None) -> OutboxEvent:
    """Call inside the service's transaction; the event exists only if the change commits."""
    return OutboxEvent.objects.create(
        topic=topic, aggregate_type=aggregate_type, aggregate_id=str(aggregate_id),
        division_code=division_code, payload=payload or {},
    )

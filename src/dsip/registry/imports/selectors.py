"""Reads of import batches, scoped to the user's region like everything else."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from dsip.core.scoping import get_scoped_or_404, scoped
from dsip.registry.models import ImportBatch


def import_batch_list(*, user: Any, limit: int = 20) -> QuerySet[ImportBatch]:
    return scoped(ImportBatch, user).select_related("created_by", "job").order_by("-created_at")[:limit]


def import_batch_get(*, user: Any, batch_id: int) -> ImportBatch:
    return get_scoped_or_404(ImportBatch.objects.select_related("created_by", "job"), user, pk=batch_id)

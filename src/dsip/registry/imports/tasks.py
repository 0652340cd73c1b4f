"""Background task of an import: load the batch by id and run it (progress goes to core.Job)."""

from __future__ import annotations

from django.tasks import task

from dsip.accounts.models import User
from dsip.core.context import actor_context
from dsip.registry.imports.services import import_batch_run
from dsip.registry.models import ImportBatch


@task()
def import_batch_task(batch_id: int) -> dict:
    user_id = ImportBatch.objects.filter(pk=batch_id).values_list("created_by", flat=True).first()
    actor = User.objects.filter(pk=user_id).first() if user_id else None
    with actor_context(channel="task", user=actor):
        batch = import_batch_run(batch_id=batch_id)
    return {"batch_id": batch.pk, "status": batch.status}

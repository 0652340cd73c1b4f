from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dsip.core.scoping import ScopedQuerySet


class OutboxEventQuerySet(ScopedQuerySet["OutboxEvent"]):
    scope_field = "division_code"


class OutboxEvent(models.Model):
    """An effective change, written in the same transaction as the change itself.

    Consumers (alerts, analytics roll-ups, department feeds, webhooks) read in
    ``id`` order and remember the last id they handled, so they are idempotent.
    Payloads carry masked values only.
    """

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    topic = models.CharField(max_length=60, db_index=True)  # e.g. person.registered
    aggregate_type = models.CharField(max_length=40)
    aggregate_id = models.CharField(max_length=64)
    division_code = models.CharField(max_length=12, blank=True, db_index=True)
    payload = models.JSONField(default=dict)

    objects = OutboxEventQuerySet.as_manager()

    class Meta:
        ordering = ["id"]


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class JobQuerySet(ScopedQuerySet["Job"]):
    scope_field = "division_code"


class Job(models.Model):
    """Progress of one long-running piece of work (import, export, scan) for the page and the CLI."""

    kind = models.CharField(max_length=40)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    division_code = models.CharField(max_length=12, blank=True, db_index=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    params = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    @property
    def percent(self) -> int:
        return int(self.done * 100 / self.total) if self.total else (100 if self.status == JobStatus.DONE else 0)

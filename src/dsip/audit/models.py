from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from dsip.core.scoping import ScopedQuerySet


class Outcome(models.TextChoices):
    SUCCESS = "success", _("Success")
    FAILURE = "failure", _("Failure")
    DENIED = "denied", _("Denied")


class AuditEntryQuerySet(ScopedQuerySet["AuditEntry"]):
    scope_field = "division_code"


class AuditEntry(models.Model):
    """One append-only audit record, hash-chained to the one before it.

    ``seq`` is contiguous from the last pruning checkpoint; ``prev_hash`` is the
    ``hash`` of entry ``seq - 1`` and ``hash`` covers every other column, so an
    edit, a deletion or a reordering breaks the chain at a place
    ``dsip audit verify`` can name. Values in ``changes`` are already masked.
    """

    seq = models.BigIntegerField(unique=True)
    created_at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_username = models.CharField(max_length=150, blank=True, db_index=True)
    org_unit_id = models.BigIntegerField(null=True, blank=True)
    action = models.CharField(max_length=60, db_index=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    division_code = models.CharField(max_length=12, blank=True, db_index=True)
    changes = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    ip = models.CharField(max_length=45, blank=True)
    request_id = models.CharField(max_length=32, blank=True)
    channel = models.CharField(max_length=10, blank=True)
    # Which digest made ``hash`` (sm3 or sha256): a backup restored on a host whose
    # OpenSSL lacks SM3 then fails verification with a clear message, not silently.
    hash_alg = models.CharField(max_length=8, default="sha256")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"


class AuditHead(models.Model):
    """The single row that serialises appends and remembers the chain's ends.

    ``last_*`` detects deletion of the newest entries; ``base_*`` is the
    checkpoint left by retention pruning, where verification starts. Appends
    lock this row (``select_for_update``), so ``seq`` has no duplicates or gaps
    even with many app servers; the lock is held until the caller's
    transaction commits.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")
    base_seq = models.BigIntegerField(default=0)
    base_hash = models.CharField(max_length=64, default="")

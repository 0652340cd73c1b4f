"""Reading the audit trail, scoped by region like everything else.

Scope rule (see docs/audit.md): an entry belongs to the division in its
``division_code``; a province reviewer of Hubei (42) sees entries whose code
starts with 42. Entries with an empty code (sign-ins of national users,
system jobs, failed sign-ins for unknown user names, pruning) belong to no
province and are visible to national scope only: a failed sign-in may carry
a password typed into the user-name box, so it is not shown to a province
that cannot tell whose it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from dsip.audit.models import AuditEntry
from dsip.core.scoping import get_scoped_or_404, prefix_q, scoped


@dataclass(frozen=True)
class AuditFilters:
    actor: str = ""  # exact user name
    object_type: str = ""
    object_id: str = ""
    action: str = ""  # a prefix: "auth." finds every sign-in event
    outcome: str = ""
    division: str = ""  # a prefix, narrowing (never widening) the user's own scope
    date_from: date | None = None  # inclusive, in the site's time zone
    date_to: date | None = None  # inclusive

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> AuditFilters:
        names = cls.__dataclass_fields__
        return cls(**{k: (v.strip() if isinstance(v, str) else v) for k, v in data.items() if k in names and v})


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_entry_list(*, user: Any, filters: AuditFilters | dict[str, Any] | None = None) -> QuerySet[AuditEntry]:
    """Entries ``user`` may see, newest first, narrowed by ``filters``."""
    if not isinstance(filters, AuditFilters):
        filters = AuditFilters.from_mapping(filters or {})
    qs = scoped(AuditEntry.objects.all(), user)
    if filters.actor:
        qs = qs.filter(actor_username=filters.actor)
    if filters.object_type:
        qs = qs.filter(object_type=filters.object_type)
    if filters.object_id:
        qs = qs.filter(object_id=filters.object_id)
    if filters.action:
        qs = qs.filter(action__startswith=filters.action)
    if filters.outcome:
        qs = qs.filter(outcome=filters.outcome)
    if filters.division:
        qs = qs.filter(prefix_q("division_code", filters.division))
    if filters.date_from:
        qs = qs.filter(created_at__gte=_start_of(filters.date_from))
    if filters.date_to:
        qs = qs.filter(created_at__lt=_start_of(filters.date_to + timedelta(days=1)))
    return qs.order_by("-seq")


def audit_entry_get(*, user: Any, entry_id: int) -> AuditEntry:
    """One entry ``user`` may see; anything else is 404."""
    return get_scoped_or_404(AuditEntry.objects.all(), user, pk=entry_id)

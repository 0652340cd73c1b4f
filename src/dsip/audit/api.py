"""``/api/v1/audit``: the audit trail for auditors' tools. Read-only, scoped, paginated."""

# No ``from __future__ import annotations``: ninja's @paginate resolves the
# handler's string annotations in its own module, where our schemas are unknown.

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from dsip.accounts.roles import Action, may
from dsip.audit import selectors
from dsip.audit.models import AuditEntry, Outcome
from dsip.core.errors import DomainError, ErrorCode
from dsip.core.pagination import PageNumber

router = Router(tags=["audit"])


class AuditEntryOut(Schema):
    id: int
    seq: int
    created_at: datetime
    actor_id: int | None
    actor_username: str
    action: str
    outcome: str
    object_type: str
    object_id: str
    division_code: str
    changes: Any = Field(description="Masked values only.")
    reason: str
    channel: str
    request_id: str
    hash_alg: str
    prev_hash: str
    hash: str


class AuditFilterIn(Schema):
    actor: str = Field("", max_length=150, description="Exact user name.")
    action: str = Field("", max_length=60, description="Prefix, e.g. `auth.`.")
    outcome: Outcome | None = None
    object_type: str = Field("", max_length=60)
    object_id: str = Field("", max_length=64)
    division: str = Field("", pattern=r"^(\d{2,12})?$", description="Division code prefix within your region.")
    date_from: date | None = Field(None, description="Inclusive, Asia/Shanghai.")
    date_to: date | None = Field(None, description="Inclusive, Asia/Shanghai.")


def _reader(request: HttpRequest) -> Any:
    user = request.auth if hasattr(request.auth, "pk") else request.user
    if not may(user, Action.AUDIT_VIEW):
        raise DomainError(code=ErrorCode.FORBIDDEN, status=403)
    return user


@router.get("/entries", response=list[AuditEntryOut], summary="Audit entries in your region, newest first")
@paginate(PageNumber)
def entry_list(request: HttpRequest, filters: Query[AuditFilterIn]) -> Any:
    user = _reader(request)
    data = filters.dict()
    data["outcome"] = str(data["outcome"]) if data.get("outcome") else ""
    return selectors.audit_entry_list(user=user, filters=selectors.AuditFilters.from_mapping(data))


@router.get("/entries/{entry_id}", response=AuditEntryOut, summary="One audit entry (404 outside your region)")
def entry_detail(request: HttpRequest, entry_id: int) -> AuditEntry:
    return selectors.audit_entry_get(user=_reader(request), entry_id=entry_id)

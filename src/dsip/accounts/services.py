"""Writes on users: creating accounts and setting passwords (MLPS level 3 password rules).

Both functions validate with Django's configured password validators
(``AUTH_PASSWORD_VALIDATORS``: length, character classes, no reuse), so the
web form, the CLI and the demo setup enforce the same policy.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dsip.accounts.models import OrgUnit, PasswordHistory, User
from dsip.accounts.roles import Action, Role, may
from dsip.audit.services import audit_record
from dsip.core.errors import DomainError, ErrorCode, FieldError

# How many previous password hashes we keep; NoReuseValidator reads them.
PASSWORD_HISTORY_SIZE = 5


def _password_errors(raw_password: str, user: User, *, field: str) -> list[FieldError]:
    try:
        validate_password(raw_password, user)
    except ValidationError as exc:
        return [FieldError(field, e.code or "invalid", " ".join(e.messages)) for e in exc.error_list]
    return []


def _field_errors(exc: ValidationError) -> list[FieldError]:
    return [
        FieldError(name, e.code or "invalid", " ".join(e.messages))
        for name, items in exc.error_dict.items()
        for e in items
    ]


def _may_manage(actor: Any, user: User | None) -> bool:
    """``actor=None`` is the operator at the server's command line (``dsip`` commands)."""
    if actor is None:
        return True
    if user is not None and actor.pk == user.pk:
        return True
    if not may(actor, Action.USERS_MANAGE):
        return False
    scope = actor.scope_code
    target_scope = user.scope_code if user is not None else None
    return scope == "" or (scope is not None and target_scope is not None and target_scope.startswith(scope))


def _who(actor: Any, user: User) -> str:
    if actor is None:
        return "operator"
    return "self" if actor.pk == user.pk else "admin"


@transaction.atomic
def user_set_password(*, user: User, raw_password: str, actor: Any) -> User:
    """Set a new password after validating it; remember the old hash so it cannot be reused."""
    if not _may_manage(actor, user):
        raise DomainError(code=ErrorCode.FORBIDDEN, status=403)
    errors = _password_errors(raw_password, user, field="password")
    if errors:
        raise DomainError(code=ErrorCode.INVALID, message=_("The new password does not meet the rules."), errors=errors)
    if user.password and user.has_usable_password():
        PasswordHistory.objects.create(user=user, password=user.password)
        stale = list(user.password_history.order_by("-created_at", "-id").values_list("id", flat=True)[PASSWORD_HISTORY_SIZE:])
        if stale:
            PasswordHistory.objects.filter(id__in=stale).delete()
    user.set_password(raw_password)
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "password_changed_at"])
    audit_record(
        action="auth.password_changed",
        object_type="user",
        object_id=user.pk,
        division_code=user.scope_code or "",
        changes={"by": _who(actor, user)},
        actor=actor,
    )
    return user


@transaction.atomic
def user_create(
    *,
    username: str,
    full_name: str,
    org_unit: OrgUnit | None,
    roles: Iterable[str],
    password: str,
    actor: Any,
) -> User:
    """Create a sign-in account in an org unit with the given roles."""
    roles = list(dict.fromkeys(roles))
    if actor is not None:
        in_scope = org_unit is not None and actor.scope_code is not None and org_unit.division_code.startswith(actor.scope_code)
        if not may(actor, Action.USERS_MANAGE) or not in_scope:
            raise DomainError(code=ErrorCode.FORBIDDEN, status=403)
    unknown = [r for r in roles if r not in Role.values]
    if unknown:
        raise DomainError(
            code=ErrorCode.INVALID,
            errors=[FieldError("roles", "invalid_role", _("Unknown role: %(roles)s") % {"roles": ", ".join(unknown)})],
        )
    user = User(username=username, full_name=full_name, org_unit=org_unit, roles=roles)
    # Report every problem at once: a taken username and a weak password together.
    errors = _password_errors(password, user, field="password")
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        errors = _field_errors(exc) + errors
    if errors:
        duplicate = any(e.code == "unique" for e in errors)
        raise DomainError(code=ErrorCode.DUPLICATE if duplicate else ErrorCode.INVALID, errors=errors)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.save()
    audit_record(
        action="user.created",
        object_type="user",
        object_id=user.pk,
        division_code=org_unit.division_code if org_unit is not None else "",
        changes={"username": username, "roles": roles, "org_unit": org_unit.pk if org_unit else None},
        actor=actor,
    )
    return user

"""Writes on users and org units: accounts, passwords (MLPS level 3 rules), unlocks, deactivation.

Passwords are validated with Django's configured password validators
(``AUTH_PASSWORD_VALIDATORS``: length, character classes, no reuse), so the
web form, the CLI and the demo setup enforce the same policy. Django's own
``changepassword``/``createsuperuser`` are replaced by refusals
(``management/commands``) because they skip the history and the audit.

``actor=None`` is the operator at the server's command line; any other actor
needs ``Action.USERS_MANAGE`` and the target inside their region.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dsip.accounts.models import (
    LEVEL_BY_CODE_LENGTH,
    ApiKey,
    OrgKind,
    OrgLevel,
    OrgUnit,
    PasswordHistory,
    User,
)
from dsip.accounts.roles import Action, Role, may
from dsip.audit.services import audit_record
from dsip.core.errors import DomainError, ErrorCode, FieldError
from dsip.core.scoping import code_within, scope_code_of

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
    # A user without an org unit counts as national: only a national admin may fix them.
    return user is not None and code_within(user.scope_code or "", scope_code_of(actor))


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
        in_scope = org_unit is not None and code_within(org_unit.division_code, scope_code_of(actor))
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


def _check_manages(actor: Any, user: User) -> None:
    """Someone acting on another account needs USERS_MANAGE; outside their region it does not exist."""
    if actor is None:
        return
    if not may(actor, Action.USERS_MANAGE):
        raise DomainError(code=ErrorCode.FORBIDDEN, status=403)
    if not code_within(user.scope_code or "", scope_code_of(actor)):
        raise DomainError(code=ErrorCode.NOT_FOUND, status=404)


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(code=ErrorCode.INVALID,
                          errors=[FieldError("reason", "required", _("Give a reason; it is kept in the audit log."))])
    return reason


@transaction.atomic
def org_unit_create(
    *,
    name: str,
    kind: str,
    division_code: str,
    department: str = "",
    level: str | None = None,
    is_demo: bool = False,
    actor: Any,
) -> OrgUnit:
    """Create a federation office, department or provider at a division ("" = the national level).

    The level follows from the division code's length (2 province … 12 village);
    a department unit names which department it is.
    """
    from dsip.regions.codes import CodeError
    from dsip.regions.selectors import division_lookup

    division = None
    national = not (division_code or "").strip()
    errors: list[FieldError] = []
    if not national:
        try:
            division = division_lookup(division_code)
        except CodeError:
            division = None
        if division is None:
            errors.append(FieldError("division_code", ErrorCode.UNKNOWN_DIVISION, str(ErrorCode.UNKNOWN_DIVISION.label)))
    code = division.code if division is not None else ""
    if actor is not None:
        if not may(actor, Action.USERS_MANAGE):
            raise DomainError(code=ErrorCode.FORBIDDEN, status=403)
        if (national or division is not None) and not code_within(code, scope_code_of(actor)):
            raise DomainError(code=ErrorCode.FORBIDDEN, status=403,
                              errors=[FieldError("division_code", ErrorCode.OUT_OF_SCOPE,
                                                 str(ErrorCode.OUT_OF_SCOPE.label))])
    derived = OrgLevel.NATIONAL if national else LEVEL_BY_CODE_LENGTH.get(len(code)) if division else None
    if level and derived and level != derived:
        errors.append(FieldError("level", "mismatch", _("The level does not match the division code.")))
    if kind == OrgKind.DEPARTMENT and not department:
        errors.append(FieldError("department", "required", _("A department unit needs its department.")))
    if kind != OrgKind.DEPARTMENT and department:
        errors.append(FieldError("department", "not_a_department", _("Only a department unit names a department.")))
    unit = OrgUnit(name=(name or "").strip(), kind=kind, level=derived or level or "", division=division,
                   division_code=code, department=department, is_demo=is_demo)
    try:
        unit.full_clean()
    except ValidationError as exc:
        # An unknown division was reported above already, with the level it leaves empty.
        errors += [e for e in _field_errors(exc) if e.field != "division" and not (e.field == "level" and not derived)]
    if errors:
        duplicate = any(e.code in ("unique", "unique_together") for e in errors)
        raise DomainError(code=ErrorCode.DUPLICATE if duplicate else ErrorCode.INVALID, errors=errors)
    unit.save()
    audit_record(
        action="orgunit.created", object_type="org_unit", object_id=unit.pk, division_code=code,
        changes={"name": unit.name, "kind": kind, "level": unit.level, "department": department, "demo": is_demo},
        actor=actor,
    )
    return unit


@transaction.atomic
def user_reset_two_factor(*, user: User, actor: Any, reason: str) -> int:
    """Remove every authenticator and backup code of a user (lost phone); they enrol again at next sign-in."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    _check_manages(actor, user)
    reason = _require_reason(reason)
    removed = 0
    for model in (TOTPDevice, StaticDevice):
        removed += model.objects.filter(user=user).delete()[1].get(model._meta.label, 0)
    audit_record(action="auth.2fa_reset", object_type="user", object_id=user.pk,
                 division_code=user.scope_code or "", changes={"devices_removed": removed},
                 reason=reason, actor=actor)
    return removed


@transaction.atomic
def user_deactivate(*, user: User, actor: Any, reason: str) -> User:
    """Disable an account for good (someone left): no sign-in, and its API keys are revoked."""
    from dsip.accounts.apikeys import apikey_revoke

    _check_manages(actor, user)
    if actor is not None and actor.pk == user.pk:
        raise DomainError(code=ErrorCode.INVALID,
                          errors=[FieldError("user", "self", _("You cannot deactivate your own account."))])
    reason = _require_reason(reason)
    revoked = []
    # The operator revokes the keys: the actor already passed the users check, and
    # a user admin without API_KEYS_MANAGE must still be able to shut an account.
    for key in ApiKey.objects.filter(user=user, revoked_at__isnull=True).select_related("user__org_unit"):
        apikey_revoke(actor=None, key=key)
        revoked.append(key.prefix)
    was_active = user.is_active
    if was_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    if was_active or revoked:
        audit_record(action="user.deactivated", object_type="user", object_id=user.pk,
                     division_code=user.scope_code or "", changes={"api_keys_revoked": revoked},
                     reason=reason, actor=actor)
    return user


@transaction.atomic
def user_unlock(*, username: str, actor: Any) -> int:
    """Clear the failed sign-ins that locked ``username`` out (axes); returns how many were removed.

    Use this instead of axes' own ``axes_reset*`` commands, which leave no audit entry.
    """
    from axes.utils import reset

    user = User.objects.select_related("org_unit").filter(username=username).first()
    if user is not None:
        _check_manages(actor, user)
    elif actor is not None and scope_code_of(actor) != "":
        # A name that is no account (someone guessing) is only cleared by a national admin or the operator.
        raise DomainError(code=ErrorCode.NOT_FOUND, status=404)
    removed = reset(username=username)
    audit_record(action="auth.unlocked", object_type="user", object_id=user.pk if user else "",
                 division_code=(user.scope_code or "") if user else "",
                 changes={"username": username, "attempts_removed": removed}, actor=actor)
    return removed

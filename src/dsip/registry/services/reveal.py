"""Revealing a masked value: only roles that may, only with a reason, always audited (without the value)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from dsip.accounts.roles import Action, may
from dsip.audit.models import Outcome
from dsip.audit.services import audit_record
from dsip.core.crypto import field_cipher
from dsip.core.errors import DomainError, ErrorCode, FieldError
from dsip.registry.services._records import (
    REVEALABLE,
    load_person,
    open_person_field,
    sealed_context,
)


def person_reveal(*, actor: Any, person_id: int, field: str, reason: str) -> str:
    """Return the plain value of one sensitive field of a person in the actor's region.

    Scope is checked first: a person outside the region is NOT_FOUND for everyone, so the
    answer never tells whether an ID exists elsewhere.
    """
    person = load_person(actor, person_id)
    if not may(actor, Action.PERSON_REVEAL):
        audit_record(action="person.reveal_denied", object_type="registry.person", object_id=person.pk,
                     division_code=person.division_code, changes={"field": field}, reason=reason or "",
                     outcome=Outcome.DENIED, actor=actor)
        raise DomainError(code=ErrorCode.FORBIDDEN, status=403)
    if field not in REVEALABLE:
        raise DomainError(code=ErrorCode.INVALID, errors=[
            FieldError("field", "choice", _("This field cannot be revealed."))])
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise DomainError(code=ErrorCode.INVALID, errors=[
            FieldError("reason", "required", _("Reason: say why you need to see this value."))])
    if field == "certificate_number":
        cert = person.certificates.filter(is_current=True).first()
        value = field_cipher().open(cert.number_enc, context=sealed_context(field)) if cert else ""
    else:
        value = open_person_field(person, field)
    audit_record(action="person.revealed", object_type="registry.person", object_id=person.pk,
                 division_code=person.division_code, changes={"field": field}, reason=reason, actor=actor)
    return value

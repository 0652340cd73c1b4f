"""Households and their social-assistance status (低保, 特困, low income)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from dsip.core.errors import DomainError, ErrorCode, FieldError
from dsip.registry.models import Household
from dsip.registry.services._records import HOUSEHOLD_FIELDS, actor_scope
from dsip.registry.validation import CleanPerson


def household_for(*, actor: Any, clean: CleanPerson, current: Household | None = None,
                  update_statuses: bool = True) -> Household | None:
    """The household a person belongs to after this change, with its statuses updated.

    ``clean.household_id`` joins an existing household in the actor's region; otherwise the
    person's current household is updated, or one is created when a status is recorded.
    ``update_statuses=False`` joins a household without touching its statuses (a new member
    whose record says nothing about them).
    """
    household = current
    if clean.household_id is not None and (current is None or current.pk != clean.household_id):
        household = Household.objects.within(actor_scope(actor)).filter(pk=clean.household_id).first()
        if household is None:
            raise DomainError(
                code=ErrorCode.INVALID,
                errors=[FieldError("household_id", "not_found", _("Household: not found, or outside your region."))],
            )
    if household is None:
        if not clean.has_household_status:
            return None
        household = Household(division_code=clean.division_code)
    if household.pk is not None and not update_statuses:
        return household
    changed = [name for name in HOUSEHOLD_FIELDS if getattr(household, name) != getattr(clean, name)]
    if household.pk is None or changed:
        for name in HOUSEHOLD_FIELDS:
            setattr(household, name, getattr(clean, name))
        household.full_clean()
        household.save()
    return household

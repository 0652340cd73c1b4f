"""Small display helpers of the registry templates."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dsip.registry.choices import (
    DisabilityCategory,
    DisabilityLevel,
    EducationLevel,
    Ethnicity,
    HouseholdType,
    MaritalStatus,
    PersonStatus,
    Sex,
)
from dsip.registry.validation import HOUSEHOLD_STATUSES, LABELS

register = template.Library()

# Snapshot and diff fields whose stored value is a choice code.
FIELD_CHOICES: dict[str, type[models.Choices]] = {
    "sex": Sex, "ethnicity": Ethnicity, "household_type": HouseholdType, "marital_status": MaritalStatus,
    "education_level": EducationLevel, "category": DisabilityCategory, "level": DisabilityLevel,
    "status": PersonStatus,
}


def label_of(field: str) -> Any:
    """The reader's label of a record field (``phone`` → 联系电话); unknown fields as they are."""
    return LABELS.get(field, field)


def display_value(field: str, value: Any) -> Any:
    """A stored value as a reader understands it: choice labels, yes/no, components spelled out."""
    if value in (None, ""):
        return value
    choices = FIELD_CHOICES.get(field)
    if choices is not None:
        return dict(choices.choices).get(str(value), value)
    if field in HOUSEHOLD_STATUSES and isinstance(value, bool):
        return _("Yes") if value else _("No")
    if field == "components" and isinstance(value, (list, tuple)):
        category, level = dict(DisabilityCategory.choices), dict(DisabilityLevel.choices)
        parts = [f"{category.get(str(c[0]), c[0])} {level.get(str(c[1]), c[1])}"
                 for c in value if isinstance(c, (list, tuple)) and len(c) == 2]
        return "; ".join(parts)
    return value


@register.filter
def field_label(field: str) -> Any:
    return label_of(field)


@register.filter
def field_value(value: Any, field: str) -> Any:
    """``{{ before|field_value:field }}``: see ``display_value``."""
    return display_value(field, value)


def age_on(birth: date | None, today: date | None = None) -> int | None:
    if birth is None:
        return None
    today = today or timezone.localdate()
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


@register.filter
def age(birth: date | None) -> int | str:
    value = age_on(birth)
    return "" if value is None else value


@register.filter
def lookup(mapping: Any, key: Any) -> Any:
    """``{{ names|lookup:person.division_code }}``: dict access with a variable key."""
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""


@register.filter
def before_after(value: Any, index: int) -> Any:
    """A history diff is ``[before, after]``; pick one side, tolerating other shapes."""
    if isinstance(value, dict):
        return value.get("from" if index == 0 else "to", "")
    if isinstance(value, (list, tuple)) and len(value) > index:
        return value[index]
    return ""

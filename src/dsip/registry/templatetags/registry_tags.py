"""Small display helpers of the registry templates."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template
from django.utils import timezone

register = template.Library()


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

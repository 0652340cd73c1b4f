from __future__ import annotations

from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def as_minutes(value: timedelta | None) -> int:
    """Whole minutes of a timedelta, for the lockout page ("try again in 30 minutes")."""
    if not isinstance(value, timedelta):
        return 0
    return int(value.total_seconds() // 60)

"""Region scope: the one layer that decides what a user may see and touch.

Division codes are hierarchical short codes (2, 4, 6, 9, 12 digits), so
"inside X" is a prefix test on the code. In SQL it is written as a range,
``code >= X AND code < next(X)`` (``prefix_range``), not ``LIKE 'X%'``: a
range uses a plain b-tree index under any collation (LIKE needs the C
collation or a ``varchar_pattern_ops`` index) and lets composite indexes that
start with the code, e.g. (division_code, name, id), serve ordered scans. Each scoped model declares the field
that holds its division code with ``scope_field`` on its manager's queryset
(see ``ScopedQuerySet``); selectors call ``scoped(queryset, user)`` and
nothing else filters by region. A user with no org unit sees nothing; a
national user's scope is the empty prefix, which matches every code.
"""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

from django.db import models
from django.http import Http404

M = TypeVar("M", bound=models.Model)

NO_SCOPE = None  # sentinel: the user has no region at all


class HasScope(Protocol):
    @property
    def scope_code(self) -> str | None: ...


def scope_code_of(actor: Any) -> str | None:
    """The division prefix an actor (user or API key user) may see; None means nothing."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return NO_SCOPE
    return actor.scope_code


def code_within(code: str | None, scope: str | None) -> bool:
    return scope is not None and code is not None and code.startswith(scope)


def prefix_upper_bound(prefix: str) -> str | None:
    """The smallest digit string greater than every string that starts with ``prefix``; None if none is.

    The last digit that is not 9 is incremented and the digits after it dropped
    ('42' -> '43', '4209' -> '421', '99' -> None). Only for digit prefixes.
    """
    head = prefix.rstrip("9")
    if not head:
        return None
    return head[:-1] + chr(ord(head[-1]) + 1)


def prefix_q(field: str, prefix: str) -> models.Q:
    """``field`` starts with ``prefix``, as an index-friendly range when the prefix is digits.

    Division codes are digits, and digit strings compare the same way in every
    collation (no ignorable characters, digits in order), so the range selects
    exactly the codes that start with the prefix. Anything else falls back to
    ``startswith`` (a range over arbitrary text is collation-dependent).
    """
    if not prefix:
        return models.Q()
    if not (prefix.isascii() and prefix.isdigit()):
        return models.Q(**{f"{field}__startswith": prefix})
    upper = prefix_upper_bound(prefix)
    q = models.Q(**{f"{field}__gte": prefix})
    return q & models.Q(**{f"{field}__lt": upper}) if upper is not None else q


class ScopedQuerySet(models.QuerySet[M]):
    """QuerySet of a model that lives in a division; ``scope_field`` names the code path."""

    scope_field: str = "division_code"

    def within(self, scope: str | None) -> ScopedQuerySet[M]:
        if scope is None:
            return self.none()
        if scope == "":
            return self.all()
        return self.filter(prefix_q(self.scope_field, scope))


def scoped(queryset: models.QuerySet[M] | models.Manager[M] | type[M], actor: Any) -> models.QuerySet[M]:
    """Restrict a queryset (or a manager, or a model) of a scoped model to what ``actor`` may see."""
    if isinstance(queryset, type):
        qs = queryset._default_manager.all()
    elif isinstance(queryset, models.Manager):
        qs = queryset.all()
    else:
        qs = queryset
    if not isinstance(qs, ScopedQuerySet):
        raise TypeError(f"{qs.model.__name__} is not region-scoped (its queryset is not a ScopedQuerySet)")
    return qs.within(scope_code_of(actor))


def get_scoped_or_404(queryset: models.QuerySet[M] | models.Manager[M] | type[M], actor: Any, **lookup: Any) -> M:
    """Load one object the actor may see; anything else is 404, never 403, so existence does not leak."""
    try:
        return scoped(queryset, actor).get(**lookup)
    except (models.ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc

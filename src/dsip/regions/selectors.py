"""Reads of the division tree, scoped to the user's region.

A user sees the divisions inside their scope plus the ancestors of their scope
(``DivisionQuerySet.within``), so a Wuchang clerk can walk 湖北 → 武汉 → 武昌
in a picker but never sees 洪山 or its townships.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from dsip.core.scoping import scoped
from dsip.regions.codes import CodeError, ancestor_codes, canonical, normalise
from dsip.regions.models import LEVEL_LENGTHS, Division, Level


def division_children(*, user: Any, parent_code: str | None, include_abolished: bool = False) -> QuerySet[Division]:
    """The visible children of ``parent_code`` (provinces when it is empty), ordered by code."""
    qs = Division.objects.filter(parent_id=parent_code) if parent_code else Division.objects.filter(level=Level.PROVINCE)
    if not include_abolished:
        qs = qs.active()
    return scoped(qs, user).order_by("code")


def lookup_codes(raw: object) -> list[str]:
    """Codes to try for user input, exact first: ``441900`` is a stored county-level code
    (东莞, no counties) although its canonical form is the prefecture ``4419``.
    Raises ``CodeError`` when the input is no division code at all."""
    text = normalise(raw)
    exact = [text] if text.isdigit() and text.isascii() and len(text) in LEVEL_LENGTHS else []
    return list(dict.fromkeys([*exact, canonical(text)]))


def division_lookup(raw: object) -> Division | None:
    """The division an input code names (unscoped; callers check scope), or None when unknown."""
    codes = lookup_codes(raw)
    found = Division.objects.in_bulk(codes)
    return next((found[c] for c in codes if c in found), None)


def division_get(*, user: Any, code: str) -> Division:
    """One visible division by any official form of its code; 404 when unknown, malformed or outside scope."""
    try:
        codes = lookup_codes(code)
    except CodeError as exc:
        raise Http404 from exc
    visible = scoped(Division.objects.select_related("parent").filter(code__in=codes), user).in_bulk()
    for candidate in codes:
        if candidate in visible:
            return visible[candidate]
    raise Http404


def division_path(code: str) -> list[Division]:
    """The division and its ancestors, province first, for breadcrumbs (names are public, not scoped)."""
    codes = [*ancestor_codes(code), code]
    found = Division.objects.in_bulk(codes)
    return [found[c] for c in codes if c in found]


def division_names(codes: list[str]) -> dict[str, str]:
    """Code → name for labels in lists (one query)."""
    return dict(Division.objects.filter(code__in=set(codes)).values_list("code", "name"))

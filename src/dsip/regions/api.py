"""``/api/v1/regions``: the division tree, scoped to the caller's region."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from dsip.core.errors import DomainError, ErrorCode, FieldError
from dsip.regions.codes import CodeError
from dsip.regions.models import Division
from dsip.regions.selectors import division_children, division_get, division_path, lookup_codes

router = Router(tags=["regions"])


class DivisionOut(Schema):
    code: str
    name: str
    level: int
    parent: str | None
    urban_rural: str
    abolished: bool
    full_code: str

    @staticmethod
    def resolve_parent(obj: Division) -> str | None:
        return obj.parent_id

    @staticmethod
    def resolve_full_code(obj: Division) -> str:
        return obj.full_code()


class DivisionRef(Schema):
    code: str
    name: str
    level: int


class DivisionDetailOut(DivisionOut):
    path: list[DivisionRef]

    @staticmethod
    def resolve_path(obj: Division) -> list[Division]:
        return division_path(obj.code)


def _actor(request: HttpRequest) -> Any:
    # API keys authenticate as their service-account user; sessions as request.user.
    return request.auth if hasattr(request.auth, "pk") else request.user


def _require_code(value: str, field: str) -> None:
    try:
        lookup_codes(value)
    except CodeError as exc:
        raise DomainError(code=ErrorCode.INVALID, status=422,
                          errors=[FieldError(field, "malformed_code", str(exc))]) from exc


@router.get("/divisions", response=list[DivisionOut], summary="Children of a division (provinces without parent)")
@paginate(PageNumberPagination)
def list_divisions(request: HttpRequest, parent: str = "") -> Any:
    """Visible children of ``parent`` in code order. Unknown or out-of-region parent: 404."""
    user = _actor(request)
    parent_code = ""
    if parent.strip():
        _require_code(parent, "parent")
        parent_code = division_get(user=user, code=parent).code
    return division_children(user=user, parent_code=parent_code)


@router.get("/divisions/{code}", response=DivisionDetailOut, summary="One division with its path")
def get_division(request: HttpRequest, code: str) -> Division:
    """Any official form of the code (``420106`` or ``420106000000``). Out of region: 404; malformed: 422."""
    _require_code(code, "code")
    return division_get(user=_actor(request), code=code)

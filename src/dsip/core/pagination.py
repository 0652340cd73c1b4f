"""The one pagination for list endpoints of ``/api/v1``.

Use it on every list route::

    from ninja.pagination import paginate
    from dsip.core.pagination import PageNumber

    @router.get("/", response=list[PersonOut])
    @paginate(PageNumber)
    def person_list(request): return person_selectors.person_list(user=request.user)

Query ``?page=2&page_size=100`` (``page_size`` 1–500, default 50); the answer
is ``{"items": [...], "count": N, "page": 2, "page_size": 100}``. ``count``
is the number the caller may see, because the queryset is already scoped.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


class PageNumber(PaginationBase):
    class Input(Schema):
        page: int = Field(1, ge=1, description="Page number, from 1.")
        page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Items per page, at most 500.")

    class Output(Schema):
        items: list[Any]
        count: int
        page: int
        page_size: int

    def paginate_queryset(self, queryset: QuerySet, pagination: Input, request: HttpRequest, **params: Any) -> Any:
        offset = (pagination.page - 1) * pagination.page_size
        return {
            "items": queryset[offset : offset + pagination.page_size],
            "count": self._items_count(queryset),
            "page": pagination.page,
            "page_size": pagination.page_size,
        }

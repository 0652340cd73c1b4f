"""The audit trail screens: a filtered, paginated list and one entry. Reading is not itself audited."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from dsip.accounts.roles import Action, may
from dsip.audit import selectors
from dsip.audit.forms import AuditFilterForm

PAGE_SIZE = 50


def _may_read_audit(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may(request.user, Action.AUDIT_VIEW):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@require_GET
@_may_read_audit
def entry_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        entries = selectors.audit_entry_list(user=request.user).none()
    else:
        entries = selectors.audit_entry_list(user=request.user, filters=form.filters() if form.is_bound else None)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/entry_list.html", {"form": form, "page": page})


@require_GET
@_may_read_audit
def entry_detail(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = selectors.audit_entry_get(user=request.user, entry_id=entry_id)
    changes = json.dumps(entry.changes, ensure_ascii=False, indent=2, sort_keys=True)
    return render(request, "audit/entry_detail.html", {"entry": entry, "changes_json": changes})

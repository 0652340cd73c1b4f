from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from dsip.accounts.roles import Action


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "scope_division": _scope_division(user),
        # Listed in the matrix's order so every user reads them the same way.
        "allowed_actions": [a.label for a in Action if a in user.actions],
    }
    return render(request, "core/home.html", context)


def _scope_division(user: Any) -> Any:
    unit = user.org_unit
    return unit.division if unit is not None else None


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})

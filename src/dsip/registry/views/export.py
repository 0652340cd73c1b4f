"""Download the filtered person list as XLSX (masked, audited, streamed)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from dsip.accounts.roles import Action
from dsip.registry.export import XLSX_CONTENT_TYPE
from dsip.registry.export import person_export as export_service
from dsip.registry.forms import PersonSearchForm
from dsip.registry.views.common import require_action
from dsip.registry.views.list import results_context


@require_action(Action.PERSON_EXPORT)
def person_export(request: HttpRequest) -> HttpResponse:
    form = PersonSearchForm(request.GET or None, user=request.user)
    if form.is_bound and not form.is_valid():
        return render(request, "registry/person_list.html", results_context(request, form), status=400)
    filters = form.filters() if form.is_bound else {}
    count, chunks = export_service(actor=request.user, filters=filters)
    response = StreamingHttpResponse(chunks, content_type=XLSX_CONTENT_TYPE)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="persons-{stamp}.xlsx"'
    response["X-Row-Count"] = str(count)
    response["Cache-Control"] = "no-store"
    return response

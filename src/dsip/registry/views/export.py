"""Download the filtered person list as XLSX: masked (GET), or with clear values and a reason (POST; audited)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from dsip.accounts.roles import Action
from dsip.core.errors import DomainError, ErrorCode
from dsip.registry.export import XLSX_CONTENT_TYPE
from dsip.registry.export import person_export as export_service
from dsip.registry.forms import ExportReasonForm, PersonSearchForm, apply_field_errors
from dsip.registry.views.common import require_action
from dsip.registry.views.list import results_context


@require_action(Action.PERSON_EXPORT)
def person_export(request: HttpRequest) -> HttpResponse:
    # The filters always come from the query string (the list's own URL); a POST adds the reason.
    form = PersonSearchForm(request.GET or None, user=request.user)
    if form.is_bound and not form.is_valid():
        return render(request, "registry/person_list.html", results_context(request, form), status=400)
    filters = form.filters() if form.is_bound else {}
    unmasked = request.method == "POST"
    export_form = ExportReasonForm(request.POST) if unmasked else None
    reason = ""
    if export_form is not None:
        if not export_form.is_valid():
            return render(request, "registry/person_list.html",
                          results_context(request, form, export_form=export_form), status=400)
        reason = export_form.cleaned_data["reason"]
    try:
        count, chunks = export_service(actor=request.user, filters=filters, unmasked=unmasked, reason=reason)
    except DomainError as exc:
        if exc.code == ErrorCode.FORBIDDEN:
            raise PermissionDenied from exc
        if export_form is None:
            raise
        apply_field_errors(export_form, list(exc.errors), fallback=exc.message)
        return render(request, "registry/person_list.html",
                      results_context(request, form, export_form=export_form), status=400)
    response = StreamingHttpResponse(chunks, content_type=XLSX_CONTENT_TYPE)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    kind = "unmasked" if unmasked else "masked"
    response["Content-Disposition"] = f'attachment; filename="persons-{kind}-{stamp}.xlsx"'
    response["X-Row-Count"] = str(count)
    response["Cache-Control"] = "no-store"
    return response

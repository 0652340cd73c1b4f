"""Upload page, progress page (polled by htmx every second), report and template downloads."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django import forms
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from dsip.accounts.roles import Action
from dsip.core.errors import DomainError
from dsip.registry.imports.reader import COLUMNS
from dsip.registry.imports.selectors import import_batch_get, import_batch_list
from dsip.registry.imports.services import import_batch_create, imports_dir
from dsip.registry.imports.tasks import import_batch_task
from dsip.registry.imports.template import build_template
from dsip.registry.models import ImportStatus
from dsip.registry.views.common import require_action

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD_BYTES = 100 * 1024 * 1024
FINISHED = {ImportStatus.DONE, ImportStatus.INVALID, ImportStatus.FAILED}


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Person file (CSV or XLSX)"),
        help_text=_("UTF-8, UTF-8 with BOM or GB18030/GBK; headers as in the template; at most 200,000 rows."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    dry_run = forms.BooleanField(label=_("Only check the file; import nothing"), required=False)
    skip_invalid = forms.BooleanField(label=_("Import the valid rows even if some rows have errors"), required=False)

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Choose a .csv or .xlsx file."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 100 MB; split it into smaller files."))
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        return upload


@require_action(Action.PERSON_IMPORT)
def import_upload(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with tempfile.NamedTemporaryFile(dir=imports_dir(), prefix="upload-", delete=False) as tmp:
            for part in upload.chunks():
                tmp.write(part)
        try:
            batch, needs_run = import_batch_create(
                actor=request.user, path=tmp.name, file_name=upload.name,
                dry_run=form.cleaned_data["dry_run"], skip_invalid=form.cleaned_data["skip_invalid"],
            )
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            if needs_run:
                transaction.on_commit(lambda: import_batch_task.enqueue(batch.pk))
            return redirect("registry:import_detail", batch_id=batch.pk)
        finally:
            Path(tmp.name).unlink(missing_ok=True)
    status = 400 if form.errors else 200
    return render(request, "registry/import.html", {
        "form": form, "batches": import_batch_list(user=request.user), "columns": COLUMNS,
    }, status=status)


@require_action(Action.PERSON_IMPORT)
def import_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = import_batch_get(user=request.user, batch_id=batch_id)
    job = batch.job
    context = {"batch": batch, "job": job, "finished": batch.status in FINISHED,
               "percent": job.percent if job else (100 if batch.status in FINISHED else 0)}
    template = "registry/_import_progress.html" if request.htmx else "registry/import_detail.html"
    return render(request, template, context)


@require_action(Action.PERSON_IMPORT)
def import_report(request: HttpRequest, batch_id: int) -> FileResponse:
    batch = import_batch_get(user=request.user, batch_id=batch_id)
    path = Path(batch.report_path) if batch.report_path else None
    if path is None or not path.is_file():
        raise Http404
    return FileResponse(open(path, "rb"), as_attachment=True, filename=f"import-{batch.pk}-errors.xlsx",  # noqa: SIM115
                        content_type=XLSX)


@require_action(Action.PERSON_IMPORT)
def import_template(request: HttpRequest) -> FileResponse:
    path = imports_dir() / "template.xlsx"
    build_template(path)
    return FileResponse(open(path, "rb"), as_attachment=True, filename="person-import-template.xlsx",  # noqa: SIM115
                        content_type=XLSX)

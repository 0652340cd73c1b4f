"""Thin views: the children <option>s partial for the picker, and a demo picker page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from dsip.regions.forms import DivisionPickerForm
from dsip.regions.selectors import division_children, division_get, division_path


@login_required
@require_GET
def children(request: HttpRequest) -> HttpResponse:
    """<option>s for the children of ``?parent=CODE`` (provinces without it); 404 outside the user's region."""
    parent = request.GET.get("parent", "").strip()
    parent_code = division_get(user=request.user, code=parent).code if parent else ""
    divisions = division_children(user=request.user, parent_code=parent_code)
    return render(request, "regions/partials/division_options.html", {"divisions": divisions})


@login_required
@require_http_methods(["GET", "POST"])
def picker(request: HttpRequest) -> HttpResponse:
    form = DivisionPickerForm(request.POST or None, user=request.user)
    chosen = division_path(form.cleaned_data["division"]) if request.method == "POST" and form.is_valid() else None
    return render(request, "regions/picker.html", {"form": form, "chosen": chosen})

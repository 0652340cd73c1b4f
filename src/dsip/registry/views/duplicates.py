"""Possible duplicates: the scoped list of candidate pairs, a side-by-side comparison, merge or dismiss."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dsip.accounts.roles import Action
from dsip.core.errors import DomainError
from dsip.registry import selectors, services
from dsip.registry.forms import DismissForm, MergeForm, apply_field_errors
from dsip.registry.validation import LABELS
from dsip.registry.views.common import division_names, require_action

# (field, label, how to display it) — masked and non-sensitive attributes only.
COMPARED: list[tuple[str, Any, str]] = [
    ("name", gettext_lazy("Name"), "name"),
    ("id_number", gettext_lazy("ID number"), "id_number_mask"),
    ("sex", gettext_lazy("Sex"), "get_sex_display"),
    ("birth_date", gettext_lazy("Birth date"), "birth_date"),
    ("ethnicity", gettext_lazy("Ethnicity"), "get_ethnicity_display"),
    ("division_code", gettext_lazy("Division"), "division_code"),
    ("household_type", gettext_lazy("Household type"), "get_household_type_display"),
    ("category", gettext_lazy("Disability category"), "get_category_display"),
    ("level", gettext_lazy("Disability level"), "get_level_display"),
    ("phone", gettext_lazy("Phone"), "phone_mask"),
    ("address", gettext_lazy("Residence address"), "address_mask"),
    ("marital_status", gettext_lazy("Marital status"), "get_marital_status_display"),
    ("education_level", gettext_lazy("Education level"), "get_education_level_display"),
    ("guardian_name", gettext_lazy("Guardian name"), "guardian_name"),
    ("status", gettext_lazy("Status"), "get_status_display"),
]


def _shown(person: Any, attr: str) -> str:
    value = getattr(person, attr)
    value = value() if callable(value) else value
    return "" if value is None else str(value)


def comparison(a: Any, b: Any) -> list[dict[str, Any]]:
    """Rows of the side-by-side table; ``differs`` marks a field the merge must decide.

    Sensitive fields are compared here by their masked forms, which can hide a
    difference in the middle digits; the radios come from the real comparison.
    """
    rows = []
    for field, label, attr in COMPARED:
        left, right = _shown(a, attr), _shown(b, attr)
        rows.append({"field": field, "label": label, "a": left, "b": right, "differs": left != right})
    return rows


def merge_conflicts(request: HttpRequest, a: Any, b: Any) -> list[tuple[str, Any, str, str]]:
    """The fields whose real values differ (compared by the selector, shown masked): one radio group each."""
    conflicts = selectors.person_merge_conflicts(user=request.user, keep_id=a.pk, other_id=b.pk)
    return [
        (name, LABELS.get(name, name), _text(pair[0]), _text(pair[1]))
        for name, pair in conflicts.items()
    ]


def _text(value: Any) -> str:
    if value in (None, "", [], ()):
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(":".join(map(str, v)) if isinstance(v, (list, tuple)) else str(v) for v in value)
    return str(value)


def _candidate(request: HttpRequest, candidate_id: int) -> Any:
    """An open pair in the user's region, else 404."""
    candidate = selectors.duplicate_candidate_list(user=request.user).filter(pk=candidate_id).first()
    if candidate is None:
        raise Http404
    return candidate


@require_action(Action.PERSON_MERGE)
def duplicate_list(request: HttpRequest) -> HttpResponse:
    candidates = list(selectors.duplicate_candidate_list(user=request.user)[:200])
    codes = [c.person_a.division_code for c in candidates] + [c.person_b.division_code for c in candidates]
    return render(request, "registry/duplicates.html", {"candidates": candidates, "names": division_names(codes)})


@require_action(Action.PERSON_MERGE)
def merge(request: HttpRequest, candidate_id: int) -> HttpResponse:
    candidate = _candidate(request, candidate_id)
    a, b = candidate.person_a, candidate.person_b
    rows = comparison(a, b)
    conflicts = merge_conflicts(request, a, b)
    form = MergeForm(request.POST or None, conflicts=conflicts)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.person_merge(actor=request.user, keep_id=a.pk, other_id=b.pk, choices=form.choices(),
                                      reason=form.cleaned_data["reason"])
            except DomainError as exc:
                apply_field_errors(form, list(exc.errors), fallback=exc.message)
            else:
                messages.success(request, _("The two records have been merged into one."))
                return redirect("registry:person_detail", person_id=a.pk)
        status = 400
    context = {"candidate": candidate, "a": a, "b": b, "rows": rows, "form": form, "dismiss_form": DismissForm(prefix="dismiss"),
               "names": division_names([a.division_code, b.division_code])}
    return render(request, "registry/merge.html", context, status=status)


@require_POST
@require_action(Action.PERSON_MERGE)
def dismiss(request: HttpRequest, candidate_id: int) -> HttpResponse:
    candidate = _candidate(request, candidate_id)
    form = DismissForm(request.POST, prefix="dismiss")
    if form.is_valid():
        try:
            services.duplicate_dismiss(actor=request.user, candidate_id=candidate.pk, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            apply_field_errors(form, list(exc.errors), fallback=exc.message)
        else:
            messages.success(request, _("The pair has been marked as two different persons."))
            return redirect("registry:duplicates")
    a, b = candidate.person_a, candidate.person_b
    rows = comparison(a, b)
    conflicts = merge_conflicts(request, a, b)
    context = {"candidate": candidate, "a": a, "b": b, "rows": rows, "form": MergeForm(conflicts=conflicts),
               "dismiss_form": form, "names": division_names([a.division_code, b.division_code])}
    return render(request, "registry/merge.html", context, status=400)

"""The person page: masked record, certificates, household, history timeline and 'as of' view."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from dsip.accounts.roles import Action
from dsip.registry import selectors
from dsip.registry.forms import AsOfForm, RevealForm
from dsip.registry.templatetags.registry_tags import display_value
from dsip.registry.views.common import division_names, person_permissions, require_action

# Fields of a masked snapshot shown by the 'as of' view, in display order.
SNAPSHOT_LABELS: list[tuple[str, Any]] = [
    ("name", _("Name")),
    ("id_number", _("ID number")),
    ("sex", _("Sex")),
    ("birth_date", _("Birth date")),
    ("ethnicity", _("Ethnicity")),
    ("division_code", _("Division")),
    ("household_type", _("Household type")),
    ("address", _("Residence address")),
    ("phone", _("Phone")),
    ("certificate_number", _("Certificate number")),
    ("category", _("Disability category")),
    ("level", _("Disability level")),
    ("status", _("Status")),
    ("version", _("Version")),
]


def snapshot_rows(snapshot: dict[str, Any]) -> list[tuple[Any, Any]]:
    """The main fields of a masked snapshot as (label, value) rows; keys with or without ``_mask``."""
    rows = []
    for key, label in SNAPSHOT_LABELS:
        for candidate in (key, f"{key}_mask"):
            if candidate in snapshot:
                rows.append((label, display_value(key, snapshot[candidate])))
                break
    return rows


def _as_of(request: HttpRequest, person_id: int) -> dict[str, Any]:
    if "when" not in request.GET:
        return {"as_of_form": AsOfForm()}
    form = AsOfForm(request.GET)
    context: dict[str, Any] = {"as_of_form": form}
    if form.is_valid():
        state = selectors.person_as_of(user=request.user, person_id=person_id, when=form.cleaned_data["when"])
        snapshot = getattr(state, "snapshot", state)
        context["as_of_when"] = form.cleaned_data["when"]
        context["as_of_rows"] = snapshot_rows(snapshot) if snapshot else None
    return context


@require_action(Action.PERSON_VIEW)
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    person = selectors.person_get(user=request.user, person_id=person_id)
    certificates = list(person.certificates.all().prefetch_related("components"))
    history = list(selectors.person_history(user=request.user, person_id=person_id))
    context = {
        "person": person,
        "division_name": division_names([person.division_code]).get(person.division_code, ""),
        "certificates": certificates,
        "household": person.household,
        "history": history,  # newest first
        "reveal_form": RevealForm(),
        **_as_of(request, person_id),
        **person_permissions(request.user),
    }
    if request.htmx and "when" in request.GET:
        return render(request, "registry/_as_of.html", context)
    return render(request, "registry/person_detail.html", context)


@require_action(Action.PERSON_VIEW)
def person_history(request: HttpRequest, person_id: int) -> HttpResponse:
    person = selectors.person_get(user=request.user, person_id=person_id)
    history = list(selectors.person_history(user=request.user, person_id=person_id))
    return render(request, "registry/person_history.html", {"person": person, "history": history})

"""Registering and correcting a person.

The form parses; ``person_register`` / ``person_update`` validate (through
``validate_person``) and write. Their ``FieldError``s are shown next to the
fields. A version conflict keeps what the clerk typed, lists what the other
person changed and carries the new version, so a second submit is deliberate.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from dsip.accounts.roles import Action
from dsip.core.errors import DomainError, ErrorCode
from dsip.registry import selectors, services
from dsip.registry.choices import VersionSource
from dsip.registry.forms import PersonForm, apply_field_errors
from dsip.registry.views.common import require_action


@require_action(Action.PERSON_EDIT)
def person_create(request: HttpRequest) -> HttpResponse:
    form = PersonForm(request.POST or None)
    context: dict[str, Any] = {"form": form, "person": None}
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_register(actor=request.user, data=form.person_data(), source=VersionSource.ENTRY)
        except DomainError as exc:
            if exc.code == ErrorCode.DUPLICATE:
                existing = getattr(exc, "existing_id", None)
                context["duplicate_url"] = reverse("registry:person_detail", args=[existing]) if existing else None
                form.add_error("id_number" if not exc.errors else None, str(exc.message))
                apply_field_errors(form, list(exc.errors))
            else:
                apply_field_errors(form, list(exc.errors), fallback=exc.message)
        else:
            messages.success(request, _("%(name)s has been registered.") % {"name": person.name})
            return redirect("registry:person_detail", person_id=person.pk)
    return render(request, "registry/person_form.html", context, status=400 if form.errors else 200)


def conflict_changes(exc: DomainError) -> list[tuple[str, Any, Any]]:
    """``changed_fields`` of a VersionConflict as (field, before, after) rows, all masked by the service."""
    changed = getattr(exc, "changed_fields", None) or {}
    rows = []
    for name, change in changed.items():
        if isinstance(change, dict):
            before, after = change.get("from", ""), change.get("to", "")
        elif isinstance(change, (list, tuple)) and len(change) == 2:
            before, after = change
        else:
            before, after = "", change
        rows.append((name, before, after))
    return rows


@require_action(Action.PERSON_EDIT)
def person_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    person = selectors.person_get(user=request.user, person_id=person_id)
    context: dict[str, Any] = {"person": person}
    if request.method != "POST":
        context["form"] = PersonForm(initial=PersonForm.initial_for(person), person=person)
        return render(request, "registry/person_form.html", context)

    form = PersonForm(request.POST, person=person)
    context["form"] = form
    if form.is_valid():
        try:
            services.person_update(
                actor=request.user, person_id=person.pk, expected_version=form.cleaned_data["version"],
                data=form.person_data(), source=VersionSource.ENTRY, reason=form.cleaned_data.get("reason", ""),
            )
        except DomainError as exc:
            if exc.code == ErrorCode.CONFLICT:
                # Re-bind with the clerk's own values and the current version: nothing typed is lost,
                # and submitting again overwrites the other change knowingly.
                data = request.POST.copy()
                current = getattr(exc, "current_version", None)
                data["version"] = str(current if current is not None else person.version)
                form = PersonForm(data, person=person)
                form.is_valid()
                context.update(form=form, conflict=conflict_changes(exc), conflict_version=data["version"])
                return render(request, "registry/person_form.html", context, status=409)
            apply_field_errors(form, list(exc.errors), fallback=exc.message)
        else:
            messages.success(request, _("The record has been saved."))
            return redirect("registry:person_detail", person_id=person.pk)
    return render(request, "registry/person_form.html", context, status=400)

"""Revealing one sealed value of a person, with a reason; the service audits every reveal."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST

from dsip.accounts.roles import Action
from dsip.registry import selectors, services
from dsip.registry.forms import RevealForm
from dsip.registry.views.common import require_action


@require_POST
@require_action(Action.PERSON_REVEAL)
def person_reveal(request: HttpRequest, person_id: int) -> HttpResponse:
    person = selectors.person_get(user=request.user, person_id=person_id)
    form = RevealForm(request.POST)
    context = {"person": person, "form": form, "value": None}
    status = 200
    if form.is_valid():
        field = form.cleaned_data["field"]
        context["value"] = services.person_reveal(
            actor=request.user, person_id=person.pk, field=field, reason=form.cleaned_data["reason"]
        )
        context["field_label"] = dict(form.fields["field"].choices)[field]
    else:
        status = 400
    template = "registry/_reveal_result.html" if request.htmx else "registry/person_reveal.html"
    response = render(request, template, context, status=status)
    # The clear value must not linger in a browser or proxy cache.
    add_never_cache_headers(response)
    return response

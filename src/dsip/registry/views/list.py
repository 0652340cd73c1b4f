"""The person list: search form, sortable masked table, pagination, htmx partial refresh."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from dsip.accounts.roles import Action
from dsip.registry import selectors
from dsip.registry.forms import ExportReasonForm, PersonLookupForm, PersonSearchForm
from dsip.registry.views.common import division_names, person_permissions, require_action

PAGE_SIZE = 50

# (label, ordering key or None for an unsortable column)
COLUMNS: list[tuple[Any, str | None]] = [
    (_("ID number"), None),
    (_("Name"), "name"),
    (_("Sex"), None),
    (_("Age"), "birth_date"),
    (_("Division"), "division_code"),
    (_("Category / level"), "category"),
    (_("Status"), None),
]


def sort_headers(query: QueryDict, current: str) -> list[dict[str, Any]]:
    """Column headers with a link that sorts by the column (again: reverses) and the aria-sort state."""
    headers = []
    for label, key in COLUMNS:
        head: dict[str, Any] = {"label": label, "key": key, "url": None, "aria_sort": None}
        if key:
            # Age ascending means the youngest first, i.e. birth date descending.
            ascending = f"-{key}" if key == "birth_date" else key
            descending = key if key == "birth_date" else f"-{key}"
            if current == ascending:
                head["aria_sort"], target = "ascending", descending
            elif current == descending:
                head["aria_sort"], target = "descending", ascending
            else:
                target = ascending
            params = query.copy()
            params["ordering"] = target
            params.pop("page", None)
            head["url"] = "?" + params.urlencode()
        headers.append(head)
    return headers


class PersonPaginator(Paginator):
    """Pages of a ``person_list`` queryset, each read with ``selectors.person_page``."""

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(selectors.person_page(self.object_list, bottom, top), number, self)


def results_context(request: HttpRequest, form: PersonSearchForm, lookup_form: PersonLookupForm | None = None,
                    export_form: ExportReasonForm | None = None) -> dict[str, Any]:
    if form.is_bound and not form.is_valid():
        queryset = selectors.person_list(user=request.user, filters={}).none()
    else:
        queryset = selectors.person_list(user=request.user, filters=form.filters())
    paginator = PersonPaginator(queryset, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    persons = list(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    ordering = form.cleaned_data.get("ordering", "") if form.is_bound and form.is_valid() else ""
    return {
        "form": form,
        "lookup_form": lookup_form or PersonLookupForm(),
        "export_form": export_form or ExportReasonForm(),
        "page": page,
        "persons": persons,
        "names": division_names(p.division_code for p in persons),
        "headers": sort_headers(request.GET, ordering),
        "query": query.urlencode(),
        **person_permissions(request.user),
    }


@require_action(Action.PERSON_VIEW)
def person_list(request: HttpRequest) -> HttpResponse:
    form = PersonSearchForm(request.GET or None, user=request.user)
    context = results_context(request, form)
    # htmx asks for the results region only; the same URL without htmx is the whole page.
    template = "registry/_person_results.html" if request.htmx and not request.htmx.boosted else "registry/person_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_action(Action.PERSON_VIEW)
@require_POST
def person_lookup(request: HttpRequest) -> HttpResponse:
    """Exact ID or certificate number → the person's page, or the list with "not found in your region".

    A lookup shows only the masked record (it is not a reveal), so it is not audited;
    the number is never put in a URL, a message or a log line.
    """
    lookup_form = PersonLookupForm(request.POST)
    if lookup_form.is_valid():
        person = selectors.person_list(user=request.user, filters=lookup_form.filters()).first()
        if person is not None:
            return redirect("registry:person_detail", person_id=person.pk)
        lookup_form.add_error(None, _("No person with this number in your region."))
        status = 404
    else:
        status = 400
    form = PersonSearchForm(None, user=request.user)
    return render(request, "registry/person_list.html", results_context(request, form, lookup_form), status=status)

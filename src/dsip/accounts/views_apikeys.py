"""The API keys screen: list keys in the manager's region, issue one (shown once), revoke one."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from dsip.accounts.apikeys import apikey_issue, apikey_revoke, expiry_in_days
from dsip.accounts.models import ApiKey, User
from dsip.accounts.roles import Action, may
from dsip.core.errors import DomainError
from dsip.core.scoping import get_scoped_or_404, scoped


class ApiKeyForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("Acts as (service account)"), queryset=User.objects.none(),
        help_text=_("The key has this account's roles and region."),
    )
    name = forms.CharField(label=pgettext_lazy("API key", "Name"), max_length=80, help_text=_("Who uses the key, e.g. the civil affairs feed."))
    expires_days = forms.IntegerField(
        label=_("Expires after (days)"), required=False, min_value=1, max_value=3650,
        help_text=_("Leave empty for a key that does not expire."),
    )

    def __init__(self, *args: object, manager: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["user"].queryset = scoped(
            User.objects.filter(is_service_account=True, is_active=True).select_related("org_unit"), manager
        ).order_by("username")


def _require_manager(request: HttpRequest) -> None:
    if not may(request.user, Action.API_KEYS_MANAGE):
        raise PermissionDenied


def _list_page(request: HttpRequest, form: ApiKeyForm, status: int = 200) -> HttpResponse:
    keys = scoped(ApiKey.objects.select_related("user", "user__org_unit", "created_by"), request.user)
    return render(request, "accounts/apikeys.html", {"keys": keys, "form": form}, status=status)


@login_required
@require_http_methods(["GET"])
def apikey_list(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    return _list_page(request, ApiKeyForm(manager=request.user))


@never_cache  # the page shows the plain key once; no cache may keep it
@login_required
@require_http_methods(["POST"])
def apikey_create(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    form = ApiKeyForm(request.POST, manager=request.user)
    if not form.is_valid():
        return _list_page(request, form, status=400)
    try:
        key, full_key = apikey_issue(
            actor=request.user, user=form.cleaned_data["user"], name=form.cleaned_data["name"],
            expires_at=expiry_in_days(form.cleaned_data["expires_days"]),
        )
    except DomainError as exc:
        for error in exc.errors or []:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        if not exc.errors:
            form.add_error(None, str(exc.message))
        return _list_page(request, form, status=400)
    return render(request, "accounts/apikeys_created.html", {"key": key, "full_key": full_key})


@login_required
@require_http_methods(["GET", "POST"])
def apikey_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    key = get_scoped_or_404(ApiKey.objects.select_related("user"), request.user, pk=pk)
    if request.method == "POST":
        apikey_revoke(actor=request.user, key=key)
        messages.success(request, gettext("The key %(name)s is revoked.") % {"name": key.name})
        return redirect("accounts:api_keys")
    return render(request, "accounts/apikeys_revoke.html", {"key": key})

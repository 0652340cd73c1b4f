"""Sign-in, sign-out, password change and two-factor screens. Thin: forms in, services out."""

from __future__ import annotations

import django_otp
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from dsip.accounts import two_factor
from dsip.accounts.forms import PasswordChangeForm, SignInForm, TokenForm
from dsip.accounts.services import user_set_password
from dsip.core.errors import DomainError


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    """POST only (Django's LogoutView refuses GET), so a link or image cannot sign someone out."""


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("home")


def _with_next(url_name: str, request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    url = reverse(url_name)
    return f"{url}?{urlencode({'next': target})}" if target else url


def _add_domain_errors(form: TokenForm | PasswordChangeForm, exc: DomainError, field: str) -> None:
    if exc.errors:
        for error in exc.errors:
            form.add_error(field, error.message)
    else:
        form.add_error(None, str(exc.message))


@sensitive_post_parameters()
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            user = user_set_password(user=request.user, raw_password=form.cleaned_data["new_password"], actor=request.user)
        except DomainError as exc:
            _add_domain_errors(form, exc, "new_password")
        else:
            update_session_auth_hash(request, user)  # stay signed in on this device
            messages.success(request, _("Your password has been changed."))
            return redirect("home")
    return render(request, "accounts/password_change.html", {"form": form})


@sensitive_post_parameters()
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    if request.user.is_verified():
        return redirect(_next_url(request))
    if two_factor.confirmed_device(request.user) is None:
        return redirect(_with_next("accounts:two_factor_enrol", request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = two_factor.two_factor_verify(user=request.user, token=form.cleaned_data["code"])
        except DomainError as exc:
            _add_domain_errors(form, exc, "code")
        else:
            _elevate(request, device)
            return redirect(_next_url(request))
    return render(request, "accounts/two_factor.html", {"form": form, "next": request.GET.get("next", "")})


@sensitive_post_parameters()
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_enrol(request: HttpRequest) -> HttpResponse:
    if two_factor.confirmed_device(request.user) is not None:
        return redirect(_with_next("accounts:two_factor", request))
    device = two_factor.totp_device_begin(user=request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = two_factor.totp_device_confirm(user=request.user, token=form.cleaned_data["code"])
        except DomainError as exc:
            _add_domain_errors(form, exc, "code")
        else:
            _elevate(request, device)
            messages.success(request, _("Two-factor sign-in is set up. You will need your app each time you sign in."))
            return redirect(_next_url(request))
    context = {
        "form": form,
        "qr_svg": two_factor.qr_svg(device),
        "secret": two_factor.secret_base32(device),
        "next": request.GET.get("next", ""),
    }
    return render(request, "accounts/two_factor_enrol.html", context)


def _elevate(request: HttpRequest, device: object) -> None:
    # New session key on privilege change, against session fixation.
    request.session.cycle_key()
    django_otp.login(request, device)

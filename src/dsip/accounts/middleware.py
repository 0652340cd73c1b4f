from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

# Paths a privileged user may open before passing two-factor.
_OPEN_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/api/")


class TwoFactorRequiredMiddleware:
    """Privileged roles (reviewers, admins, auditors) must verify a TOTP device before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "needs_two_factor", False)
            and not user.is_verified()
            and not request.path.startswith(_OPEN_PREFIXES)
        ):
            return redirect(f"{reverse('accounts:two_factor')}?next={request.get_full_path()}")
        return self.get_response(request)

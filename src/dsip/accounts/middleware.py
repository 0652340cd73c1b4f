from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from dsip.core.errors import ErrorCode, both_languages

# Paths a privileged user may open before passing two-factor. Deliberately
# narrow: the rest of /accounts/ (password change, API keys) needs the second
# factor too, or a stolen password alone could change them.
_OPEN_PREFIXES = (
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/two-factor/",
    "/static/",
    "/i18n/",
    "/healthz",
)

_MESSAGE = _("Two-factor verification is required; finish it in the browser first.")


class TwoFactorRequiredMiddleware:
    """Privileged roles (reviewers, admins, auditors) must verify a TOTP device before anything else.

    API-key requests never carry a session user, so they are not affected; a
    browser session calling ``/api/`` gets a 403 in the API's error shape
    instead of a redirect.
    """

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
            if request.path.startswith("/api/"):
                body = {"code": ErrorCode.FORBIDDEN.value, "message": str(_MESSAGE),
                        "messages": both_languages(_MESSAGE), "errors": []}
                return JsonResponse(body, status=403)
            return redirect(f"{reverse('accounts:two_factor')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

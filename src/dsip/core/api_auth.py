"""API-key authentication for ``/api/v1``.

A client sends ``Authorization: Bearer dsip_…`` or ``X-API-Key: dsip_…``. A
request that carries a key is judged by the key alone: a bad key is 401 even
if a session cookie is present too, so a broken integration fails loudly
instead of silently acting as whoever last signed in on that machine. A
request without a key falls through to the session auth (with CSRF).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from dsip.core import context

API_KEY_HEADER = "X-API-Key"


def presented_key(request: HttpRequest) -> str | None:
    """The key the client sent, from the bearer header or X-API-Key; None when it sent none."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    value = request.headers.get(API_KEY_HEADER, "").strip()
    return value or None


def api_key_of(request: HttpRequest) -> Any:
    """The ApiKey that authenticated this request, or None (session or anonymous)."""
    return getattr(request, "dsip_api_key", None)


class ApiKeyAuth(HttpBearer):
    """Bearer ``dsip_…`` keys (X-API-Key accepted too); sets request.auth and request.user to the key's user."""

    def __call__(self, request: HttpRequest) -> Any:
        key = presented_key(request)
        if key is None:
            return None  # let the session auth try
        return self.authenticate(request, key)

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from dsip.accounts.apikeys import apikey_authenticate

        key = apikey_authenticate(full_key=token)
        if key is None:
            raise AuthenticationError()
        user = key.user
        request.dsip_api_key = key  # type: ignore[attr-defined]
        # Downstream code (selectors, may(), audit) reads request.user; the key
        # replaces any session user for this request.
        request.user = user
        context.set_user(user)
        return user


apikey_auth = ApiKeyAuth()

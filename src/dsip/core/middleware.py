from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from dsip.core import context


def client_ip(request: HttpRequest) -> str:
    # Only REMOTE_ADDR: X-Forwarded-For is set by clients too; a TLS proxy in
    # front should overwrite REMOTE_ADDR (see docs/operations.md).
    return request.META.get("REMOTE_ADDR", "")


class RequestContextMiddleware:
    """Gives each request an id (echoed as X-Request-ID) and exposes actor and IP to the audit log."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = context.new_request_id()
        request.request_id = request_id  # type: ignore[attr-defined]
        user = getattr(request, "user", None)
        with context.actor_context(
            request_id=request_id,
            ip=client_ip(request),
            user=user if user is not None and user.is_authenticated else None,
            channel="api" if request.path.startswith("/api/") else "web",
        ):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response

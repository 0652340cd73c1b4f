"""The ``/api/v1`` API: one NinjaAPI, routers from each app, one error shape.

Every error answer is ``{"code", "message", "messages": {"zh-hans", "en"}, "errors": [...]}``.
Auth: an API key (``Authorization: Bearer dsip_…`` or ``X-API-Key``) for
department clients, or the browser session (with CSRF) for signed-in users.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from ninja.openapi.docs import Swagger
from ninja.security import django_auth

from dsip.audit.models import Outcome
from dsip.audit.services import audit_record
from dsip.core.api_auth import api_key_of, apikey_auth
from dsip.core.errors import DomainError, ErrorCode, both_languages


class LocalSwagger(Swagger):
    """Swagger UI from the files bundled with django-ninja: no CDN, no inline script (CSP).

    ninja's own page keeps its settings in an inline JSON block; ours passes them
    as data attributes read by ``static/dsip/api-docs.js``.
    """

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        # validatorUrl None: the default badge calls validator.swagger.io.
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs), "validatorUrl": None}
        return render(request, "api/docs.html", {"api": api, "swagger_settings": json.dumps(settings)})


api = NinjaAPI(
    title="DSIP API",
    version="1.0.0",
    description="残疾人基本公共服务信息管理平台 API. See docs/api.md.",
    auth=[apikey_auth, django_auth],
    urls_namespace="api-1.0.0",
    docs=LocalSwagger(),
)


def error_body(code: ErrorCode | str, message: Any = None, errors: list[dict[str, str]] | None = None) -> dict[str, Any]:
    code = ErrorCode(code)
    message = message if message is not None else code.label
    messages = both_languages(message)
    return {"code": code.value, "message": str(message), "messages": messages, "errors": errors or []}


def error_response(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
    if status in (403, 404):
        _audit_denial(request, status)
    return api.create_response(request, body, status=status)


def _audit_denial(request: HttpRequest, status: int) -> None:
    """A department key asking for what it may not see or do is worth a look: record it.

    Only key requests: a browser user's stray 404 is noise, a machine probing
    other regions is not.
    """
    key = api_key_of(request)
    if key is None:
        return
    audit_record(
        action="api.denied", outcome=Outcome.DENIED, object_type="api_key", object_id=key.pk,
        division_code=key.user.scope_code or "",
        changes={"method": request.method, "path": request.path[:300], "status": status},
        actor=key.user,
    )


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    errors = [{"field": e.field, "code": e.code, "message": str(e.message)} for e in exc.errors]
    # Invalid data is a 422 whether the schema or a service found it, so a client
    # handles "fix your data" in one place; services keep their generic 400 default.
    status = 422 if exc.code == ErrorCode.INVALID and exc.status == 400 else exc.status
    return error_response(request, status, error_body(exc.code, exc.message, errors))


# pydantic speaks English only: its error ``type`` picks our translatable message
# (placeholders filled from the error's ``ctx``); an unlisted type keeps pydantic's text.
SCHEMA_MESSAGES: dict[str, Any] = {
    "missing": _("This field is required."),
    "string_type": _("Must be text."),
    "string_too_short": _("Must be at least %(min_length)s characters."),
    "string_too_long": _("Must be at most %(max_length)s characters."),
    "string_pattern_mismatch": _("Not in the expected format."),
    "int_parsing": _("Must be a whole number."),
    "int_type": _("Must be a whole number."),
    "int_from_float": _("Must be a whole number."),
    "float_parsing": _("Must be a number."),
    "float_type": _("Must be a number."),
    "bool_parsing": _("Must be true or false."),
    "bool_type": _("Must be true or false."),
    "date_parsing": _("Must be a date (YYYY-MM-DD)."),
    "date_from_datetime_parsing": _("Must be a date (YYYY-MM-DD)."),
    "date_from_datetime_inexact": _("Must be a date (YYYY-MM-DD)."),
    "date_type": _("Must be a date (YYYY-MM-DD)."),
    "datetime_parsing": _("Must be a date and time (ISO 8601)."),
    "datetime_from_date_parsing": _("Must be a date and time (ISO 8601)."),
    "datetime_type": _("Must be a date and time (ISO 8601)."),
    "literal_error": _("Must be one of: %(expected)s."),
    "enum": _("Must be one of: %(expected)s."),
    "value_error": _("Not a valid value."),
    "extra_forbidden": _("Unknown field."),
    "greater_than": _("Must be greater than %(gt)s."),
    "greater_than_equal": _("Must be at least %(ge)s."),
    "less_than": _("Must be less than %(lt)s."),
    "less_than_equal": _("Must be at most %(le)s."),
    "list_type": _("Must be a list."),
    "dict_type": _("Must be an object."),
    "model_type": _("Must be an object."),
    "model_attributes_type": _("Must be an object."),
    "too_short": _("Too few items (at least %(min_length)s)."),
    "too_long": _("Too many items (at most %(max_length)s)."),
    "json_invalid": _("The request body is not valid JSON."),
}


def schema_message(err: dict[str, Any]) -> str:
    """The message of one pydantic error in the active language; pydantic's own text when we have none."""
    template = SCHEMA_MESSAGES.get(err.get("type", ""))
    if template is None:
        return str(err.get("msg", ""))
    ctx = {k: ", ".join(map(str, v)) if isinstance(v, (list, tuple)) else v for k, v in (err.get("ctx") or {}).items()}
    try:
        return str(template) % ctx if "%(" in str(template) else str(template)
    except (KeyError, TypeError, ValueError):  # a ctx without the placeholder: the message without the detail
        return str(err.get("msg", "")) or str(template)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = []
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "payload")]
        errors.append({"field": ".".join(loc), "code": err.get("type", "invalid"), "message": schema_message(err)})
    return error_response(request, 422, error_body(ErrorCode.INVALID, errors=errors))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(request, 401, error_body(ErrorCode.UNAUTHORIZED))


@api.exception_handler(AuthorizationError)
def _forbidden(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
    return error_response(request, 403, error_body(ErrorCode.FORBIDDEN))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, error_body(ErrorCode.NOT_FOUND))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = {401: ErrorCode.UNAUTHORIZED, 403: ErrorCode.FORBIDDEN, 404: ErrorCode.NOT_FOUND,
            409: ErrorCode.CONFLICT, 429: ErrorCode.RATE_LIMITED}.get(exc.status_code, ErrorCode.INVALID)
    return error_response(request, exc.status_code, error_body(code))


def _register_routers() -> None:
    from dsip.audit.api import router as audit_router
    from dsip.regions.api import router as regions_router
    from dsip.registry.api import router as registry_router

    api.add_router("/regions", regions_router)
    api.add_router("/audit", audit_router)
    api.add_router("/persons", registry_router)


@api.get("/me", tags=["accounts"], summary="The signed-in user or API key's account and scope")
def me(request: HttpRequest) -> dict[str, Any]:
    user = request.auth if hasattr(request.auth, "pk") else request.user
    key = api_key_of(request)
    return {
        "username": user.get_username(),
        "via": "api_key" if key is not None else "session",
        "key_prefix": key.prefix if key is not None else None,
        "roles": list(user.roles),
        "org_unit": user.org_unit.name if user.org_unit_id else None,
        "scope": user.scope_code,
    }


_register_routers()

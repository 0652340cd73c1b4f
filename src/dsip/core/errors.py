"""Error codes shared by services, the API and tests, and the one domain error.

An API answer for any error has the shape
``{"code": ..., "message": ..., "messages": {"zh-hans": ..., "en": ...}, "errors": [...]}``
where ``errors`` lists ``{"field", "code", "message"}`` for field-level problems.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class ErrorCode(models.TextChoices):
    INVALID = "invalid", _("The data are not valid.")
    NOT_FOUND = "not_found", _("Not found, or outside your region.")
    FORBIDDEN = "forbidden", _("You do not have permission to do this.")
    UNAUTHORIZED = "unauthorized", _("Sign in or give a valid API key.")
    CONFLICT = "conflict", _("Someone else changed this record; reload and try again.")
    DUPLICATE = "duplicate", _("This record already exists.")
    RATE_LIMITED = "rate_limited", _("Too many requests; try again later.")
    SERVER_ERROR = "server_error", _("Something went wrong on our side; it has been logged.")
    UNKNOWN_DIVISION = "unknown_division", _("Unknown division code.")
    OUT_OF_SCOPE = "out_of_scope", _("This division is outside your region.")


@dataclass
class FieldError:
    field: str
    code: str
    message: str


@dataclass
class DomainError(Exception):
    """Raised by services for a refusal the user can act on."""

    code: ErrorCode
    message: Any = None
    errors: list[FieldError] = field(default_factory=list)
    status: int = 400

    def __post_init__(self) -> None:
        if self.message is None:
            self.message = self.code.label
        super().__init__(str(self.message))


def both_languages(message: Any) -> dict[str, str]:
    """Render a lazy message in Chinese and in English."""
    out = {}
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            out[lang] = str(message)
    return out

"""Password rules of MLPS level 3: mixed character classes, no reuse of the last five."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """At least three of: lowercase, uppercase, digits, symbols."""

    def validate(self, password: str, user: Any = None) -> None:
        classes = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < 3:
            raise ValidationError(
                _("The password must mix at least three of: lowercase letters, uppercase letters, digits, symbols."),
                code="password_classes",
            )

    def get_help_text(self) -> str:
        return _("Use at least three of: lowercase letters, uppercase letters, digits, symbols.")


class NoReuseValidator:
    def __init__(self, history: int = 5):
        self.history = history

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or user.pk is None:
            return
        previous = [user.password, *user.password_history.values_list("password", flat=True)[: self.history]]
        if any(h and check_password(password, h) for h in previous[: self.history]):
            raise ValidationError(
                _("You used this password recently; choose one you have not used in your last %(n)d passwords.")
                % {"n": self.history},
                code="password_reused",
            )

    def get_help_text(self) -> str:
        return _("Do not reuse any of your last %(n)d passwords.") % {"n": self.history}

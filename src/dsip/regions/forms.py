"""Form fields for division codes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dsip.core.errors import ErrorCode
from dsip.core.scoping import code_within, scope_code_of
from dsip.regions.codes import CodeError
from dsip.regions.models import Division, Level
from dsip.regions.selectors import division_lookup
from dsip.regions.widgets import DivisionPickerWidget

_UNSET = object()


class DivisionField(forms.Field):
    """A division code chosen with the cascading picker or typed; cleans to the stored code.

    Input is normalised (full-width digits, spaces, 12-digit statistical form).
    Malformed, unknown and out-of-scope codes are field errors. The scope comes
    from ``user`` (their org unit's region) or an explicit ``scope`` ("" =
    national); without either, every code is outside scope (fail closed).
    Give ``user`` in the form's ``__init__`` with ``limit_to(user)``.
    """

    widget = DivisionPickerWidget
    default_error_messages = {
        ErrorCode.INVALID.value: _("Enter a division code of 2, 4, 6, 9 or 12 digits."),
        ErrorCode.UNKNOWN_DIVISION.value: _("Unknown division code %(code)s."),
        ErrorCode.OUT_OF_SCOPE.value: _("Division %(code)s is outside your region."),
        "abolished": _("Division %(code)s has been abolished; choose a current one."),
        "too_coarse": _("Choose down to at least the %(level)s level."),
    }

    def __init__(self, *, user: Any = None, scope: Any = _UNSET, min_level: int | None = None,
                 max_level: int = Level.VILLAGE, allow_abolished: bool = False, **kwargs: Any) -> None:
        self.min_level = min_level
        self.allow_abolished = allow_abolished
        kwargs.setdefault("widget", DivisionPickerWidget(max_level=max_level))
        super().__init__(**kwargs)
        self.scope = scope
        self.limit_to(user)

    def limit_to(self, user: Any) -> None:
        self.user = user
        self.widget.user = user

    def _scope(self) -> str | None:
        return scope_code_of(self.user) if self.scope is _UNSET else self.scope

    def to_python(self, value: Any) -> str:
        return "" if value in self.empty_values else str(value).strip()

    def clean(self, value: Any) -> str:
        code = super().clean(value)
        if code in self.empty_values:
            return ""
        division = self._lookup(code)
        if not code_within(division.code, self._scope()):
            raise forms.ValidationError(self.error_messages[ErrorCode.OUT_OF_SCOPE.value],
                                        code=ErrorCode.OUT_OF_SCOPE.value, params={"code": division.code})
        if division.abolished and not self.allow_abolished:
            raise forms.ValidationError(self.error_messages["abolished"], code="abolished",
                                        params={"code": division.code})
        if self.min_level and division.level < self.min_level:
            raise forms.ValidationError(self.error_messages["too_coarse"], code="too_coarse",
                                        params={"level": Level(self.min_level).label})
        return division.code

    def _lookup(self, code: str) -> Division:
        try:
            division = division_lookup(code)
        except CodeError as exc:
            raise forms.ValidationError(self.error_messages[ErrorCode.INVALID.value],
                                        code=ErrorCode.INVALID.value) from exc
        if division is None:
            raise forms.ValidationError(self.error_messages[ErrorCode.UNKNOWN_DIVISION.value],
                                        code=ErrorCode.UNKNOWN_DIVISION.value, params={"code": code})
        return division


class DivisionPickerForm(forms.Form):
    """The demo form of ``regions:picker``."""

    division = DivisionField(label=_("Division"), help_text=_("Choose level by level, or type the code."))

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["division"].limit_to(user)

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from dsip.audit.models import Outcome
from dsip.audit.selectors import AuditFilters


class DateInput(forms.DateInput):
    input_type = "date"


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("User name"), required=False, max_length=150)
    action = forms.CharField(label=_("Action"), required=False, max_length=60,
                             help_text=_("The start is enough: “auth.” finds every sign-in event."))
    outcome = forms.ChoiceField(label=_("Outcome"), required=False,
                                choices=[("", _("Any"))] + list(Outcome.choices))
    object_type = forms.CharField(label=_("Object type"), required=False, max_length=60)
    object_id = forms.CharField(label=_("Object ID"), required=False, max_length=64)
    division = forms.CharField(
        label=_("Division code"), required=False, max_length=12,
        validators=[RegexValidator(r"^\d{2,12}$", _("Enter 2 to 12 digits."))],
        help_text=_("A prefix: 4201 covers every county of Wuhan."),
    )
    date_from = forms.DateField(label=_("From (date)"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("To (date, inclusive)"), required=False, widget=DateInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def filters(self) -> AuditFilters:
        return AuditFilters.from_mapping(self.cleaned_data)

"""Forms of the registry screens.

The forms only parse what the browser sends; every rule about a person (ID
check digit, certificate matching the ID, division inside the clerk's region)
lives in ``dsip.registry.validation`` and reaches the form as ``FieldError``s
from the services, so the screen, the API and imports report the same errors.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dsip.core.errors import FieldError
from dsip.registry.choices import (
    DisabilityCategory,
    DisabilityLevel,
    EducationLevel,
    Ethnicity,
    HouseholdType,
    MaritalStatus,
    PersonStatus,
    Sex,
)

BLANK = [("", _("— any —"))]
BLANK_CHOOSE = [("", _("— choose —"))]

# Columns a list may be sorted by; the selector receives the same names.
SORTABLE = ("name", "birth_date", "division_code", "category", "level", "id")


HOUSEHOLD_CHOICES = [
    ("dibao", _("Minimum living guarantee")),
    ("tekun", _("Extreme-poverty support")),
    ("low_income", _("Low-income household")),
]


def _division_field(**kwargs: Any) -> forms.Field:
    """The regions app's division picker when it exists, a code text field otherwise."""
    try:
        from dsip.regions.forms import DivisionField  # type: ignore[attr-defined]
    except ImportError:
        return forms.CharField(max_length=12, **kwargs)
    return DivisionField(**kwargs)


class PersonSearchForm(forms.Form):
    """Filters of the person list, the export and (by the same names) the API list."""

    # No ID or certificate number here: GET parameters end up in access logs and browser
    # history. Those searches go through ``PersonLookupForm`` (POST).
    q = forms.CharField(label=_("Name or pinyin"), required=False, max_length=50)
    division = _division_field(label=_("Division code"), required=False,
                               help_text=_("A province, city, county, township or village code."))
    category = forms.ChoiceField(label=_("Disability category"), required=False,
                                 choices=BLANK + list(DisabilityCategory.choices))
    level = forms.ChoiceField(label=_("Disability level"), required=False,
                              choices=BLANK + list(DisabilityLevel.choices))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=BLANK + list(PersonStatus.choices))
    age_min = forms.IntegerField(label=_("Age from"), required=False, min_value=0, max_value=130)
    age_max = forms.IntegerField(label=_("Age to"), required=False, min_value=0, max_value=130)
    household = forms.ChoiceField(label=_("Household status"), required=False, choices=BLANK + HOUSEHOLD_CHOICES)
    ordering = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # The division picker offers (and accepts) only divisions inside the user's region.
        limit_to = getattr(self.fields["division"], "limit_to", None)
        if limit_to is not None:
            limit_to(user)

    def clean_ordering(self) -> str:
        value = self.cleaned_data.get("ordering") or ""
        return value if value.lstrip("-") in SORTABLE else ""

    def clean_division(self) -> str:
        value = self.cleaned_data.get("division") or ""
        return getattr(value, "code", value).strip()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        lo, hi = data.get("age_min"), data.get("age_max")
        if lo is not None and hi is not None and lo > hi:
            self.add_error("age_max", _("The upper age must not be below the lower age."))
        return data

    def filters(self) -> dict[str, Any]:
        """The non-empty filters, as ``person_list`` takes them (empty dict when the form is invalid)."""
        if not self.is_valid():
            return {}
        filters = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        if "household" in filters:
            filters["household_status"] = filters.pop("household")
        return filters


class PersonLookupForm(forms.Form):
    """Find one person by exact ID or certificate number, sent by POST so the number stays out of URLs."""

    prefix = "lookup"

    # autocomplete off: a shared office browser should not offer yesterday's ID numbers.
    id_number = forms.CharField(label=_("ID number"), required=False, max_length=30,
                                widget=forms.TextInput(attrs={"autocomplete": "off"}))
    certificate_number = forms.CharField(label=_("Certificate number"), required=False, max_length=30,
                                         widget=forms.TextInput(attrs={"autocomplete": "off"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not (data.get("id_number") or "").strip() and not (data.get("certificate_number") or "").strip():
            raise forms.ValidationError(_("Give an ID number or a certificate number."), code="required")
        return data

    def filters(self) -> dict[str, str]:
        return {k: v.strip() for k, v in self.cleaned_data.items() if k in self.fields and (v or "").strip()}


def apply_field_errors(form: forms.Form, errors: list[FieldError], *, fallback: Any = None) -> None:
    """Show each service ``FieldError`` next to its field; unknown fields go to the summary."""
    aliases = {"division_code": "division_code", "certificate": "certificate_number", "number": "certificate_number"}
    for err in errors:
        name = aliases.get(err.field, err.field)
        if name and name in form.fields:
            form.add_error(name, str(err.message))
        else:
            form.add_error(None, f"{err.field}: {err.message}" if err.field else str(err.message))
    if not errors and fallback is not None:
        form.add_error(None, str(fallback))
    # Django renders each field's errors with id "<field id>_error" and points the
    # input's aria-describedby and aria-invalid at them, so nothing more is needed here.


# Fields kept sealed in the database: the edit form never shows them in clear,
# a blank input means "keep the stored value".
SENSITIVE_FIELDS = ("id_number", "certificate_number", "address", "phone", "guardian_phone")


class PersonForm(forms.Form):
    """Create or correct a person. Text stays text here; validate_person decides what is valid."""

    name = forms.CharField(label=_("Name"), max_length=50, required=False)
    id_number = forms.CharField(label=_("ID number"), max_length=30, required=False,
                                help_text=_("18 characters; a lowercase x and full-width digits are accepted."))
    sex = forms.ChoiceField(label=_("Sex"), required=False, choices=BLANK_CHOOSE + list(Sex.choices),
                            help_text=_("Leave empty to take it from the ID number."))
    birth_date = forms.CharField(label=_("Birth date"), required=False, max_length=10,
                                 help_text=_("YYYY-MM-DD; leave empty to take it from the ID number."))
    ethnicity = forms.ChoiceField(label=_("Ethnicity"), required=False, choices=list(Ethnicity.choices),
                                  initial=Ethnicity.HAN)
    certificate_number = forms.CharField(label=_("Disability certificate number"), max_length=30, required=False,
                                         help_text=_("20 characters: the ID number, category and level (a B1–B9 reissue suffix is accepted)."))
    category = forms.ChoiceField(label=_("Disability category"), required=False,
                                 choices=BLANK_CHOOSE + list(DisabilityCategory.choices))
    level = forms.ChoiceField(label=_("Disability level"), required=False,
                              choices=BLANK_CHOOSE + list(DisabilityLevel.choices))
    issue_date = forms.CharField(label=_("Certificate issue date"), required=False, max_length=10,
                                 help_text=_("YYYY-MM-DD"))
    reassess_date = forms.CharField(label=_("Next re-assessment date"), required=False, max_length=10,
                                    help_text=_("YYYY-MM-DD"))
    components = forms.CharField(label=_("Component disabilities"), required=False, max_length=40,
                                 help_text=_("Only for a multiple disability: category:level pairs, e.g. 1:2,4:3."))
    division_code = forms.CharField(label=_("Household registration division code"), max_length=12,
                                    required=False, help_text=_("County, township or village code."))
    household_type = forms.ChoiceField(label=_("Household type"), required=False,
                                       choices=BLANK_CHOOSE + list(HouseholdType.choices))
    relation_to_head = forms.CharField(label=_("Relation to household head"), max_length=20, required=False)
    address = forms.CharField(label=_("Residence address"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    marital_status = forms.ChoiceField(label=_("Marital status"), required=False,
                                       choices=BLANK_CHOOSE + list(MaritalStatus.choices))
    education_level = forms.ChoiceField(label=_("Education level"), required=False,
                                        choices=BLANK_CHOOSE + list(EducationLevel.choices))
    guardian_name = forms.CharField(label=_("Guardian name"), max_length=50, required=False)
    guardian_relation = forms.CharField(label=_("Guardian relation"), max_length=20, required=False)
    guardian_phone = forms.CharField(label=_("Guardian phone"), max_length=20, required=False)
    dibao = forms.BooleanField(label=_("Minimum living guarantee"), required=False)
    tekun = forms.BooleanField(label=_("Extreme-poverty support"), required=False)
    low_income = forms.BooleanField(label=_("Low-income household"), required=False)
    reason = forms.CharField(label=_("Reason for the change"), max_length=200, required=False)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    sections = (
        (_("Identity"), ("name", "id_number", "sex", "birth_date", "ethnicity")),
        (_("Certificate"), ("certificate_number", "category", "level", "issue_date", "reassess_date", "components")),
        (_("Household registration"), ("division_code", "household_type", "relation_to_head", "address", "phone")),
        (_("Background"), ("marital_status", "education_level")),
        (_("Guardian"), ("guardian_name", "guardian_relation", "guardian_phone")),
        (_("Household assistance"), ("dibao", "tekun", "low_income")),
    )

    def __init__(self, *args: Any, person: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.person = person
        if person is None:
            del self.fields["version"]
            del self.fields["reason"]
        else:
            # The stored value stays sealed: show its masked form as a hint and keep it when blank.
            masks = {
                "id_number": person.id_number_mask, "address": person.address_mask,
                "phone": person.phone_mask, "guardian_phone": person.guardian_phone_mask,
            }
            for name, mask in masks.items():
                if mask:
                    self.fields[name].widget.attrs["placeholder"] = mask
                    self.fields[name].help_text = _("Stored: %(mask)s. Leave empty to keep it.") % {"mask": mask}
            self.fields["certificate_number"].help_text = _("Leave empty to keep the stored certificate.")
            self.fields["version"].required = True

    def grouped(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(title, [self[n] for n in names if n in self.fields]) for title, names in self.sections]

    def person_data(self) -> dict[str, Any]:
        """The dict handed to the services: blanks dropped, sensitive blanks on edit mean 'keep'."""
        data: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if name in ("version", "reason"):
                continue
            if isinstance(value, str):
                value = value.strip()
            if self.person is not None and name in SENSITIVE_FIELDS and value == "":
                continue
            data[name] = value
        return data

    @staticmethod
    def initial_for(person: Any) -> dict[str, Any]:
        """Prefill an edit form with the person's non-sensitive values."""
        household = getattr(person, "household", None)
        cert = next((c for c in person.certificates.all() if c.is_current), None)
        cert_values = {}
        if cert is not None:
            cert_values = {
                "issue_date": cert.issue_date.isoformat() if cert.issue_date else "",
                "reassess_date": cert.reassess_date.isoformat() if cert.reassess_date else "",
                "components": ",".join(f"{c.category}:{c.level}" for c in cert.components.all()),
            }
        return {
            **cert_values,
            "name": person.name, "sex": person.sex,
            "birth_date": person.birth_date.isoformat() if person.birth_date else "",
            "ethnicity": person.ethnicity, "category": person.category, "level": person.level,
            "division_code": person.division_code, "household_type": person.household_type,
            "relation_to_head": person.relation_to_head, "marital_status": person.marital_status,
            "education_level": person.education_level, "guardian_name": person.guardian_name,
            "guardian_relation": person.guardian_relation,
            "dibao": bool(household and household.dibao), "tekun": bool(household and household.tekun),
            "low_income": bool(household and household.low_income),
            "version": person.version,
        }


REVEALABLE = [
    ("id_number", _("ID number")),
    ("certificate_number", _("Certificate number")),
    ("phone", _("Phone")),
    ("address", _("Residence address")),
    ("guardian_phone", _("Guardian phone")),
]


class RevealForm(forms.Form):
    field = forms.ChoiceField(label=_("Value to reveal"), choices=REVEALABLE)
    reason = forms.CharField(label=_("Reason (recorded in the audit trail)"), min_length=4, max_length=200)


class ExportReasonForm(forms.Form):
    """The reason for an export with clear values (recorded in the audit trail)."""

    prefix = "export"

    reason = forms.CharField(label=_("Reason for exporting clear values (recorded in the audit trail)"),
                             min_length=4, max_length=200)


class AsOfForm(forms.Form):
    when = forms.DateField(label=_("Show the record as it was on"), widget=forms.DateInput(attrs={"type": "date"}))


class DismissForm(forms.Form):
    reason = forms.CharField(label=_("Why these are different persons"), min_length=4, max_length=200)


class MergeForm(forms.Form):
    """One radio group per field where the two records differ, plus a reason."""

    reason = forms.CharField(label=_("Reason for the merge"), min_length=4, max_length=200)

    def __init__(self, *args: Any, conflicts: list[tuple[str, Any, str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name, label, value_a, value_b in conflicts:
            self.fields[f"choice_{name}"] = forms.ChoiceField(
                label=label, widget=forms.RadioSelect,
                choices=[("keep", value_a or _("(empty)")), ("other", value_b or _("(empty)"))], initial="keep",
            )

    def choices(self) -> dict[str, str]:
        return {k.removeprefix("choice_"): v for k, v in self.cleaned_data.items() if k.startswith("choice_")}

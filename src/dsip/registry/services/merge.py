"""Merging two records of the same person, field by field as the reviewer chooses.

Both histories stay: the kept person gets a MERGE version with the chosen values,
the other keeps all its versions and gets a last MERGE version that points to
the kept one (``merged_into``) and takes it out of active lists.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dsip.accounts.roles import Action
from dsip.audit.services import audit_record
from dsip.core.crypto import field_cipher
from dsip.core.errors import DomainError, ErrorCode, FieldError
from dsip.core.outbox import outbox_append
from dsip.registry.choices import PersonStatus, VersionSource
from dsip.registry.models import DuplicateCandidate, DuplicateStatus, Person
from dsip.registry.services._records import (
    EDITABLE_FIELDS,
    actor_scope,
    load_person,
    mask_value,
    masked_snapshot,
    person_plain,
    plain_diff,
    require,
)
from dsip.registry.services.history import version_record
from dsip.registry.services.person import apply_change
from dsip.registry.validation import validate_person

# Fields a reviewer chooses between (household_id included: the kept record may join the other's household).
MERGE_FIELDS = tuple(name for name in EDITABLE_FIELDS)


def _same(a: Any, b: Any) -> bool:
    norm = lambda v: None if v in (None, "", [], ()) else ([tuple(x) for x in v] if isinstance(v, list | tuple) else v)  # noqa: E731
    return norm(a) == norm(b)


def merge_conflicts(keep_plain: Mapping[str, Any], other_plain: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Masked ``{field: [keep, other]}`` for every field where the two records differ."""
    return {
        name: [mask_value(name, keep_plain.get(name)), mask_value(name, other_plain.get(name))]
        for name in MERGE_FIELDS
        if not _same(keep_plain.get(name), other_plain.get(name))
    }


def _tombstone(purpose: str, pk: int) -> str:
    """A unique placeholder blind index that frees a merged record's ID or certificate number."""
    return field_cipher().blind_index(f"merged:{pk}", purpose=purpose)


def person_merge(*, actor: Any, keep_id: int, other_id: int, choices: Mapping[str, str], reason: str) -> Person:
    """Merge ``other`` into ``keep``. ``choices`` says "keep" or "other" per conflicting field (default keep)."""
    require(actor, Action.PERSON_MERGE)
    reason = (reason or "").strip()
    errors = []
    if len(reason) < 2:
        errors.append(FieldError("reason", "required", _("Reason: say why these records are the same person.")))
    if int(keep_id) == int(other_id):
        errors.append(FieldError("other_id", "same", _("Choose two different records.")))
    bad = [name for name, side in choices.items() if side not in ("keep", "other") or name not in MERGE_FIELDS]
    errors += [FieldError(name, "choice", _("Choose the kept or the other record's value.")) for name in bad]
    if errors:
        raise DomainError(code=ErrorCode.INVALID, errors=errors)

    with transaction.atomic():
        keep = load_person(actor, keep_id)
        other = load_person(actor, other_id)
        if keep.merged_into_id or other.merged_into_id:
            raise DomainError(code=ErrorCode.CONFLICT, status=409,
                              message=_("One of these records has already been merged."))
        keep_plain, other_plain = person_plain(keep), person_plain(other)
        conflicts = merge_conflicts(keep_plain, other_plain)
        data = {name: keep_plain.get(name) for name in MERGE_FIELDS}
        taken = {name for name in conflicts if choices.get(name) == "other"}
        # A value missing on the kept record is filled from the other one.
        taken |= {name for name in conflicts if _same(keep_plain.get(name), None)}
        data.update({name: other_plain.get(name) for name in taken})
        clean = validate_person(data, scope=actor_scope(actor))

        # Free the other's unique values first if the kept record takes them over.
        other_updates: dict[str, Any] = {}
        if "id_number" in taken:
            other_updates["id_number_bidx"] = _tombstone("id_number", other.pk)
        if "certificate_number" in taken:
            other.certificates.filter(is_current=True).update(
                number_bidx=_tombstone("certificate_number", other.pk), is_current=False,
                cancelled_at=timezone.localdate(),
            )
        other.certificates.filter(is_current=True).update(is_current=False)
        if other_updates:
            Person.objects.filter(pk=other.pk).update(**other_updates)

        extra = {"merged_from": [None, other.pk]}
        keep, changes = apply_change(
            actor=actor, person=keep, expected_version=keep.version, clean=clean, before=keep_plain,
            source=VersionSource.MERGE, reason=reason, action="person.merged", extra_changes=extra,
            update_statuses=True,
        )

        other_after = dict(other_plain, status=PersonStatus.MERGED, status_date=timezone.localdate(),
                           status_source="merge")
        other_changes = plain_diff(other_plain, other_after)
        other_changes["merged_into"] = [None, keep.pk]
        Person.objects.filter(pk=other.pk).update(
            merged_into=keep, status=PersonStatus.MERGED, status_date=timezone.localdate(), status_source="merge",
            version=F("version") + 1, updated_at=timezone.now(),
        )
        other.refresh_from_db()
        version_record(person=other, actor=actor, source=VersionSource.MERGE, reason=reason, changes=other_changes,
                       snapshot=masked_snapshot(other_after))

        DuplicateCandidate.objects.filter(
            Q(person_a=keep, person_b=other) | Q(person_a=other, person_b=keep)
        ).update(status=DuplicateStatus.MERGED, decided_at=timezone.now(), decided_by_id=getattr(actor, "pk", None))
        # Other open pairs of the merged-away record are moot; close them so review lists stay clean.
        DuplicateCandidate.objects.filter(Q(person_a=other) | Q(person_b=other), status=DuplicateStatus.OPEN).update(
            status=DuplicateStatus.MERGED, decided_at=timezone.now(), decided_by_id=getattr(actor, "pk", None))

        audit_record(action="person.merged_away", object_type="registry.person", object_id=other.pk,
                     division_code=other.division_code, changes=other_changes, reason=reason, actor=actor)
        outbox_append(topic="person.merged_away", aggregate_type="person", aggregate_id=other.pk,
                      division_code=other.division_code,
                      payload={"person_id": other.pk, "merged_into": keep.pk, "version": other.version})
    return keep

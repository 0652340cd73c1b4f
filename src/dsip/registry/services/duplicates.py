"""Candidate duplicates: listed for review, never merged automatically.

A pair is a candidate when both persons are in the same province, share the
birth date, and have the same name, the same name in pinyin (homophones such
as 张伟/章伟), or names one edit apart (a mistyped character; for two-character
names only when the surname matches). An exact
duplicate (same ID number) never gets here: registration refuses it.
"""

from __future__ import annotations

import functools
import os
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any, NamedTuple, Protocol

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rapidfuzz.distance import Levenshtein

from dsip.accounts.roles import Action
from dsip.audit.services import audit_record
from dsip.core.errors import DomainError, ErrorCode, FieldError
from dsip.core.scoping import prefix_q
from dsip.registry.bulk import Table, bulk_insert_new
from dsip.registry.models import DuplicateCandidate, DuplicateStatus, Person
from dsip.registry.services._records import actor_scope, not_found, require

SAME_NAME = "same_name_birth"
SAME_PINYIN = "same_pinyin_birth"
SIMILAR_NAME = "similar_name_birth"
SCORES = {SAME_NAME: 1.0, SAME_PINYIN: 0.9, SIMILAR_NAME: 0.8}


def common_prefix(a: str, b: str) -> str:
    """The longest division prefix both codes share, cut to a division level (2/4/6/9/12)."""
    n = len(os.path.commonprefix([a, b]))
    for level in (12, 9, 6, 4, 2):
        if level <= n:
            return a[:level]
    return ""


def _similar_enough(a: str, b: str) -> bool:
    """One edit apart is a likely typo only if it leaves most of the name: in a two-character
    name the surname must match (张伟/张韦), otherwise 王芳/李芳 born the same day would pair up."""
    if min(len(a), len(b)) >= 3:
        return True
    return len(a) == len(b) == 2 and a[0] == b[0]


class Named(Protocol):
    """What the rule reads of a person: a ``Person`` or a ``PersonKey`` row."""

    name: str
    name_pinyin: str
    birth_date: date


def match_reason(a: Named, b: Named) -> str | None:
    if a.birth_date != b.birth_date:
        return None
    if a.name == b.name:
        return SAME_NAME
    if a.name_pinyin and a.name_pinyin == b.name_pinyin:
        return SAME_PINYIN
    if Levenshtein.distance(a.name, b.name, score_cutoff=1) <= 1 and _similar_enough(a.name, b.name):
        return SIMILAR_NAME
    return None


def duplicates_detect(*, person: Person) -> list[DuplicateCandidate]:
    """Record candidate pairs for ``person`` against the others born the same day in its province."""
    others = (
        Person.objects.filter(prefix_q("division_code", person.division_code[:2]), birth_date=person.birth_date,
                              merged_into__isnull=True)
        .exclude(pk=person.pk)
        .only("pk", "name", "name_pinyin", "birth_date", "division_code")
    )
    found = []
    for other in others:
        reason = match_reason(person, other)
        if reason is None:
            continue
        a, b = sorted((person, other), key=lambda p: p.pk)
        candidate, created = DuplicateCandidate.objects.get_or_create(
            person_a=a, person_b=b,
            defaults={"division_code": common_prefix(a.division_code, b.division_code), "reason": reason,
                      "score": SCORES[reason]},
        )
        if not created and candidate.status == DuplicateStatus.OPEN and candidate.reason != reason:
            candidate.reason, candidate.score = reason, SCORES[reason]
            candidate.save(update_fields=["reason", "score"])
        found.append(candidate)
    return found


class PersonKey(NamedTuple):
    """The compared fields as a plain row: loading thousands of them as model instances costs more than comparing."""

    pk: int
    name: str
    name_pinyin: str
    birth_date: date
    division_code: str


_COMPARED = PersonKey._fields


def duplicates_detect_bulk(*, person_ids: Sequence[int]) -> int:
    """``duplicates_detect`` for many new persons at once (the import, one chunk); returns the pairs found.

    Same rule (``match_reason``), same pair order (lower pk first) and pair
    division (common prefix), but a fixed number of queries whatever the chunk
    size: the new persons, then per province everyone born on any of their
    birth dates, compared in memory. The new persons are in that set too, so
    two rows of one file pair with each other (and a later chunk with an earlier
    one). Pairs already recorded are left as they are (``ON CONFLICT DO
    NOTHING`` on the pair constraint, ``registry.bulk.bulk_insert_new``), so
    running it again adds nothing. Call it in the transaction that wrote the
    persons.
    """
    new = [PersonKey._make(values) for values in
           Person.objects.filter(pk__in=person_ids, merged_into__isnull=True).values_list(*_COMPARED)]
    by_province: dict[str, list[PersonKey]] = defaultdict(list)
    for person in new:
        by_province[person.division_code[:2]].append(person)
    pairs: dict[tuple[int, int], tuple] = {}
    now = timezone.now()
    for province, persons in by_province.items():
        born: dict[date, list[PersonKey]] = defaultdict(list)
        others = Person.objects.filter(prefix_q("division_code", province),
                                       birth_date__in={p.birth_date for p in persons}, merged_into__isnull=True)
        for values in others.values_list(*_COMPARED).iterator(chunk_size=5000):
            born[values[3]].append(PersonKey._make(values))
        for person in persons:
            for other in born[person.birth_date]:
                if other.pk == person.pk:
                    continue
                a, b = sorted((person, other), key=lambda p: p.pk)
                if (a.pk, b.pk) in pairs:  # both new: seen from the other side already
                    continue
                reason = match_reason(person, other)
                if reason is not None:
                    pairs[a.pk, b.pk] = _candidate_table().row({
                        "person_a_id": a.pk, "person_b_id": b.pk, "reason": reason, "score": SCORES[reason],
                        "division_code": common_prefix(a.division_code, b.division_code), "created_at": now})
    # A pair recorded before (a rerun) stays as it is: the pair constraint skips it.
    bulk_insert_new(_candidate_table(), list(pairs.values()))
    return len(pairs)


@functools.cache
def _candidate_table() -> Table:
    return Table(DuplicateCandidate, with_id=False)


def duplicate_dismiss(*, actor: Any, candidate_id: int, reason: str) -> DuplicateCandidate:
    """The reviewer says the pair are two different people."""
    require(actor, Action.PERSON_MERGE)
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise DomainError(code=ErrorCode.INVALID, errors=[
            FieldError("reason", "required", _("Reason: say why these are different people."))])
    with transaction.atomic():
        candidate = (
            DuplicateCandidate.objects.within(actor_scope(actor)).select_for_update().filter(pk=candidate_id).first()
        )
        if candidate is None:
            raise not_found()
        if candidate.status != DuplicateStatus.OPEN:
            raise DomainError(code=ErrorCode.CONFLICT, status=409,
                              message=_("This candidate pair has already been decided."))
        candidate.status = DuplicateStatus.DISMISSED
        candidate.decided_at = timezone.now()
        candidate.decided_by_id = getattr(actor, "pk", None)
        candidate.save(update_fields=["status", "decided_at", "decided_by_id"])
        audit_record(
            action="duplicate.dismissed", object_type="registry.duplicatecandidate", object_id=candidate.pk,
            division_code=candidate.division_code, reason=reason, actor=actor,
            changes={"person_a": candidate.person_a_id, "person_b": candidate.person_b_id},
        )
    return candidate

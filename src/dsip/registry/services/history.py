"""Versioned history: every change of a person writes one ``PersonVersion`` (masked diff + masked snapshot)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from dsip.registry.models import Person, PersonVersion
from dsip.registry.services._records import actor_label


def version_record(*, person: Person, actor: Any, source: str, reason: str, changes: Mapping[str, Any],
                   snapshot: Mapping[str, Any]) -> PersonVersion:
    """Write the version row for ``person.version`` (the caller has already bumped it)."""
    actor_id, username = actor_label(actor)
    return PersonVersion.objects.create(
        person=person, version=person.version, division_code=person.division_code, created_at=timezone.now(),
        actor_id=actor_id, actor_username=username, source=str(source), reason=reason or "",
        changes=dict(changes), snapshot=dict(snapshot),
    )


def changes_since(person_id: int, version: int) -> dict[str, list[Any]]:
    """Masked ``{field: [value at `version`, value now]}`` over all versions after ``version``.

    Used to tell a clerk whose save was refused what someone else changed.
    """
    out: dict[str, list[Any]] = {}
    for row in PersonVersion.objects.filter(person_id=person_id, version__gt=version).order_by("version"):
        for name, (before, after) in (row.changes or {}).items():
            if name in out:
                out[name][1] = after
            else:
                out[name] = [before, after]
    return {name: pair for name, pair in out.items() if pair[0] != pair[1] or name in ("id_number", "phone", "address", "guardian_phone", "certificate_number")}

"""Writes to the person registry. Views, API handlers, imports and feeds call these functions."""

from __future__ import annotations

from dsip.registry.services._records import REVEALABLE, seal_person_fields
from dsip.registry.services.duplicates import (
    duplicate_dismiss,
    duplicates_detect,
    duplicates_detect_bulk,
)
from dsip.registry.services.keys import keys_rotate, keys_status
from dsip.registry.services.merge import merge_conflicts, person_merge
from dsip.registry.services.person import (
    DuplicatePerson,
    VersionConflict,
    person_register,
    person_set_status,
    person_update,
)
from dsip.registry.services.reveal import person_reveal
from dsip.registry.validation import PersonInvalid

__all__ = [
    "REVEALABLE",
    "DuplicatePerson",
    "PersonInvalid",
    "VersionConflict",
    "duplicate_dismiss",
    "duplicates_detect",
    "duplicates_detect_bulk",
    "keys_rotate",
    "keys_status",
    "merge_conflicts",
    "person_merge",
    "person_register",
    "person_reveal",
    "person_set_status",
    "person_update",
    "seal_person_fields",
]

"""Keeping raw identity numbers and phone numbers out of the audit log.

Callers must pass masked values (``dsip.core.masking``). As a second line of
defence ``audit_record`` masks anything that still looks like an 18-character
resident ID, a disability certificate number (ID + category + level, optional
``B1``-``B9`` suffix) or a mainland mobile number, because an audit log is kept
for years and copied into backups: one leak there cannot be taken back.
``assert_masked`` lets callers' tests fail loudly instead.
"""

from __future__ import annotations

import re
from typing import Any

from dsip.core.masking import mask_id_number, mask_phone

# Not inside a longer run of letters/digits, so hex hashes and request ids do not match.
_ID_LIKE = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx](?:\d{2}(?:B\d)?)?)(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9A-Za-z])(1[3-9]\d{9})(?![0-9A-Za-z])")


class UnmaskedValueError(ValueError):
    """An audit payload holds something that looks like a raw ID or phone number."""


def find_unmasked(value: Any) -> list[str]:
    """Every raw-looking ID or phone number inside ``value`` (strings, numbers, nested dicts/lists)."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            found += find_unmasked(key) + find_unmasked(item)
    elif isinstance(value, (list, tuple, set)):
        for item in value:
            found += find_unmasked(item)
    elif isinstance(value, (str, int)) and not isinstance(value, bool):
        text = str(value)
        found += _ID_LIKE.findall(text) + _MOBILE.findall(text)
    return found


def assert_masked(value: Any) -> None:
    """Raise ``UnmaskedValueError`` when ``value`` still holds a raw ID or phone number."""
    found = find_unmasked(value)
    if found:
        # Do not put the raw value into the exception: it may end up in a log.
        raise UnmaskedValueError(f"{len(found)} unmasked ID or phone number(s) in an audit payload")


def redact_text(text: str) -> str:
    text = _ID_LIKE.sub(lambda m: mask_id_number(m.group(1)), text)
    return _MOBILE.sub(lambda m: mask_phone(m.group(1)), text)

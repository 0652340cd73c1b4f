"""Division code parsing: canonical short codes from 6- or 12-digit official forms.

A canonical code drops the trailing zero segments of the 12-digit statistical
form, so its length is its level (2, 4, 6, 9, 12) and "inside" is a prefix test.
"""

from __future__ import annotations

import re
import unicodedata

from dsip.regions.models import LEVEL_LENGTHS


class CodeError(ValueError):
    pass


_SPACES = re.compile(r"[\s\u3000]+")


def normalise(raw: object) -> str:
    """What people type or spreadsheets hold → digits: full-width digits, spaces, ``420106.0``."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = unicodedata.normalize("NFKC", str(raw))
    return _SPACES.sub("", text)


def canonical(code: str) -> str:
    """Turn an official code (2-12 digits, zero padded) into the canonical short code.

    ``420106000000`` → ``420106``; ``420106001000`` → ``420106001``;
    ``4201`` stays ``4201``. Raises ``CodeError`` for non-digits or bad lengths.

    One zero middle segment is allowed: the county part of a township under a
    prefecture that has no counties (东莞 4419, 中山 4420, 儋州 4604, 嘉峪关 6202),
    whose statistical codes read ``441900003000``. ``dsip regions load-base``
    creates the matching county-level division ``441900``.
    """
    code = (code or "").strip()
    if not code.isdigit() or not code.isascii():
        raise CodeError("not all digits")
    if len(code) not in (2, 4, 6, 9, 12):
        raise CodeError(f"length {len(code)} is not 2, 4, 6, 9 or 12")
    padded = code.ljust(12, "0")
    segments = [padded[:2], padded[2:4], padded[4:6], padded[6:9], padded[9:12]]
    if segments[0] == "00":
        raise CodeError("province part is 00")
    used = 1
    for i in range(1, 5):
        if set(segments[i]) != {"0"}:
            used = i + 1
    # A zero segment in the middle (e.g. 42 00 06) is not a valid code.
    for i in range(1, used):
        if set(segments[i]) == {"0"} and not (i == 2 and used > 3):
            raise CodeError("a middle part of the code is zero")
    return "".join(segments[:used])


def parse(raw: object) -> str:
    """``normalise`` then ``canonical``: the one entry point for user and file input."""
    return canonical(normalise(raw))


def level_of(code: str) -> int:
    if len(code) not in LEVEL_LENGTHS:
        raise CodeError(f"length {len(code)} is not a division level")
    return len(code)


def parent_code(code: str) -> str | None:
    shorter = [n for n in LEVEL_LENGTHS if n < len(code)]
    return code[: shorter[-1]] if shorter else None


def ancestor_codes(code: str) -> list[str]:
    """Codes of the ancestors, province first (``420106`` → ``["42", "4201"]``)."""
    return [code[:n] for n in LEVEL_LENGTHS if n < len(code)]

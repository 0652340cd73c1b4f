"""Division code parsing: canonical short codes from 6- or 12-digit official forms."""

from __future__ import annotations

from dsip.regions.models import LEVEL_LENGTHS


class CodeError(ValueError):
    pass


def canonical(code: str) -> str:
    """Turn an official code (2-12 digits, zero padded) into the canonical short code.

    ``420106000000`` → ``420106``; ``420106001000`` → ``420106001``;
    ``4201`` stays ``4201``. Raises ``CodeError`` for non-digits or bad lengths.
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
        if set(segments[i]) == {"0"} and not (i == 1 and segments[0] in _MUNICIPAL_ZERO_OK):
            raise CodeError("a middle part of the code is zero")
    return "".join(segments[:used])


# No province uses "00" as prefecture; keep the hook explicit for clarity.
_MUNICIPAL_ZERO_OK: frozenset[str] = frozenset()


def level_of(code: str) -> int:
    if len(code) not in LEVEL_LENGTHS:
        raise CodeError(f"length {len(code)} is not a division level")
    return len(code)


def parent_code(code: str) -> str | None:
    shorter = [n for n in LEVEL_LENGTHS if n < len(code)]
    return code[: shorter[-1]] if shorter else None

"""Masked forms of sensitive values, for screens, exports, API answers and audit entries."""

from __future__ import annotations


def mask_id_number(value: str) -> str:
    """``42010619900101123X`` → ``4201**********123X`` (first 4 and last 4 kept)."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    """``13812345678`` → ``138****5678``."""
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_address(value: str) -> str:
    """Keep the first six characters (usually province/city/county) and hide the rest."""
    if not value:
        return ""
    return value[:6] + "****" if len(value) > 6 else value[:2] + "****"


def mask_certificate(value: str) -> str:
    """The certificate embeds the ID number: keep the first 4 and the last 4 characters."""
    return mask_id_number(value)

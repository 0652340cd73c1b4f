"""The hash-chain rule shared by the writer (``services``) and the checker (``verify``).

Each entry's ``hash`` is a digest of the canonical JSON of every other column
(``HASHED_FIELDS``), including ``prev_hash``, the ``hash`` of the entry before
it. The digest is SM3 where the OpenSSL build behind ``cryptography`` offers it
(GB/T 39786), SHA-256 otherwise (``dsip.core.crypto.chain_hash``); each entry
records which one in ``hash_alg`` so a chain stays checkable after a move.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives import hashes
from django.utils import timezone

from dsip.core.crypto import CHAIN_HASH_NAME, HAS_SM3, chain_hash

GENESIS = "0" * 64
HASHED_FIELDS = (
    "seq", "created_at", "actor_id", "actor_username", "org_unit_id", "action", "outcome",
    "object_type", "object_id", "division_code", "changes", "reason", "ip", "request_id",
    "channel", "hash_alg", "prev_hash",
)


class UnsupportedHash(Exception):
    """The entry was hashed with an algorithm this host cannot compute."""


def digest(alg: str, data: bytes) -> str:
    if alg == CHAIN_HASH_NAME:
        return chain_hash(data)
    if alg == "sha256":
        algorithm: hashes.HashAlgorithm = hashes.SHA256()
    elif alg == "sm3" and HAS_SM3:
        algorithm = hashes.SM3()
    else:
        raise UnsupportedHash(f"this host cannot compute {alg!r} (OpenSSL without it?)")
    h = hashes.Hash(algorithm)
    h.update(data)
    return h.finalize().hex()


def canonical(values: Mapping[str, Any]) -> bytes:
    payload = {}
    for name in HASHED_FIELDS:
        value = values[name]
        if name == "created_at":
            # One textual form whatever the database returns (SQLite text, PostgreSQL timestamptz).
            value = value.astimezone(timezone.UTC).isoformat(timespec="microseconds")
        payload[name] = value
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def entry_digest(values: Mapping[str, Any]) -> str:
    """Hash of an entry's content; the same function writes and verifies."""
    return digest(values["hash_alg"], canonical(values))

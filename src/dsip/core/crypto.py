"""Field encryption, blind indexes and the audit chain hash.

Sensitive values are sealed with an authenticated cipher: SM4-GCM when the
OpenSSL build behind ``cryptography`` offers it (GB/T 39786 asks for SM
algorithms in government systems), AES-256-GCM otherwise. Each sealed value
carries its key id and algorithm, so keys can rotate and old values stay
readable. Exact lookup and uniqueness use a keyed HMAC ("blind index") over the
normalised value with a separate key that rotation does not touch.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

NONCE_BYTES = 12
TAG_BYTES = 16
SM4 = "sm4gcm"
AES = "aes256gcm"


class DecryptionError(Exception):
    """A sealed value could not be opened: wrong key, unknown key id or tampering."""


def _probe_sm3() -> bool:
    try:
        hashes.Hash(hashes.SM3())
    except Exception:  # noqa: BLE001 - any failure means "not offered by this OpenSSL"
        return False
    return True


def _probe_sm4_gcm() -> bool:
    try:
        enc = Cipher(algorithms.SM4(b"\0" * 16), modes.GCM(b"\0" * NONCE_BYTES)).encryptor()
        enc.update(b"probe")
        enc.finalize()
    except Exception:  # noqa: BLE001 - any failure means "not offered by this OpenSSL"
        return False
    return True


HAS_SM3 = _probe_sm3()
HAS_SM4_GCM = _probe_sm4_gcm()
CHAIN_HASH_NAME = "sm3" if HAS_SM3 else "sha256"
DEFAULT_CIPHER = SM4 if HAS_SM4_GCM else AES


def chain_hash(data: bytes) -> str:
    """Hex digest used by the audit hash chain: SM3 where available, SHA-256 otherwise."""
    digest = hashes.Hash(hashes.SM3() if HAS_SM3 else hashes.SHA256())
    digest.update(data)
    return digest.finalize().hex()


def _derive(master: bytes, info: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=info).derive(master)


@dataclass(frozen=True)
class FieldKey:
    key_id: str
    master: bytes

    def sm4(self) -> bytes:
        return _derive(self.master, b"dsip-field-sm4", 16)

    def aes(self) -> bytes:
        return _derive(self.master, b"dsip-field-aes256", 32)


def _decode_key(name: str, text: str) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True)
    except binascii.Error as exc:
        raise ImproperlyConfigured(f"{name}: key material is not valid base64.") from exc
    if len(raw) < 32:
        raise ImproperlyConfigured(f"{name}: each key must be at least 32 bytes (base64 of 32 random bytes).")
    return raw


def parse_field_keys(spec: str) -> list[FieldKey]:
    """Parse ``kid:base64[,kid:base64…]``; the first key is the one that encrypts."""
    keys: list[FieldKey] = []
    seen: set[str] = set()
    for item in spec.split(","):
        kid, sep, material = item.strip().partition(":")
        if not sep or not kid or not material:
            raise ImproperlyConfigured("DSIP_FIELD_KEYS: expected 'keyid:base64key[,keyid:base64key]'.")
        if not kid.isalnum() or len(kid) > 16:
            raise ImproperlyConfigured(f"DSIP_FIELD_KEYS: key id {kid!r} must be 1-16 letters or digits.")
        if kid in seen:
            raise ImproperlyConfigured(f"DSIP_FIELD_KEYS: key id {kid!r} appears twice.")
        seen.add(kid)
        keys.append(FieldKey(kid, _decode_key("DSIP_FIELD_KEYS", material)))
    return keys


class FieldCipher:
    """Seals and opens field values. Sealed text: ``kid$alg$base64(nonce||ciphertext||tag)``."""

    def __init__(self, keys: list[FieldKey], index_key: bytes, algorithm: str = DEFAULT_CIPHER):
        if not keys:
            raise ImproperlyConfigured("DSIP_FIELD_KEYS: at least one key is required.")
        self.keys = {k.key_id: k for k in keys}
        self.current = keys[0]
        self.algorithm = algorithm
        self._index_key = _derive(index_key, b"dsip-blind-index", 32)
        # Derived keys and cipher objects once per key, not per value: HKDF on every seal was about a
        # third of its cost, and bulk paths seal millions of values.
        self._sm4 = {kid: algorithms.SM4(k.sm4()) for kid, k in self.keys.items()} if HAS_SM4_GCM else {}
        self._aes = {kid: AESGCM(k.aes()) for kid, k in self.keys.items()}

    def seal(self, plaintext: str | None, *, context: str = "") -> str:
        if plaintext is None or plaintext == "":
            return ""
        nonce = os.urandom(NONCE_BYTES)
        body = self._encrypt(self.current.key_id, self.algorithm, nonce, plaintext.encode(), context.encode())
        return f"{self.current.key_id}${self.algorithm}${base64.b64encode(nonce + body).decode()}"

    def open(self, sealed: str | None, *, context: str = "") -> str:
        if not sealed:
            return ""
        try:
            kid, alg, payload = sealed.split("$", 2)
            if kid not in self.keys:
                raise KeyError(kid)
            raw = base64.b64decode(payload)
        except (ValueError, KeyError, binascii.Error) as exc:
            raise DecryptionError(f"unknown key id or malformed value ({sealed[:8]}…)") from exc
        nonce, body = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
        try:
            return self._decrypt(kid, alg, nonce, body, context.encode()).decode()
        except (InvalidTag, ValueError) as exc:
            raise DecryptionError("value failed authentication") from exc

    def seal_bytes(self, data: bytes, *, context: str) -> bytes:
        """Binary ``seal`` for file contents: ``kid$alg$`` + nonce + ciphertext + tag (no base64)."""
        nonce = os.urandom(NONCE_BYTES)
        body = self._encrypt(self.current.key_id, self.algorithm, nonce, data, context.encode())
        return f"{self.current.key_id}${self.algorithm}$".encode() + nonce + body

    def open_bytes(self, blob: bytes, *, context: str) -> bytes:
        try:
            kid_raw, alg_raw, raw = blob.split(b"$", 2)
            kid, alg = kid_raw.decode("ascii"), alg_raw.decode("ascii")
            if kid not in self.keys:
                raise KeyError(kid)
        except (ValueError, KeyError) as exc:
            raise DecryptionError("unknown key id or malformed sealed bytes") from exc
        try:
            return self._decrypt(kid, alg, raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode())
        except (InvalidTag, ValueError) as exc:
            raise DecryptionError("value failed authentication") from exc

    def key_id_of(self, sealed: str) -> str:
        return sealed.split("$", 1)[0] if sealed else ""

    def blind_index(self, normalised: str, *, purpose: str) -> str:
        """Keyed HMAC-SHA256 of a normalised value; ``purpose`` separates domains (id, phone…)."""
        if not normalised:
            return ""
        mac = hmac.new(self._index_key, f"{purpose}\x1f{normalised}".encode(), "sha256")
        return mac.hexdigest()

    def _encrypt(self, kid: str, alg: str, nonce: bytes, data: bytes, aad: bytes) -> bytes:
        if alg == AES:
            return self._aes[kid].encrypt(nonce, data, aad or None)
        if alg == SM4:
            enc = Cipher(self._sm4[kid], modes.GCM(nonce)).encryptor()
            if aad:
                enc.authenticate_additional_data(aad)
            return enc.update(data) + enc.finalize() + enc.tag
        raise DecryptionError(f"unknown algorithm {alg}")

    def _decrypt(self, kid: str, alg: str, nonce: bytes, body: bytes, aad: bytes) -> bytes:
        if alg == AES:
            return self._aes[kid].decrypt(nonce, body, aad or None)
        if alg == SM4:
            if not HAS_SM4_GCM:
                raise DecryptionError("this OpenSSL build cannot open SM4-GCM values")
            ct, tag = body[:-TAG_BYTES], body[-TAG_BYTES:]
            dec = Cipher(self._sm4[kid], modes.GCM(nonce, tag)).decryptor()
            if aad:
                dec.authenticate_additional_data(aad)
            return dec.update(ct) + dec.finalize()
        raise DecryptionError(f"unknown algorithm {alg}")


@lru_cache(maxsize=1)
def _cipher_for(field_keys: str, index_key: str) -> FieldCipher:
    return FieldCipher(parse_field_keys(field_keys), _decode_key("DSIP_INDEX_KEY", index_key))


def field_cipher() -> FieldCipher:
    """The process-wide cipher built from settings (re-built when settings change in tests)."""
    return _cipher_for(settings.DSIP_FIELD_KEYS, settings.DSIP_INDEX_KEY)


def check_keys() -> None:
    """Raise ImproperlyConfigured early when the configured keys are unusable."""
    field_cipher()

"""Django system checks for configuration that settings.py cannot check at import time.

The field keys are parsed lazily by ``dsip.core.crypto.field_cipher()`` (so that
importing settings stays cheap), which would let a malformed key ring surface
only when the first sealed value is written. These checks run with every
``dsip check``, ``migrate`` and ``runserver``, so a bad key stops start-up with
a message that names the variable.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error
from django.core.exceptions import ImproperlyConfigured

from dsip.core import crypto

# The built-in demo keys start with this text once decoded (see settings.py).
_DEMO_MARKER = b"demo-only"


def _is_demo_material(text: str) -> bool:
    try:
        return base64.b64decode(text, validate=True).startswith(_DEMO_MARKER)
    except (binascii.Error, ValueError):
        return False


def check_field_keys(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """DSIP_FIELD_KEYS and DSIP_INDEX_KEY parse, and production does not run on the demo keys."""
    errors: list[CheckMessage] = []
    field_keys = getattr(settings, "DSIP_FIELD_KEYS", None)
    index_key = getattr(settings, "DSIP_INDEX_KEY", None)
    if not field_keys:
        errors.append(Error("DSIP_FIELD_KEYS is not set.", hint="See docs/keys.md.", id="dsip.E001"))
    if not index_key:
        errors.append(Error("DSIP_INDEX_KEY is not set.", hint="See docs/keys.md.", id="dsip.E002"))
    if errors:
        return errors
    try:
        keys = crypto.parse_field_keys(field_keys)
    except ImproperlyConfigured as exc:
        errors.append(Error(str(exc), hint="See docs/keys.md.", id="dsip.E001"))
        keys = []
    try:
        crypto._decode_key("DSIP_INDEX_KEY", index_key)
    except ImproperlyConfigured as exc:
        errors.append(Error(str(exc), hint="See docs/keys.md.", id="dsip.E002"))
    if errors:
        return errors

    if not (getattr(settings, "DEMO", False) or settings.DEBUG):
        if any(key.master.startswith(_DEMO_MARKER) for key in keys):
            errors.append(Error(
                "DSIP_FIELD_KEYS: the demo key is configured outside demo mode.",
                hint="Generate production keys with `dsip keys_generate` (docs/keys.md).",
                id="dsip.E003",
            ))
        if _is_demo_material(index_key):
            errors.append(Error(
                "DSIP_INDEX_KEY: the demo key is configured outside demo mode.",
                hint="Generate production keys with `dsip keys_generate` (docs/keys.md).",
                id="dsip.E003",
            ))
    return errors

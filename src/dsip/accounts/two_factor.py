"""TOTP two-factor for privileged roles (MLPS level 3: a cryptographic second factor).

Devices are django-otp ``TOTPDevice`` rows. A user enrols once: we create an
unconfirmed device, show its secret, and confirm it when the user proves they
copied it by typing a valid code. A user who already has a confirmed device
cannot enrol another one from a signed-in session: that would let someone who
knows only the password replace the second factor. Resetting a lost device is
an administrator's job.
"""

from __future__ import annotations

import base64
from typing import Any

import django_otp
import segno
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from dsip.audit.models import Outcome
from dsip.audit.services import audit_record
from dsip.core.errors import DomainError, ErrorCode, FieldError

DEVICE_NAME = "authenticator"


def _audit(action: str, user: Any, device: TOTPDevice | None, outcome: str = Outcome.SUCCESS) -> None:
    audit_record(
        action=action,
        outcome=outcome,
        object_type="user",
        object_id=user.pk,
        division_code=user.scope_code or "",
        changes={"device": device.pk} if device is not None else {},
        actor=user,
    )


def _wrong_code() -> DomainError:
    return DomainError(
        code=ErrorCode.INVALID,
        message=_("The code is not valid. Check the time on your phone and enter the current code."),
        errors=[FieldError("code", "invalid_code", _("The code is not valid or has already been used."))],
    )


def confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


@transaction.atomic
def totp_device_begin(*, user: Any) -> TOTPDevice:
    """Return the user's pending (unconfirmed) device, creating it once."""
    if confirmed_device(user) is not None:
        raise DomainError(code=ErrorCode.CONFLICT, message=_("You already have an authenticator; ask an administrator to reset it."))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def totp_device_confirm(*, user: Any, token: str) -> TOTPDevice:
    """Confirm the pending device with a code from the user's app.

    A wrong code is committed (throttle counter, audit entry) before the error
    is raised, so a refused attempt still counts.
    """
    with transaction.atomic():
        if confirmed_device(user) is not None:
            raise DomainError(code=ErrorCode.CONFLICT, message=_("You already have an authenticator; ask an administrator to reset it."))
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("id").first()
        if device is None:
            raise DomainError(code=ErrorCode.NOT_FOUND, status=404)
        accepted = device.verify_token(token)
        if accepted:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            _audit("auth.2fa_enrolled", user, device)
            return device
    _audit("auth.2fa_failed", user, device, Outcome.FAILURE)
    raise _wrong_code()


def two_factor_verify(*, user: Any, token: str) -> TOTPDevice:
    """Check a code against the user's confirmed device; throttled by django-otp after failures."""
    device = confirmed_device(user)
    if device is None:
        raise DomainError(code=ErrorCode.NOT_FOUND, status=404)
    # django_otp.verify_token locks the device row so that throttling and
    # replay protection (last_t) hold under concurrent attempts.
    matched = django_otp.verify_token(user, device.persistent_id, token)
    if matched is None:
        _audit("auth.2fa_failed", user, device, Outcome.FAILURE)
        raise _wrong_code()
    _audit("auth.2fa_verified", user, matched)
    return matched


def secret_base32(device: TOTPDevice) -> str:
    """The secret as the authenticator apps expect it, grouped by four for reading aloud."""
    raw = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def qr_svg(device: TOTPDevice) -> str:
    """Inline SVG (no script, no style attribute) of the device's otpauth:// URL."""
    title = _("QR code to scan with your authenticator app")
    svg = segno.make(device.config_url, error="l").svg_inline(
        scale=5, border=4, dark="#000", light="#fff", title=title, svgclass="qr-code"
    )
    # role="img" makes screen readers announce the <title> as the image's name.
    return svg.replace("<svg ", '<svg role="img" ', 1)

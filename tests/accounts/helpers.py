"""Small helpers for the sign-in tests."""

from __future__ import annotations

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def code_for(device: TOTPDevice, offset_steps: int = 0) -> str:
    """The code the user's authenticator app shows now (or ``offset_steps`` time steps away)."""
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits,
                 drift=device.drift + offset_steps)
    return f"{value:0{device.digits}d}"


def wrong_code_for(device: TOTPDevice) -> str:
    """A 6-digit code that no time step within the device's tolerance accepts."""
    valid = {code_for(device, k) for k in range(-device.tolerance - 1, device.tolerance + 2)}
    return next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in valid)

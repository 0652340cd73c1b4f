"""Print the current two-factor code of a demo login (DSIP_DEMO=1 only).

Saves the demo visitor an authenticator app. Outside demo mode this would
defeat the second factor, so it refuses.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP

from dsip.accounts.two_factor import confirmed_device
from dsip.core.users import user_by_username_or_error


def current_code(device) -> tuple[str, int]:
    """The device's code for this moment and the seconds it stays valid."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    now = time.time()
    totp.time = now
    remaining = int(device.step - ((now - device.t0) % device.step))
    return f"{totp.token():0{device.digits}d}", remaining


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo login (DSIP_DEMO=1 only)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        if not getattr(settings, "DEMO", False):
            raise CommandError("demo_totp prints second-factor codes and runs only with DSIP_DEMO=1.")
        user = user_by_username_or_error(username)  # a demo login missing: `dsip demo_setup` makes them
        device = confirmed_device(user)
        if device is None:
            raise CommandError(f"{username} has no confirmed authenticator (the role may not need two-factor).")
        code, remaining = current_code(device)
        self.stdout.write(code)
        self.stderr.write(f"valid for about {remaining} more seconds; each code signs in once.")

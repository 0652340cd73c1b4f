"""Print fresh secrets for a production deployment (docs/keys.md).

Prints environment lines; nothing is stored. Keep the output in the secret
store of the deployment (or in files read through ``*_FILE`` variables), and
keep a copy of the field and index keys with the backups: without them the
sealed columns of a restored database cannot be read.
"""

from __future__ import annotations

import base64
import secrets
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from dsip.core import crypto


def new_key() -> str:
    """Base64 of 32 random bytes: the format of DSIP_FIELD_KEYS entries and DSIP_INDEX_KEY."""
    return base64.b64encode(secrets.token_bytes(32)).decode()


class Command(BaseCommand):
    help = "Print new DSIP_SECRET_KEY, DSIP_FIELD_KEYS and DSIP_INDEX_KEY values (nothing is stored)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--kid",
            default=f"k{date.today():%Y%m}",
            help="Key id of the new field key: 1-16 letters or digits (default: k<year><month>).",
        )
        parser.add_argument(
            "--field-key-only",
            action="store_true",
            help="Print only a new field key entry, to put in front of the existing ring when rotating.",
        )

    def handle(self, *args, kid: str, field_key_only: bool, **options):
        if not kid.isalnum() or len(kid) > 16:
            raise CommandError("--kid must be 1-16 letters or digits.")
        entry = f"{kid}:{new_key()}"
        crypto.parse_field_keys(entry)  # the same parser that start-up uses
        if field_key_only:
            self.stdout.write(entry)
            return
        self.stdout.write(f"DSIP_SECRET_KEY={secrets.token_urlsafe(50)}")
        self.stdout.write(f"DSIP_FIELD_KEYS={entry}")
        self.stdout.write(f"DSIP_INDEX_KEY={new_key()}")
        cipher = "SM4-GCM" if crypto.HAS_SM4_GCM else "AES-256-GCM (this OpenSSL build has no SM4-GCM)"
        self.stderr.write(f"New values will be sealed with {cipher}. Store these secrets safely; see docs/keys.md.")

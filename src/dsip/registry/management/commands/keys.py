"""``dsip keys status`` / ``dsip keys rotate``: re-encrypt personal data under the current field key.

To rotate: put the new key first in ``DSIP_FIELD_KEYS`` (``new:…,old:…``), restart the app
servers (they can read both keys and now write with the new one), then run ``dsip keys rotate``.
It works in short batches while the system is in use, and can be stopped and re-run: it
continues with the values still under an old key. Remove the old key once ``status`` shows 0.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dsip.core.context import actor_context
from dsip.core.crypto import field_cipher
from dsip.registry.services import keys_rotate, keys_status


class Command(BaseCommand):
    help = "Show or rotate the field-encryption key of sealed personal data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["status", "rotate"])
        parser.add_argument("--batch-size", type=int, default=1000, help="rows per transaction (default 1000)")

    def handle(self, *args: Any, **options: Any) -> None:
        kid = field_cipher().current.key_id
        if options["action"] == "status":
            for table, stale in keys_status().items():
                self.stdout.write(f"{table}: {stale} row(s) not yet under key {kid}")
            return
        verbose = options["verbosity"] > 0

        def progress(table: str, done: int, remaining: int) -> None:
            if verbose:
                self.stderr.write(f"\rkeys rotate {table}: {done:,} done, {remaining:,} to go", ending="")
                self.stderr.flush()

        with actor_context(channel="cli"):
            result = keys_rotate(batch_size=options["batch_size"], progress=progress)
        if verbose:
            self.stderr.write("")
        total = sum(result.values())
        self.stdout.write(f"Re-encrypted {total} row(s) under key {kid}: "
                          + ", ".join(f"{t} {n}" for t, n in result.items()))

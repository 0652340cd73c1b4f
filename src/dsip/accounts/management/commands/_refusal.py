"""Django's own account commands, replaced by refusals that point to ``dsip users``.

``changepassword`` and ``createsuperuser`` write the user row directly: no
password history (the no-reuse rule), no audit entry, and a superuser with no
org unit or roles. ``dsip.accounts`` is listed before ``django.contrib.auth`` in
``INSTALLED_APPS`` so these commands win the name.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext_lazy as _

from dsip.core.users import bilingual


class Refusal(BaseCommand):
    instead = ""  # the `dsip users …` command line to use

    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        # Accept whatever Django's command took, so the refusal (not an argument error) is what one reads.
        parser.add_argument("rest", nargs="*")
        parser.add_argument("--database")
        parser.add_argument("--username")
        parser.add_argument("--email")
        parser.add_argument("--noinput", "--no-input", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        raise CommandError(bilingual(
            _("This command is disabled: it skips the password history and the audit log. Use: %(instead)s"),
            {"instead": self.instead},
        ))

"""Refuses Django's ``createsuperuser``; see ``_refusal``."""

from __future__ import annotations

from dsip.accounts.management.commands._refusal import Refusal


class Command(Refusal):
    help = "Disabled: use `dsip users create USERNAME --division CODE --role system_admin`."
    instead = "dsip users create USERNAME --division CODE --role system_admin --password-stdin"

"""Refuses Django's ``changepassword``; see ``_refusal``."""

from __future__ import annotations

from dsip.accounts.management.commands._refusal import Refusal


class Command(Refusal):
    help = "Disabled: use `dsip users set-password USERNAME`."
    instead = "dsip users set-password USERNAME"

"""``dsip users create|set-password|unlock|reset-2fa|deactivate``: accounts from the server's command line.

The password is read from standard input (``--password-stdin``) or asked for
without echo, never taken as an argument: arguments end up in shell history
and in ``ps`` output. Every subcommand goes through ``dsip.accounts.services``
as the operator (``actor=None``), so the history and the audit see it.
Use ``unlock`` rather than axes' ``axes_reset*`` commands: those are not audited.
"""

from __future__ import annotations

import getpass
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dsip.accounts.models import OrgUnit
from dsip.accounts.services import (
    user_create,
    user_deactivate,
    user_reset_two_factor,
    user_set_password,
    user_unlock,
)
from dsip.core.context import actor_context
from dsip.core.errors import DomainError
from dsip.core.users import user_by_username_or_error


class Command(BaseCommand):
    help = "Create users, set passwords, unlock, reset two-factor, deactivate (as the server operator; audited)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a user")
        create.add_argument("username")
        create.add_argument("--full-name", default="")
        unit = create.add_mutually_exclusive_group(required=True)
        unit.add_argument("--org-unit", type=int, help="org unit id")
        unit.add_argument("--division", help="division code of the org unit (\"\" for national), if it has only one")
        create.add_argument("--role", action="append", default=[], dest="roles", help="role (repeat for several)")
        create.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
        setpw = sub.add_parser("set-password", help="set a user's password")
        setpw.add_argument("username")
        setpw.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
        unlock = sub.add_parser("unlock", help="clear the failed sign-ins that locked an account (audited)")
        unlock.add_argument("username")
        reset = sub.add_parser("reset-2fa", help="remove a user's authenticators; they enrol again at sign-in")
        reset.add_argument("username")
        reset.add_argument("--reason", required=True, help="why (kept in the audit log)")
        deactivate = sub.add_parser("deactivate", help="disable an account and revoke its API keys")
        deactivate.add_argument("username")
        deactivate.add_argument("--reason", required=True, help="why (kept in the audit log)")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        with actor_context(channel="cli"):
            try:
                getattr(self, "_" + action.replace("-", "_"))(**options)
            except DomainError as exc:
                details = "; ".join(f"{e.field}: {e.message}" for e in exc.errors)
                raise CommandError(f"{exc.message}{' — ' + details if details else ''}") from exc

    def _create(self, *, username: str, full_name: str, roles: list[str], password_stdin: bool, **options: Any) -> None:
        org_unit = _org_unit(options)
        user = user_create(username=username, full_name=full_name, org_unit=org_unit, roles=roles,
                           password=_read_password(password_stdin), actor=None)
        self.stdout.write(f"created user {user.username} (id {user.pk})\n")

    def _set_password(self, *, username: str, password_stdin: bool, **_: Any) -> None:
        user = user_by_username_or_error(username)
        user_set_password(user=user, raw_password=_read_password(password_stdin), actor=None)
        self.stdout.write(f"password set for {user.username}\n")

    def _unlock(self, *, username: str, **_: Any) -> None:
        removed = user_unlock(username=username, actor=None)
        self.stdout.write(f"unlocked {username} ({removed} failed sign-ins cleared)\n")

    def _reset_2fa(self, *, username: str, reason: str, **_: Any) -> None:
        removed = user_reset_two_factor(user=user_by_username_or_error(username), actor=None, reason=reason)
        self.stdout.write(f"two-factor reset for {username} ({removed} devices removed); "
                          "they enrol a new authenticator at their next sign-in\n")

    def _deactivate(self, *, username: str, reason: str, **_: Any) -> None:
        user = user_deactivate(user=user_by_username_or_error(username), actor=None, reason=reason)
        self.stdout.write(f"deactivated {user.username}\n")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Password (again): "):
        raise CommandError("the two passwords differ")
    return first


def _org_unit(options: dict[str, Any]) -> OrgUnit:
    if options["org_unit"] is not None:
        unit = OrgUnit.objects.filter(pk=options["org_unit"]).first()
        if unit is None:
            raise CommandError(f"no org unit with id {options['org_unit']}")
        return unit
    units = list(OrgUnit.objects.filter(division_code=options["division"])[:2])
    if len(units) != 1:
        raise CommandError(f"{len(units) or 'no'} org units at division {options['division']!r}; use --org-unit")
    return units[0]

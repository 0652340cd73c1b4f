"""``dsip users create|set-password``: accounts from the server's command line.

The password is read from standard input (``--password-stdin``) or asked for
without echo, never taken as an argument: arguments end up in shell history
and in ``ps`` output.
"""

from __future__ import annotations

import getpass
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dsip.accounts.models import OrgUnit, User
from dsip.accounts.services import user_create, user_set_password
from dsip.core.context import actor_context
from dsip.core.errors import DomainError


class Command(BaseCommand):
    help = "Create users or set their password (as the server operator; audited)."

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

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        password = _read_password(options["password_stdin"])
        with actor_context(channel="cli"):
            try:
                if action == "create":
                    user = user_create(
                        username=options["username"], full_name=options["full_name"],
                        org_unit=_org_unit(options), roles=options["roles"], password=password, actor=None,
                    )
                    self.stdout.write(f"created user {user.username} (id {user.pk})\n")
                else:
                    user = User.objects.filter(username=options["username"]).first()
                    if user is None:
                        raise CommandError(f"no user {options['username']!r}")
                    user_set_password(user=user, raw_password=password, actor=None)
                    self.stdout.write(f"password set for {user.username}\n")
            except DomainError as exc:
                details = "; ".join(f"{e.field}: {e.message}" for e in exc.errors)
                raise CommandError(f"{exc.message}{' — ' + details if details else ''}") from exc


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

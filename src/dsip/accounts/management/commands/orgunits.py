"""``dsip orgunits create|list``: federation offices, departments and providers from the server's shell.

Creation goes through ``org_unit_create`` as the operator (audited); the level
follows from the division code.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dsip.accounts.models import Department, OrgKind, OrgUnit
from dsip.accounts.services import org_unit_create
from dsip.core.context import actor_context
from dsip.core.errors import DomainError


class Command(BaseCommand):
    help = "Create and list org units (as the server operator; audited)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create an org unit")
        create.add_argument("name")
        create.add_argument("--division", required=True, help='division code ("" for the national level)')
        create.add_argument("--kind", default=OrgKind.FEDERATION, choices=OrgKind.values)
        create.add_argument("--department", default="", choices=["", *Department.values],
                            help="which department (with --kind department)")
        listing = sub.add_parser("list", help="list org units (tab-separated: id, division, level, kind, name)")
        listing.add_argument("--division", default="", help="only units inside this division code")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "list":
            self._list(options["division"])
            return
        with actor_context(channel="cli"):
            try:
                unit = org_unit_create(name=options["name"], kind=options["kind"], division_code=options["division"],
                                       department=options["department"], actor=None)
            except DomainError as exc:
                details = "; ".join(f"{e.field}: {e.message}" for e in exc.errors)
                raise CommandError(f"{exc.message}{' — ' + details if details else ''}") from exc
        self.stdout.write(f"created org unit {unit.name} (id {unit.pk}, {unit.level} {unit.division_code or '-'})\n")

    def _list(self, division: str) -> None:
        # The operator has no region; --division narrows with the same prefix rule as scoping.
        for unit in OrgUnit.objects.within(division.strip()).order_by("division_code", "name"):
            dept = f"/{unit.department}" if unit.department else ""
            self.stdout.write(f"{unit.pk}\t{unit.division_code or '-'}\t{unit.level}\t{unit.kind}{dept}\t{unit.name}\n")

"""``dsip roles``: print the role × action matrix (``--markdown`` renders docs/roles.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation

from dsip.accounts.roles import MATRIX, TWO_FACTOR_ROLES, Action, Role, matrix_markdown


class Command(BaseCommand):
    help = "Print the role × action matrix. With --markdown, print docs/roles.md."
    requires_system_checks: list[str] = []  # a pure printout; needs no database or URLs

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--markdown", action="store_true", help="print the Markdown document (docs/roles.md)")

    def handle(self, *args: Any, markdown: bool = False, **options: Any) -> None:
        # English labels: the output is a document in the repository, not a screen.
        with translation.override("en"):
            self.stdout.write(matrix_markdown() if markdown else _plain_table(), ending="")


def _plain_table() -> str:
    roles = list(Role)
    width = max(len(a.value) for a in Action)
    header = " " * width + "  " + "  ".join(f"R{i + 1}" for i in range(len(roles)))
    lines = [header]
    for action in Action:
        cells = "  ".join(" x" if action in MATRIX[r] else " ." for r in roles)
        lines.append(f"{action.value:<{width}}  {cells}")
    lines.append("")
    lines += [
        f"R{i + 1} = {r.value}{' (two-factor)' if r in TWO_FACTOR_ROLES else ''}: {r.label}"
        for i, r in enumerate(roles)
    ]
    return "\n".join(lines) + "\n"

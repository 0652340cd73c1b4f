"""``dsip roles`` and docs/roles.md, which must not drift from the matrix."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.utils import translation

ROLES_DOC = Path(__file__).resolve().parents[2] / "docs" / "roles.md"


def _run(*args: str) -> str:
    out = StringIO()
    with translation.override("zh-hans"):  # the command renders English whatever the caller's language
        call_command("roles", *args, stdout=out)
    return out.getvalue()


def test_docs_roles_md_is_the_command_output():
    assert ROLES_DOC.read_text(encoding="utf-8") == _run("--markdown"), (
        "docs/roles.md is out of date: run `dsip roles --markdown > docs/roles.md`"
    )


def test_the_plain_table_marks_who_may_read_the_audit_trail():
    out = _run()
    audit_row = next(line for line in out.splitlines() if line.startswith("audit.view"))
    legend = {line.split(" = ")[0]: line for line in out.splitlines() if " = " in line}
    marked = [f"R{i + 1}" for i, cell in enumerate(audit_row.split()[1:]) if cell == "x"]
    assert sorted(legend[r].split(" = ")[1].split(":")[0].split(" ")[0] for r in marked) == [
        "national_auditor", "province_reviewer", "system_admin",
    ]
    assert "(two-factor)" in legend[marked[0]]

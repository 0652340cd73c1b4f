"""``dsip users``: the operator creates accounts and resets passwords through the same services."""

from __future__ import annotations

import io
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from dsip.accounts.models import User
from dsip.audit.models import AuditEntry


def _users(monkeypatch, *args: str, password: str) -> str:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    out = StringIO()
    call_command("users", *args, "--password-stdin", stdout=out)
    return out.getvalue()


def test_creates_a_user_at_a_division(monkeypatch, wuchang_fed):
    out = _users(monkeypatch, "create", "li_si", "--division", "420106", "--role", "entry_clerk",
                 "--full-name", "李四", password="Lotus-Bridge-2026")
    assert "created user li_si" in out
    user = User.objects.get(username="li_si")
    assert user.roles == ["entry_clerk"] and user.org_unit == wuchang_fed
    entry = AuditEntry.objects.get(action="user.created")
    assert entry.channel == "cli"


def test_a_weak_password_stops_the_command_with_the_reason(monkeypatch, wuchang_fed):
    with pytest.raises(CommandError, match="password"):
        _users(monkeypatch, "create", "li_si", "--org-unit", str(wuchang_fed.pk), password="weak")
    assert not User.objects.filter(username="li_si").exists()


def test_sets_a_password(monkeypatch, wuchang_clerk):
    _users(monkeypatch, "set-password", "wuchang_clerk", password="Lotus-Bridge-2026")
    wuchang_clerk.refresh_from_db()
    assert wuchang_clerk.check_password("Lotus-Bridge-2026")
    assert AuditEntry.objects.get(action="auth.password_changed").changes == {"by": "operator"}

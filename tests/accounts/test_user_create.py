"""``user_create``: the one way accounts come into being (demo setup, CLI, later the admin screens)."""

from __future__ import annotations

import pytest

from dsip.accounts.models import User
from dsip.accounts.services import user_create
from dsip.audit.models import AuditEntry
from dsip.core.errors import DomainError, ErrorCode

PASSWORD = "Lotus-Bridge-2026"


def test_creates_an_audited_account(wuchang_fed):
    user = user_create(username="new_clerk", full_name="张三", org_unit=wuchang_fed,
                       roles=["entry_clerk"], password=PASSWORD, actor=None)
    assert User.objects.get(username="new_clerk").check_password(PASSWORD)
    assert user.scope_code == "420106"
    assert user.password_changed_at is not None
    entry = AuditEntry.objects.get(action="user.created")
    assert entry.changes["roles"] == ["entry_clerk"]
    assert PASSWORD not in str(entry.changes)


def test_refuses_an_unknown_role(wuchang_fed):
    with pytest.raises(DomainError) as exc:
        user_create(username="x", full_name="", org_unit=wuchang_fed, roles=["superuser"], password=PASSWORD, actor=None)
    assert exc.value.errors[0].field == "roles"
    assert not User.objects.filter(username="x").exists()


def test_refuses_a_weak_password(wuchang_fed):
    with pytest.raises(DomainError) as exc:
        user_create(username="x", full_name="", org_unit=wuchang_fed, roles=[], password="password", actor=None)
    assert exc.value.code == ErrorCode.INVALID
    assert {e.field for e in exc.value.errors} == {"password"}


def test_refuses_a_taken_username(wuchang_clerk, wuchang_fed):
    with pytest.raises(DomainError) as exc:
        user_create(username="wuchang_clerk", full_name="", org_unit=wuchang_fed, roles=[], password=PASSWORD, actor=None)
    assert exc.value.code == ErrorCode.DUPLICATE


def test_a_clerk_may_not_create_accounts(wuchang_clerk, wuchang_fed):
    with pytest.raises(DomainError) as exc:
        user_create(username="x", full_name="", org_unit=wuchang_fed, roles=[], password=PASSWORD, actor=wuchang_clerk)
    assert exc.value.code == ErrorCode.FORBIDDEN


def test_an_admin_may_not_create_accounts_outside_their_region(hongshan_fed, wuchang_fed):
    from tests.factories import UserFactory

    admin = UserFactory(username="wuchang_admin", org_unit=wuchang_fed, roles=["system_admin"])
    with pytest.raises(DomainError) as exc:
        user_create(username="x", full_name="", org_unit=hongshan_fed, roles=[], password=PASSWORD, actor=admin)
    assert exc.value.code == ErrorCode.FORBIDDEN
    created = user_create(username="y", full_name="", org_unit=wuchang_fed, roles=[], password=PASSWORD, actor=admin)
    assert AuditEntry.objects.get(action="user.created").actor_id == admin.pk
    assert created.org_unit == wuchang_fed


def test_reports_a_taken_username_and_a_weak_password_together(wuchang_clerk, wuchang_fed):
    with pytest.raises(DomainError) as exc:
        user_create(username="wuchang_clerk", full_name="", org_unit=wuchang_fed, roles=[], password="short", actor=None)
    assert {e.field for e in exc.value.errors} == {"username", "password"}

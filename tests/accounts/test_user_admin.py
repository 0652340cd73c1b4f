"""Unlocking, resetting two-factor and deactivating accounts: audited, and only inside one's region."""

from __future__ import annotations

from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from dsip.accounts.apikeys import apikey_authenticate, apikey_issue
from dsip.accounts.services import user_deactivate, user_reset_two_factor, user_unlock
from dsip.audit.models import AuditEntry
from dsip.core.errors import DomainError, ErrorCode
from dsip.core.users import user_by_username_or_error
from tests.factories import UserFactory

WRONG = "Wrong-Passw0rd!"


@pytest.fixture
def wuchang_admin(wuchang_fed):
    return UserFactory(username="wuchang_admin", org_unit=wuchang_fed, roles=["system_admin"])


def _lock(client, username: str) -> None:
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": username, "password": WRONG})


def test_unlock_lets_a_locked_out_clerk_sign_in_again_and_is_audited(client, wuchang_clerk, password):
    _lock(client, "wuchang_clerk")
    assert client.post(reverse("accounts:login"), {"username": "wuchang_clerk", "password": password}).status_code == 429
    out = StringIO()
    call_command("users", "unlock", "wuchang_clerk", stdout=out)
    assert "unlocked wuchang_clerk" in out.getvalue()
    assert not AccessAttempt.objects.filter(username="wuchang_clerk").exists()
    entry = AuditEntry.objects.get(action="auth.unlocked")
    assert (entry.channel, entry.object_id, entry.division_code) == ("cli", str(wuchang_clerk.pk), "420106")
    assert client.post(reverse("accounts:login"), {"username": "wuchang_clerk", "password": password}).status_code == 302


def test_an_admin_cannot_unlock_another_countys_clerk(client, wuchang_admin, hongshan_clerk):
    _lock(client, "hongshan_clerk")
    with pytest.raises(DomainError) as caught:
        user_unlock(username="hongshan_clerk", actor=wuchang_admin)
    assert caught.value.code == ErrorCode.NOT_FOUND
    assert AccessAttempt.objects.filter(username="hongshan_clerk").exists()
    assert not AuditEntry.objects.filter(action="auth.unlocked").exists()


def test_reset_two_factor_removes_every_device_and_needs_a_reason(wuchang_admin, wuchang_reviewer):
    TOTPDevice.objects.create(user=wuchang_reviewer, name="phone", confirmed=True)
    backup = StaticDevice.objects.create(user=wuchang_reviewer, name="backup")
    StaticToken.objects.create(device=backup, token="abcd1234")
    with pytest.raises(DomainError) as caught:
        user_reset_two_factor(user=wuchang_reviewer, actor=wuchang_admin, reason="  ")
    assert [e.field for e in caught.value.errors] == ["reason"]
    assert TOTPDevice.objects.filter(user=wuchang_reviewer).exists()

    removed = user_reset_two_factor(user=wuchang_reviewer, actor=wuchang_admin, reason="lost phone")
    assert removed == 2
    assert not TOTPDevice.objects.filter(user=wuchang_reviewer).exists()
    assert not StaticDevice.objects.filter(user=wuchang_reviewer).exists()
    entry = AuditEntry.objects.get(action="auth.2fa_reset")
    assert (entry.actor_id, entry.reason, entry.changes) == (wuchang_admin.pk, "lost phone", {"devices_removed": 2})


def test_only_a_user_admin_in_the_region_resets_two_factor(wuchang_reviewer, hongshan_clerk, wuchang_admin):
    device = TOTPDevice.objects.create(user=wuchang_reviewer, name="phone", confirmed=True)
    with pytest.raises(DomainError) as caught:
        user_reset_two_factor(user=wuchang_reviewer, actor=hongshan_clerk, reason="x")
    assert caught.value.code == ErrorCode.FORBIDDEN
    hongshan_admin = UserFactory(username="hongshan_admin", org_unit=hongshan_clerk.org_unit, roles=["system_admin"])
    with pytest.raises(DomainError) as caught:
        user_reset_two_factor(user=wuchang_reviewer, actor=hongshan_admin, reason="x")
    assert caught.value.code == ErrorCode.NOT_FOUND
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_dsip_users_reset_2fa(wuchang_reviewer):
    TOTPDevice.objects.create(user=wuchang_reviewer, name="phone", confirmed=True)
    out = StringIO()
    call_command("users", "reset-2fa", "wuchang_reviewer", "--reason", "lost phone", stdout=out)
    assert "1 devices removed" in out.getvalue()
    assert AuditEntry.objects.get(action="auth.2fa_reset").channel == "cli"


def test_deactivating_a_service_account_revokes_its_keys(wuchang_admin, wuchang_fed):
    service = UserFactory(username="wuchang_feed", org_unit=wuchang_fed, roles=["department_liaison"],
                          is_service_account=True)
    _, full_key = apikey_issue(actor=None, user=service, name="民政 feed")
    assert apikey_authenticate(full_key=full_key) is not None
    user_deactivate(user=service, actor=wuchang_admin, reason="department left the exchange")
    service.refresh_from_db()
    assert not service.is_active
    assert service.api_keys.get().revoked_at is not None
    assert apikey_authenticate(full_key=full_key) is None
    entry = AuditEntry.objects.get(action="user.deactivated")
    assert entry.reason == "department left the exchange"
    assert len(entry.changes["api_keys_revoked"]) == 1
    assert AuditEntry.objects.filter(action="apikey.revoked").count() == 1


def test_a_deactivated_clerk_cannot_sign_in(client, wuchang_clerk, password):
    call_command("users", "deactivate", "wuchang_clerk", "--reason", "left the office", stdout=StringIO())
    response = client.post(reverse("accounts:login"), {"username": "wuchang_clerk", "password": password})
    assert response.status_code == 200  # the form again, not a redirect into the site
    assert AuditEntry.objects.get(action="user.deactivated").channel == "cli"


def test_an_admin_cannot_deactivate_outside_the_region_or_themselves(wuchang_admin, hongshan_clerk):
    with pytest.raises(DomainError) as caught:
        user_deactivate(user=hongshan_clerk, actor=wuchang_admin, reason="x")
    assert caught.value.code == ErrorCode.NOT_FOUND
    with pytest.raises(DomainError):
        user_deactivate(user=wuchang_admin, actor=wuchang_admin, reason="x")
    hongshan_clerk.refresh_from_db()
    wuchang_admin.refresh_from_db()
    assert hongshan_clerk.is_active and wuchang_admin.is_active


def test_an_unknown_username_stops_a_command_in_both_languages(db):
    with pytest.raises(CommandError) as caught:
        user_by_username_or_error("nobody")
    assert "No user named “nobody”" in str(caught.value) and "nobody" in str(caught.value)
    assert "没有" in str(caught.value)
    for args in (["users", "deactivate", "nobody", "--reason", "x"], ["users", "reset-2fa", "nobody", "--reason", "x"],
                 ["apikeys", "create", "--user", "nobody", "--name", "x"]):
        with pytest.raises(CommandError, match="nobody"):
            call_command(*args)


@pytest.mark.parametrize("command", ["changepassword", "createsuperuser"])
def test_djangos_account_commands_refuse_and_point_to_dsip_users(command, wuchang_clerk):
    before = wuchang_clerk.password
    with pytest.raises(CommandError) as caught:
        call_command(command, "wuchang_clerk")
    message = str(caught.value)
    assert "dsip users" in message and "audit log" in message and "审计" in message
    wuchang_clerk.refresh_from_db()
    assert wuchang_clerk.password == before

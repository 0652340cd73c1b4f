"""`dsip demo_setup` gives a visitor one working login per role, and only in demo mode."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from dsip.accounts.models import OrgLevel, OrgUnit, User
from dsip.accounts.roles import Role, needs_two_factor
from dsip.accounts.two_factor import secret_base32
from dsip.audit.models import AuditEntry
from dsip.core.management.commands import demo_setup
from dsip.core.management.commands.demo_setup import DEMO_PASSWORD


def _setup(**options) -> str:
    out = StringIO()
    call_command("demo_setup", "--persons", "0", stdout=out, **options)
    return out.getvalue()


def test_refuses_outside_demo_mode(db):
    with override_settings(DEMO=False), pytest.raises(CommandError, match="DSIP_DEMO=1"):
        call_command("demo_setup", "--persons", "0")
    assert not User.objects.exists()


@pytest.fixture
def demo(db):
    return _setup()


def test_every_role_has_a_login_with_the_printed_password(demo):
    assert "DEMO ONLY" in demo
    assert DEMO_PASSWORD in demo
    for role in Role:
        # JSON containment lookups differ between SQLite and PostgreSQL; filter in Python.
        user = next((u for u in User.objects.all() if role.value in u.roles), None)
        assert user is not None, role
        assert user.username in demo
        assert user.check_password(DEMO_PASSWORD)


def test_logins_sit_at_the_levels_a_province_has(demo):
    assert User.objects.get(username="national_auditor").scope_code == ""
    assert User.objects.get(username="hubei_reviewer").scope_code == "42"
    assert User.objects.get(username="wuhan_analyst").scope_code == "4201"
    assert User.objects.get(username="wuchang_clerk").scope_code == "420106"
    collector = User.objects.get(username="wuchang_collector")
    assert collector.org_unit.level == OrgLevel.TOWNSHIP
    assert collector.scope_code.startswith("420106") and len(collector.scope_code) == 9
    # The second county's clerk is outside Wuchang: scoping has something to show.
    assert User.objects.get(username="hongshan_clerk").scope_code == "420111"
    liaison = User.objects.get(username="mz_liaison")
    assert (liaison.org_unit.kind, liaison.org_unit.department, liaison.scope_code) == ("department", "mz", "42")
    assert User.objects.get(username="wuchang_provider").org_unit.kind == "provider"


def test_privileged_logins_get_a_printed_authenticator_secret(demo):
    for user in User.objects.all():
        devices = TOTPDevice.objects.filter(user=user, confirmed=True)
        assert devices.count() == (1 if needs_two_factor(user.roles) else 0), user.username
    reviewer_device = TOTPDevice.objects.get(user__username="wuchang_reviewer")
    assert secret_base32(reviewer_device) in demo


def test_running_twice_duplicates_nothing(demo):
    counts = (User.objects.count(), OrgUnit.objects.count(), TOTPDevice.objects.count())
    key = TOTPDevice.objects.get(user__username="hubei_admin").key
    again = _setup()
    assert (User.objects.count(), OrgUnit.objects.count(), TOTPDevice.objects.count()) == counts
    # The authenticator a visitor set up from the first run keeps working.
    assert TOTPDevice.objects.get(user__username="hubei_admin").key == key
    assert "DEMO ONLY" in again


def test_seeding_is_skipped_with_a_note_when_the_registry_has_no_seed_command(db, monkeypatch):
    monkeypatch.setattr(demo_setup, "get_commands", lambda: {})
    out = StringIO()
    call_command("demo_setup", "--persons", "10", stdout=out)
    assert "no `dsip seed` command" in out.getvalue()


def test_demo_totp_prints_a_code_the_device_accepts(demo):
    out = StringIO()
    call_command("demo_totp", "wuchang_reviewer", stdout=out, stderr=StringIO())
    code = out.getvalue().strip()
    assert len(code) == 6 and code.isdigit()
    assert TOTPDevice.objects.get(user__username="wuchang_reviewer").verify_token(code)


def test_demo_totp_refuses_outside_demo_mode(demo):
    with override_settings(DEMO=False), pytest.raises(CommandError, match="DSIP_DEMO=1"):
        call_command("demo_totp", "wuchang_reviewer")


def test_demo_totp_explains_a_login_without_two_factor(demo):
    with pytest.raises(CommandError, match="no confirmed authenticator"):
        call_command("demo_totp", "wuchang_clerk")


def test_demo_org_units_are_created_through_the_audited_service(demo):
    units = OrgUnit.objects.all()
    assert units.count() == len(demo_setup.UNITS)
    assert all(unit.is_demo for unit in units)
    entries = AuditEntry.objects.filter(action="orgunit.created")
    assert sorted(int(e.object_id) for e in entries) == sorted(u.pk for u in units)
    assert all(e.channel == "cli" and e.changes["demo"] is True for e in entries)

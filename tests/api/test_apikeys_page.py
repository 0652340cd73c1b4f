"""The API keys screen and the `dsip apikeys` command."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from dsip.accounts.apikeys import apikey_issue, key_digest
from dsip.accounts.models import ApiKey
from dsip.audit.models import AuditEntry
from tests.factories import UserFactory


@pytest.fixture
def hongshan_service(hongshan_fed):
    return UserFactory(username="hongshan_feed", org_unit=hongshan_fed, roles=["department_liaison"],
                       is_service_account=True)


@pytest.fixture
def wuhan_admin(wuhan):
    from tests.factories import OrgUnitFactory

    unit = OrgUnitFactory(name="武汉市残联", division=wuhan)
    return UserFactory(username="wuhan_admin", org_unit=unit, roles=["system_admin"])


def test_a_clerk_may_not_open_the_keys_page(client, wuchang_clerk):
    client.force_login(wuchang_clerk)
    assert client.get(reverse("accounts:api_keys")).status_code == 403


def test_a_manager_sees_only_keys_in_their_region(verified, province_reviewer, wuchang_key, hongshan_fed):
    outside = UserFactory(username="beijing_feed", roles=["department_liaison"], is_service_account=True,
                          org_unit__name="北京市残联", org_unit__division=None, org_unit__division_code="11")
    apikey_issue(actor=None, user=outside, name="Beijing feed 外省")
    client = verified(province_reviewer)
    response = client.get(reverse("accounts:api_keys"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Wuchang feed" in html
    assert "Beijing feed" not in html
    assert "beijing_feed" not in html  # not offered in the form either


def test_issuing_a_key_shows_it_once_and_stores_only_its_digest(verified, province_reviewer, wuchang_service):
    client = verified(province_reviewer)
    response = client.post(reverse("accounts:api_key_create"),
                           {"user": wuchang_service.pk, "name": "民政 feed", "expires_days": "30"})
    assert response.status_code == 200
    key = ApiKey.objects.get(name="民政 feed")
    html = response.content.decode()
    match = re.search(r'id="full-key"[^>]*value="([^"]+)"', html)
    full_key = match.group(1) if match else ""
    assert full_key.startswith(f"dsip_{key.prefix}_")
    assert key.key_hash == key_digest(full_key)
    assert key.created_by == province_reviewer
    assert key.expires_at is not None
    assert "no-store" in response.headers.get("Cache-Control", "")
    assert AuditEntry.objects.filter(action="apikey.issued", object_id=str(key.pk), actor_username="province_reviewer").exists()
    # Shown once: the list never carries it.
    assert full_key not in client.get(reverse("accounts:api_keys")).content.decode()


def test_a_person_cannot_get_a_key(verified, province_reviewer, wuchang_clerk):
    client = verified(province_reviewer)
    response = client.post(reverse("accounts:api_key_create"), {"user": wuchang_clerk.pk, "name": "x"})
    assert response.status_code == 400
    assert not ApiKey.objects.exists()


def test_a_wuhan_admin_cannot_issue_for_or_revoke_outside_wuhan(client, wuhan_admin, wuchang_service):
    from dsip.core.errors import DomainError

    outside = UserFactory(username="beijing_feed", roles=["department_liaison"], is_service_account=True,
                          org_unit__name="北京市残联", org_unit__division=None, org_unit__division_code="11")
    with pytest.raises(DomainError):
        apikey_issue(actor=wuhan_admin, user=outside, name="nope")
    key, _ = apikey_issue(actor=None, user=outside, name="Beijing feed")
    client.force_login(wuhan_admin)
    # system_admin needs two-factor; use the service directly for the refusal and the page for 404.
    from dsip.accounts.apikeys import apikey_revoke

    with pytest.raises(DomainError):
        apikey_revoke(actor=wuhan_admin, key=key)
    key.refresh_from_db()
    assert key.revoked_at is None


def test_revoking_asks_first_then_revokes_on_post(verified, province_reviewer, wuchang_key, bearer):
    key, full_key = wuchang_key
    client = verified(province_reviewer)
    url = reverse("accounts:api_key_revoke", args=[key.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200
    key.refresh_from_db()
    assert key.revoked_at is None
    assert client.post(url).status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert AuditEntry.objects.filter(action="apikey.revoked", object_id=str(key.pk)).exists()
    from django.test import Client

    assert Client().get("/api/v1/me", headers=bearer(full_key)).status_code == 401


def test_revoking_a_key_outside_the_region_is_404(verified, province_reviewer, db):
    outside = UserFactory(username="beijing_feed", roles=["department_liaison"], is_service_account=True,
                          org_unit__name="北京市残联", org_unit__division=None, org_unit__division_code="11")
    key, _ = apikey_issue(actor=None, user=outside, name="Beijing feed")
    client = verified(province_reviewer)
    assert client.post(reverse("accounts:api_key_revoke", args=[key.pk])).status_code == 404
    key.refresh_from_db()
    assert key.revoked_at is None


def test_command_creates_lists_and_revokes(wuchang_service, client):
    out, err = io.StringIO(), io.StringIO()
    call_command("apikeys", "create", "--user", "wuchang_feed", "--name", "CLI feed", "--expires-days", "7",
                 stdout=out, stderr=err)
    full_key = out.getvalue().strip()
    key = ApiKey.objects.get(name="CLI feed")
    assert full_key.startswith(f"dsip_{key.prefix}_")
    assert client.get("/api/v1/me", headers={"X-API-Key": full_key}).status_code == 200

    listing = io.StringIO()
    call_command("apikeys", "list", stdout=listing)
    assert key.prefix in listing.getvalue()
    assert full_key not in listing.getvalue()

    call_command("apikeys", "revoke", key.prefix, stdout=io.StringIO())
    key.refresh_from_db()
    assert key.revoked_at is not None
    entry = AuditEntry.objects.get(action="apikey.revoked", object_id=str(key.pk))
    assert entry.channel == "cli"


def test_command_refuses_a_person_account(wuchang_clerk):
    with pytest.raises(CommandError):
        call_command("apikeys", "create", "--user", "wuchang_clerk", "--name", "x", stdout=io.StringIO())

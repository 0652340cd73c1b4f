from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from dsip.accounts.apikeys import apikey_revoke, key_digest
from dsip.accounts.models import ApiKey
from dsip.audit.models import AuditEntry

ME = "/api/v1/me"


def assert_error_shape(body: dict, code: str) -> None:
    assert body["code"] == code
    assert set(body["messages"]) == {"zh-hans", "en"}
    assert body["message"]
    assert isinstance(body["errors"], list)


def test_no_credentials_is_401_in_our_error_shape(client, db):
    response = client.get(ME)
    assert response.status_code == 401
    assert_error_shape(response.json(), "unauthorized")


def test_a_forged_key_is_401(client, wuchang_key, bearer):
    key, full_key = wuchang_key
    forged = full_key[:-4] + ("AAAA" if not full_key.endswith("AAAA") else "BBBB")
    assert client.get(ME, headers=bearer(forged)).status_code == 401
    assert client.get(ME, headers=bearer("dsip_zzzzzzzz_" + "x" * 43)).status_code == 401
    assert client.get(ME, headers=bearer("not-a-key")).status_code == 401
    assert AuditEntry.objects.filter(action="api.key_rejected", object_id=str(key.pk)).exists()


def test_a_revoked_key_is_401(client, wuchang_key, bearer):
    key, full_key = wuchang_key
    apikey_revoke(actor=None, key=key)
    response = client.get(ME, headers=bearer(full_key))
    assert response.status_code == 401
    assert_error_shape(response.json(), "unauthorized")


def test_an_expired_key_is_401(client, wuchang_key, bearer):
    key, full_key = wuchang_key
    ApiKey.objects.filter(pk=key.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(ME, headers=bearer(full_key)).status_code == 401


def test_a_bad_key_is_401_even_with_a_valid_session(client, wuchang_clerk, db):
    client.force_login(wuchang_clerk)
    assert client.get(ME).status_code == 200
    assert client.get(ME, headers={"X-API-Key": "dsip_zzzzzzzz_" + "x" * 43}).status_code == 401


def test_a_valid_key_acts_as_its_service_account_with_its_scope(client, wuchang_key, bearer):
    key, full_key = wuchang_key
    response = client.get(ME, headers=bearer(full_key))
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "wuchang_feed"
    assert body["scope"] == "420106"
    assert body["roles"] == ["department_liaison"]
    assert body["via"] == "api_key"
    assert body["key_prefix"] == key.prefix


def test_the_x_api_key_header_works_too(client, wuchang_key):
    _, full_key = wuchang_key
    response = client.get(ME, headers={"X-API-Key": full_key})
    assert response.status_code == 200
    assert response.json()["username"] == "wuchang_feed"


def test_only_a_digest_of_the_key_is_stored(wuchang_key):
    key, full_key = wuchang_key
    key.refresh_from_db()
    assert full_key.startswith(f"dsip_{key.prefix}_")
    assert len(full_key.split("_", 2)[2]) >= 32
    assert key.key_hash == key_digest(full_key)
    assert full_key.split("_", 2)[2] not in key.key_hash


def test_last_used_is_recorded_at_most_once_a_minute(client, wuchang_key, bearer):
    key, full_key = wuchang_key
    client.get(ME, headers=bearer(full_key))
    key.refresh_from_db()
    first = key.last_used_at
    assert first is not None
    client.get(ME, headers=bearer(full_key))
    key.refresh_from_db()
    assert key.last_used_at == first
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=first - timedelta(minutes=2))
    client.get(ME, headers=bearer(full_key))
    key.refresh_from_db()
    assert key.last_used_at > first - timedelta(minutes=2)


def test_a_key_denied_by_scope_or_permission_is_audited(rf, wuchang_key):
    from django.http import Http404

    from dsip.api import api
    from dsip.core.errors import DomainError, ErrorCode

    key, _ = wuchang_key
    request = rf.get("/api/v1/persons/123")
    request.dsip_api_key = key
    assert api.on_exception(request, Http404()).status_code == 404
    forbidden = api.on_exception(request, DomainError(code=ErrorCode.FORBIDDEN, status=403))
    assert forbidden.status_code == 403
    denied = AuditEntry.objects.filter(action="api.denied", outcome="denied", actor_username="wuchang_feed")
    assert sorted(e.changes["status"] for e in denied) == [403, 404]
    assert all(e.changes["path"] == "/api/v1/persons/123" and e.division_code == "420106" for e in denied)


def test_a_session_users_404_is_not_audited_as_an_api_denial(rf, wuchang_clerk):
    from django.http import Http404

    from dsip.api import api

    request = rf.get("/api/v1/persons/123")
    request.user = wuchang_clerk
    assert api.on_exception(request, Http404()).status_code == 404
    assert not AuditEntry.objects.filter(action="api.denied").exists()


def test_session_post_without_csrf_is_refused(wuchang_clerk, db):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(wuchang_clerk)
    # /me is GET-only; a POST with a session and no CSRF token must not get past auth.
    response = browser.post(ME)
    assert response.status_code in (403, 405)
    assert browser.get(ME).status_code == 200

"""Sign-in, lockout, sign-out and idle timeout (MLPS level 3), each leaving an audit entry."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from dsip.audit.models import AuditEntry

WRONG = "Wrong-Passw0rd!"


def _sign_in(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_the_sign_in_page_is_labelled_and_autocompletes(client, db):
    html = client.get(reverse("accounts:login")).content.decode()
    assert '<label for="id_username"' in html
    assert '<label for="id_password"' in html
    assert 'autocomplete="username"' in html
    assert 'autocomplete="current-password"' in html


def test_a_missing_password_is_an_error_tied_to_its_field(client, db):
    html = client.post(reverse("accounts:login"), {"username": "someone", "password": ""}).content.decode()
    assert 'id="id_password_error"' in html
    assert 'aria-describedby="id_password_error"' in html
    assert 'aria-invalid="true"' in html
    assert 'class="error-summary"' in html


def test_the_sign_in_page_sends_a_strict_content_security_policy(client, db):
    response = client.get(reverse("accounts:login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_signing_in_is_audited(client, wuchang_clerk, password):
    response = _sign_in(client, "wuchang_clerk", password)
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="auth.login")
    assert entry.actor_id == wuchang_clerk.pk
    assert entry.division_code == "420106"


def test_a_failed_sign_in_is_audited_without_the_password(client, wuchang_clerk):
    response = _sign_in(client, "wuchang_clerk", WRONG)
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="auth.login_failed")
    assert entry.outcome == "failure"
    assert entry.changes == {"username": "wuchang_clerk"}
    row = json.dumps({f.name: str(getattr(entry, f.name)) for f in AuditEntry._meta.fields}, ensure_ascii=False)
    assert WRONG not in row
    # axes keeps its own record of attempts: no password there either.
    from axes.models import AccessAttempt, AccessFailureLog

    for model in (AccessAttempt, AccessFailureLog):
        assert all(WRONG not in (obj.post_data or "") for obj in model.objects.all())
    assert AccessAttempt.objects.filter(username="wuchang_clerk").exists()


def test_five_failures_lock_the_account_for_30_minutes(client, wuchang_clerk, password):
    for _ in range(4):
        assert _sign_in(client, "wuchang_clerk", WRONG).status_code == 200
    fifth = _sign_in(client, "wuchang_clerk", WRONG)
    assert fifth.status_code == 429
    html = fifth.content.decode()
    assert "账户已锁定" in html and "Account locked" in html
    assert "30 minutes after the last failed attempt" in html
    assert "system administrator" in html
    assert AuditEntry.objects.filter(action="auth.locked_out", outcome="denied").count() == 1

    # The right password does not help while the lock holds.
    sixth = _sign_in(client, "wuchang_clerk", password)
    assert sixth.status_code == 429
    assert not AuditEntry.objects.filter(action="auth.login").exists()


def test_the_lock_is_per_account_not_per_office(client, wuchang_clerk, hongshan_clerk, password):
    for _ in range(5):
        _sign_in(client, "wuchang_clerk", WRONG)
    # Same IP (a county office behind one NAT address), other account: still works.
    assert _sign_in(client, "hongshan_clerk", password).status_code == 302


def test_signing_out_needs_post_and_is_audited(client, wuchang_clerk, password):
    _sign_in(client, "wuchang_clerk", password)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    entry = AuditEntry.objects.get(action="auth.logout")
    assert entry.actor_id == wuchang_clerk.pk
    assert client.get(reverse("home")).status_code == 302


def _session_row(client) -> Session:
    return Session.objects.get(session_key=client.cookies["sessionid"].value)


def test_thirty_minutes_without_activity_signs_the_user_out(client, wuchang_clerk, password):
    _sign_in(client, "wuchang_clerk", password)
    assert client.get(reverse("home")).status_code == 200
    # As if the last request was 30 minutes and one second ago.
    Session.objects.filter(pk=_session_row(client).pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_each_request_restarts_the_idle_clock(client, wuchang_clerk, password):
    _sign_in(client, "wuchang_clerk", password)
    # 29 minutes idle: one minute left.
    Session.objects.filter(pk=_session_row(client).pk).update(expire_date=timezone.now() + timedelta(minutes=1))
    assert client.get(reverse("home")).status_code == 200
    assert _session_row(client).expire_date > timezone.now() + timedelta(minutes=25)


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x"])
def test_sign_in_never_redirects_off_site(client, wuchang_clerk, password, next_url):
    response = client.post(
        reverse("accounts:login"), {"username": "wuchang_clerk", "password": password, "next": next_url}
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]

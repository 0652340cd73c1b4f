"""Password policy (length, character classes, no reuse of the last five) and the change page."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from dsip.accounts.models import PasswordHistory
from dsip.accounts.services import user_set_password
from dsip.audit.models import AuditEntry
from dsip.core.errors import DomainError, ErrorCode

NEW = ["Blue-Kite-2031!", "Red-Kite-2032!", "Green-Kite-2033!", "Amber-Kite-2034!", "Black-Kite-2035!"]


def _codes(exc: pytest.ExceptionInfo[DomainError]) -> set[str]:
    return {e.code for e in exc.value.errors}


def test_a_short_password_is_refused(wuchang_clerk):
    with translation.override("en"), pytest.raises(DomainError) as exc:
        user_set_password(user=wuchang_clerk, raw_password="Ab1!xyz", actor=wuchang_clerk)
    assert exc.value.code == ErrorCode.INVALID
    assert "password_too_short" in _codes(exc)
    assert any("at least 10 characters" in e.message for e in exc.value.errors)


def test_a_password_of_two_character_classes_is_refused(wuchang_clerk, english):
    with pytest.raises(DomainError) as exc:
        user_set_password(user=wuchang_clerk, raw_password="onlylowercase2026", actor=wuchang_clerk)
    assert _codes(exc) == {"password_classes"}
    assert "at least three of" in exc.value.errors[0].message


def test_three_classes_are_enough(wuchang_clerk):
    user_set_password(user=wuchang_clerk, raw_password="lower-and-digits-2026", actor=wuchang_clerk)
    wuchang_clerk.refresh_from_db()
    assert wuchang_clerk.check_password("lower-and-digits-2026")
    assert wuchang_clerk.password_changed_at is not None


def test_none_of_the_last_five_passwords_may_be_reused(wuchang_clerk, password, english):
    for new in NEW:
        user_set_password(user=wuchang_clerk, raw_password=new, actor=wuchang_clerk)
    assert PasswordHistory.objects.filter(user=wuchang_clerk).count() == 5
    # Current is NEW[4]; the last five are NEW[0..4]. NEW[0] is refused…
    with pytest.raises(DomainError) as exc:
        user_set_password(user=wuchang_clerk, raw_password=NEW[0], actor=wuchang_clerk)
    assert _codes(exc) == {"password_reused"}
    assert "last 5 passwords" in exc.value.errors[0].message
    # …the sixth back (the factory's password) is allowed again.
    user_set_password(user=wuchang_clerk, raw_password=password, actor=wuchang_clerk)
    assert PasswordHistory.objects.filter(user=wuchang_clerk).count() == 5


def test_a_password_change_is_audited_without_values(wuchang_clerk):
    user_set_password(user=wuchang_clerk, raw_password=NEW[0], actor=wuchang_clerk)
    entry = AuditEntry.objects.get(action="auth.password_changed")
    assert entry.actor_id == wuchang_clerk.pk
    assert entry.object_id == str(wuchang_clerk.pk)
    assert NEW[0] not in str(entry.changes)
    assert entry.changes == {"by": "self"}


def test_a_clerk_cannot_set_another_users_password(wuchang_clerk, hongshan_clerk):
    with pytest.raises(DomainError) as exc:
        user_set_password(user=hongshan_clerk, raw_password=NEW[0], actor=wuchang_clerk)
    assert exc.value.code == ErrorCode.FORBIDDEN


def test_the_change_page_keeps_the_user_signed_in(client, wuchang_clerk, password):
    client.force_login(wuchang_clerk)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": password, "new_password": NEW[0], "new_password_confirm": NEW[0]},
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    wuchang_clerk.refresh_from_db()
    assert wuchang_clerk.check_password(NEW[0])


def test_the_change_page_shows_policy_errors_on_the_field(client, wuchang_clerk, password):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(wuchang_clerk)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": password, "new_password": "short1A", "new_password_confirm": "short1A"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_new_password_error"' in html
    assert "at least 10 characters" in html
    wuchang_clerk.refresh_from_db()
    assert wuchang_clerk.check_password(password)


def test_the_change_page_checks_the_current_password(client, wuchang_clerk, password, english):
    client.force_login(wuchang_clerk)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "not-it-at-ALL-1", "new_password": NEW[0], "new_password_confirm": NEW[0]},
    )
    assert "Your current password is not correct." in response.content.decode()
    assert not AuditEntry.objects.filter(action="auth.password_changed").exists()

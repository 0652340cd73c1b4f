"""TOTP two-factor for privileged roles: enrol, verify, refuse wrong codes, leave clerks alone."""

from __future__ import annotations

from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from dsip.accounts import two_factor
from dsip.audit.models import AuditEntry
from tests.accounts.helpers import code_for, wrong_code_for


def test_a_province_reviewer_is_sent_to_two_factor_until_verified(client, province_reviewer):
    client.force_login(province_reviewer)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor"))
    # No device yet: verification sends them on to enrolment, keeping where they were going.
    response = client.get(response["Location"])
    assert response["Location"].startswith(reverse("accounts:two_factor_enrol"))
    assert "next=%2F" in response["Location"]


def test_an_unverified_reviewer_cannot_reach_other_account_pages(client, province_reviewer):
    client.force_login(province_reviewer)
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor"))


def test_an_unverified_reviewers_browser_session_gets_403_from_the_api(client, province_reviewer):
    client.force_login(province_reviewer)
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_an_entry_clerk_is_not_forced_to_two_factor(client, wuchang_clerk):
    client.force_login(wuchang_clerk)
    assert client.get(reverse("home")).status_code == 200


def test_enrolment_shows_a_qr_code_and_the_key_as_text(client, province_reviewer):
    client.force_login(province_reviewer)
    response = client.get(reverse("accounts:two_factor_enrol"))
    html = response.content.decode()
    device = TOTPDevice.objects.get(user=province_reviewer, confirmed=False)
    assert "<svg" in html and "<title>" in html
    assert two_factor.secret_base32(device) in html
    assert 'autocomplete="one-time-code"' in html
    assert response["Cache-Control"].count("no-store") == 1
    # Reloading the page shows the same pending device, not a new secret each time.
    client.get(reverse("accounts:two_factor_enrol"))
    assert TOTPDevice.objects.filter(user=province_reviewer).count() == 1


def test_enrolment_confirms_with_a_correct_code(client, province_reviewer):
    client.force_login(province_reviewer)
    client.get(reverse("accounts:two_factor_enrol"))
    device = TOTPDevice.objects.get(user=province_reviewer)
    response = client.post(f"{reverse('accounts:two_factor_enrol')}?next=/", {"code": code_for(device)})
    assert response.status_code == 302
    assert response["Location"] == "/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("home")).status_code == 200
    entry = AuditEntry.objects.get(action="auth.2fa_enrolled")
    assert entry.actor_id == province_reviewer.pk


def test_enrolment_refuses_a_wrong_code(client, province_reviewer, english):
    client.force_login(province_reviewer)
    client.get(reverse("accounts:two_factor_enrol"))
    device = TOTPDevice.objects.get(user=province_reviewer)
    response = client.post(reverse("accounts:two_factor_enrol"), {"code": wrong_code_for(device)})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_code_error"' in html
    assert "not valid" in html
    device.refresh_from_db()
    assert not device.confirmed
    assert AuditEntry.objects.filter(action="auth.2fa_failed", outcome="failure").count() == 1
    assert client.get(reverse("home")).status_code == 302


def test_a_user_with_a_device_cannot_enrol_a_second_one(client, province_reviewer):
    TOTPDevice.objects.create(user=province_reviewer, name="phone", confirmed=True)
    client.force_login(province_reviewer)
    response = client.get(reverse("accounts:two_factor_enrol"))
    assert response["Location"].startswith(reverse("accounts:two_factor"))
    assert TOTPDevice.objects.filter(user=province_reviewer).count() == 1


def test_verification_with_the_current_code_lets_the_reviewer_in(client, province_reviewer):
    device = TOTPDevice.objects.create(user=province_reviewer, name="phone", confirmed=True)
    client.force_login(province_reviewer)
    response = client.post(f"{reverse('accounts:two_factor')}?next=/", {"code": code_for(device)})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get(reverse("home")).status_code == 200
    assert AuditEntry.objects.filter(action="auth.2fa_verified", actor_id=province_reviewer.pk).count() == 1


def test_verification_accepts_a_code_typed_with_a_space(client, province_reviewer):
    device = TOTPDevice.objects.create(user=province_reviewer, name="phone", confirmed=True)
    client.force_login(province_reviewer)
    code = code_for(device)
    client.post(reverse("accounts:two_factor"), {"code": f"{code[:3]} {code[3:]}"})
    assert client.get(reverse("home")).status_code == 200


def test_a_wrong_code_is_refused_and_audited(client, province_reviewer):
    device = TOTPDevice.objects.create(user=province_reviewer, name="phone", confirmed=True)
    client.force_login(province_reviewer)
    response = client.post(reverse("accounts:two_factor"), {"code": wrong_code_for(device)})
    assert response.status_code == 200
    assert AuditEntry.objects.filter(action="auth.2fa_failed").count() == 1
    assert client.get(reverse("home")).status_code == 302


def test_a_code_cannot_be_used_twice(client, province_reviewer):
    device = TOTPDevice.objects.create(user=province_reviewer, name="phone", confirmed=True)
    code = code_for(device)
    assert two_factor.two_factor_verify(user=province_reviewer, token=code) == device
    client.force_login(province_reviewer)
    client.post(reverse("accounts:two_factor"), {"code": code})
    assert client.get(reverse("home")).status_code == 302


def test_verification_survives_only_this_session(client, verified, province_reviewer):
    verified(province_reviewer)
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("accounts:logout"))
    client.force_login(province_reviewer)
    assert client.get(reverse("home")).status_code == 302

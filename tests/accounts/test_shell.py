"""The page shell: role-filtered navigation, language switch, no inline code (CSP)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import NoReverseMatch, reverse

from dsip.core import navigation


@pytest.fixture
def every_screen_built(monkeypatch):
    """Screens other helpers build may not exist yet; give them a URL so the menu can be tested now."""
    real_reverse = navigation.reverse

    def reverse_or_placeholder(name, *args, **kwargs):
        try:
            return real_reverse(name, *args, **kwargs)
        except NoReverseMatch:
            return f"/placeholder/{name}/"

    monkeypatch.setattr(navigation, "reverse", reverse_or_placeholder)


def _nav_labels(html: str) -> list[str]:
    nav = re.search(r'<nav class="site-nav".*?</nav>', html, re.S)
    return re.findall(r"<a [^>]*>([^<]+)</a>", nav.group(0)) if nav else []


def test_a_clerk_does_not_see_the_audit_trail(client, wuchang_clerk, every_screen_built):
    client.force_login(wuchang_clerk)
    labels = _nav_labels(client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert "Persons" in labels
    assert "Audit trail" not in labels
    assert "API keys" not in labels


def test_the_national_auditor_sees_the_audit_trail(client, verified, national_auditor, every_screen_built):
    verified(national_auditor)
    labels = _nav_labels(client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert "Audit trail" in labels
    assert "Persons" not in labels


def test_an_unverified_reviewer_gets_no_menu(province_reviewer, every_screen_built):
    province_reviewer.is_verified = lambda: False
    assert navigation.menu_for(province_reviewer, "/") == []


def test_the_current_page_is_marked_for_screen_readers(client, wuchang_clerk):
    client.force_login(wuchang_clerk)
    html = client.get(reverse("home")).content.decode()
    assert f'<a href="{reverse("home")}" aria-current="page">' in html


def test_home_shows_the_users_region_and_roles(client, wuchang_clerk):
    client.force_login(wuchang_clerk)
    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "武昌区 (420106)" in html
    assert "Entry clerk" in html
    assert "Import person files" in html  # what the matrix lets a clerk do
    assert "Read the audit trail" not in html


def test_a_national_user_sees_the_whole_country(client, verified, national_auditor):
    verified(national_auditor)
    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Whole country" in html


def test_the_language_choice_is_remembered_and_can_be_switched_back(client, db):
    login = reverse("accounts:login")
    assert '<html lang="zh-Hans">' in client.get(login).content.decode()

    response = client.post(reverse("set_language"), {"language": "en", "next": login})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = client.get(login).content.decode()
    assert '<html lang="en">' in html
    assert '<option value="en" selected' in html

    client.post(reverse("set_language"), {"language": "zh-hans", "next": login})
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    assert '<html lang="zh-Hans">' in client.get(login).content.decode()


@pytest.mark.parametrize("url_name", ["accounts:login", "home", "accounts:password_change"])
def test_pages_have_no_inline_script_or_style(client, wuchang_clerk, url_name):
    if url_name != "accounts:login":
        client.force_login(wuchang_clerk)
    html = client.get(reverse(url_name)).content.decode()
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert " style=" not in html and "<style" not in html
    assert re.search(r"\son[a-z]+=", html) is None  # no onclick= and friends


def test_enrolment_page_svg_has_no_inline_style(client, province_reviewer):
    client.force_login(province_reviewer)
    html = client.get(reverse("accounts:two_factor_enrol")).content.decode()
    assert "<svg" in html
    assert " style=" not in html and "<style" not in html and "<script" not in html.split("<main", 1)[1]


def test_every_page_starts_with_a_skip_link_to_main(client, db):
    html = client.get(reverse("accounts:login")).content.decode()
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html

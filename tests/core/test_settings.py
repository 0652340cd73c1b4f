"""A bad environment stops start-up with a message that names the variable.

Each case imports the real settings (or runs ``dsip check``) in a fresh
interpreter, as a deployment would, with only the DSIP_* variables given here.
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys

import pytest

GOOD_KEY = base64.b64encode(b"k" * 32).decode()
SHORT_KEY = base64.b64encode(b"k" * 16).decode()
PRODUCTION = {
    "DSIP_SECRET_KEY": "x" * 50,
    "DSIP_ALLOWED_HOSTS": "dsip.example.org",
    "DSIP_FIELD_KEYS": f"k1:{GOOD_KEY}",
    "DSIP_INDEX_KEY": base64.b64encode(b"i" * 32).decode(),
}


def _run(tmp_path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("DSIP_") and k != "DJANGO_SETTINGS_MODULE"}
    base.update({"DSIP_DATA_DIR": str(tmp_path), **env})
    command = [sys.executable, *(args or ("-c", "import dsip.settings"))]
    return subprocess.run(command, env=base, capture_output=True, text=True, timeout=120, cwd=tmp_path)


def _dsip_check(tmp_path, env):
    # Only the security-tagged checks (ours among them), so that the answer is about the keys.
    return _run(tmp_path, env, "-m", "dsip.cli", "check", "--tag", "security")


def test_production_settings_import_cleanly(tmp_path):
    result = _run(tmp_path, PRODUCTION)
    assert result.returncode == 0, result.stderr


def test_secret_key_is_required_outside_demo_and_debug(tmp_path):
    env = {k: v for k, v in PRODUCTION.items() if k != "DSIP_SECRET_KEY"}
    result = _run(tmp_path, env)
    assert result.returncode != 0
    assert "DSIP_SECRET_KEY is required" in result.stderr


def test_short_secret_key_is_refused(tmp_path):
    result = _run(tmp_path, {**PRODUCTION, "DSIP_SECRET_KEY": "short"})
    assert result.returncode != 0
    assert "DSIP_SECRET_KEY: must be at least 32 characters" in result.stderr


def test_demo_mode_needs_no_secrets(tmp_path):
    result = _run(tmp_path, {"DSIP_DEMO": "1"})
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DSIP_DEBUG": "maybe"}, "DSIP_DEBUG: expected 1/0"),
        ({"DSIP_DEMO": "1", "DSIP_ALLOWED_HOSTS": "*"}, "DSIP_ALLOWED_HOSTS: '*' is not allowed"),
        ({"DSIP_DEMO": "1", "DSIP_ALLOWED_HOSTS": "a.org,,b.org"}, "DSIP_ALLOWED_HOSTS: empty item"),
        ({"DSIP_DEMO": "1", "DSIP_DATABASE_URL": "mysql://dsip@db/dsip"}, "DSIP_DATABASE_URL: only sqlite"),
        ({"DSIP_DEMO": "1", "DSIP_DATABASE_URL": "nonsense"}, "DSIP_DATABASE_URL: not a database URL"),
        ({"DSIP_DEMO": "1", "DSIP_AUDIT_RETENTION_DAYS": "30"}, "DSIP_AUDIT_RETENTION_DAYS: must be at least 180"),
        ({"DSIP_DEMO": "1", "DSIP_AUDIT_RETENTION_DAYS": "a year"}, "DSIP_AUDIT_RETENTION_DAYS: expected a whole number"),
        ({"DSIP_DEMO": "1", "DSIP_SECURE_COOKIES": "sometimes"}, "DSIP_SECURE_COOKIES: expected 1/0"),
        ({"DSIP_DEMO": "1", "DSIP_LOG_LEVEL": "LOUD"}, "DSIP_LOG_LEVEL: expected DEBUG"),
    ],
    ids=["debug-maybe", "hosts-star", "hosts-empty-item", "mysql", "not-a-url", "retention-30", "retention-text",
         "cookies", "log-level"],
)
def test_bad_value_names_the_variable(tmp_path, env, message):
    result = _run(tmp_path, env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_secret_may_come_from_a_file(tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text("y" * 40 + "\n")
    env = {k: v for k, v in PRODUCTION.items() if k != "DSIP_SECRET_KEY"}
    result = _run(tmp_path, {**env, "DSIP_SECRET_KEY_FILE": str(secret_file)},
                  "-c", "import dsip.settings as s; print(len(s.SECRET_KEY))")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "40"


def test_unreadable_secret_file_names_the_variable(tmp_path):
    env = {k: v for k, v in PRODUCTION.items() if k != "DSIP_SECRET_KEY"}
    result = _run(tmp_path, {**env, "DSIP_SECRET_KEY_FILE": str(tmp_path / "missing")})
    assert result.returncode != 0
    assert "DSIP_SECRET_KEY_FILE: cannot read" in result.stderr


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        ("nokey", "DSIP_FIELD_KEYS: expected 'keyid:base64key"),
        ("k1:not*base64!", "DSIP_FIELD_KEYS: key material is not valid base64"),
        (f"k1:{SHORT_KEY}", "DSIP_FIELD_KEYS: each key must be at least 32 bytes"),
        (f"k1:{GOOD_KEY},k1:{GOOD_KEY}", "DSIP_FIELD_KEYS: key id 'k1' appears twice"),
        (f"bad-id:{GOOD_KEY}", "DSIP_FIELD_KEYS: key id 'bad-id' must be 1-16 letters or digits"),
    ],
    ids=["no-colon", "bad-base64", "short", "duplicate-id", "bad-id"],
)
def test_dsip_check_fails_on_malformed_field_keys(tmp_path, keys, message):
    result = _dsip_check(tmp_path, {"DSIP_DEMO": "1", "DSIP_FIELD_KEYS": keys})
    assert result.returncode != 0
    assert "dsip.E001" in result.stderr
    assert message in result.stderr


def test_dsip_check_fails_on_a_short_index_key(tmp_path):
    result = _dsip_check(tmp_path, {"DSIP_DEMO": "1", "DSIP_INDEX_KEY": SHORT_KEY})
    assert result.returncode != 0
    assert "DSIP_INDEX_KEY: each key must be at least 32 bytes" in result.stderr


def test_dsip_check_refuses_demo_keys_in_production(tmp_path):
    demo = _run(tmp_path, {"DSIP_DEMO": "1"}, "-c",
                "import dsip.settings as s; print(s.DSIP_FIELD_KEYS); print(s.DSIP_INDEX_KEY)")
    demo_field, demo_index = demo.stdout.split()
    result = _dsip_check(tmp_path, {**PRODUCTION, "DSIP_FIELD_KEYS": demo_field, "DSIP_INDEX_KEY": demo_index})
    assert result.returncode != 0
    assert "DSIP_FIELD_KEYS: the demo key is configured outside demo mode" in result.stderr
    assert "DSIP_INDEX_KEY: the demo key is configured outside demo mode" in result.stderr


def test_dsip_check_passes_with_good_production_keys(tmp_path):
    result = _dsip_check(tmp_path, PRODUCTION)
    assert result.returncode == 0, result.stderr

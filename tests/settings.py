"""Test settings: the real settings with test keys, a fast hasher and in-process tasks."""

import os
import tempfile

os.environ.setdefault("DSIP_DEMO", "1")
os.environ.setdefault("DSIP_DATA_DIR", tempfile.mkdtemp(prefix="dsip-test-"))

from dsip.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
SECURE_COOKIES = False

(DATA_DIR / "static").mkdir(parents=True, exist_ok=True)  # noqa: F405

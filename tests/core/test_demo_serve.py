"""`dsip demo_serve` never leaves a background worker behind."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from dsip.core.management.commands import demo_serve


def test_refuses_outside_demo_mode():
    with override_settings(DEMO=False), pytest.raises(CommandError, match="DSIP_DEMO=1"):
        call_command("demo_serve", "--no-worker")


@pytest.mark.parametrize("stop", [KeyboardInterrupt, SystemExit])
def test_the_worker_stops_when_the_server_stops(monkeypatch, stop):
    started: list[subprocess.Popen] = []

    def fake_worker(self):
        proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        started.append(proc)
        return proc

    def fake_runserver(*args, **kwargs):
        assert args == ("runserver", "127.0.0.1:8123")
        raise stop  # Ctrl+C, or runserver's own sys.exit after it

    monkeypatch.setattr(demo_serve.Command, "_start_worker", fake_worker)
    monkeypatch.setattr(demo_serve, "call_command", fake_runserver)
    try:
        with contextlib.suppress(SystemExit):
            call_command("demo_serve", "--port", "8123", stdout=StringIO())
        # Checked before the clean-up below could end it.
        still_running = [proc for proc in started if proc.poll() is None]
    finally:
        for proc in started:
            if proc.poll() is None:
                proc.kill()
    assert len(started) == 1
    assert still_running == []

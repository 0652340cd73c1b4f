"""Serve the demo: the background worker and the development web server together.

The worker (``dsip db_worker`` of django-tasks-db) runs as a child process so
that imports and exports progress while pages are served; it is stopped when
the server stops, whether by Ctrl+C or SIGTERM. Production runs a WSGI server
(gunicorn) and the worker as separate services instead (docs/operations.md).
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


def _raise_keyboard_interrupt(signum, frame):
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = "Run the background worker and the web server for the demo (DSIP_DEMO=1 only)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-worker", action="store_true", help="Do not start the background worker.")

    def handle(self, *args, host: str, port: int, no_worker: bool, **options):
        if not getattr(settings, "DEMO", False):
            raise CommandError("demo_serve runs the development server and only with DSIP_DEMO=1; "
                               "production uses gunicorn (docs/operations.md).")
        # WhiteNoise warns about a missing STATIC_ROOT even though it serves from the finders.
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
        worker = None if no_worker else self._start_worker()
        # SIGTERM (kill, a process manager) ends the server like Ctrl+C does,
        # so that the finally block below always stops the worker.
        previous = signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
        self.stdout.write(f"DSIP demo on http://{host}:{port}/  (Ctrl+C stops the server and the worker)")
        try:
            call_command("runserver", f"{host}:{port}", use_reloader=False)
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
            if worker is not None:
                self._stop_worker(worker)

    def _start_worker(self) -> subprocess.Popen:
        command = [sys.executable, "-m", "dsip.cli", "db_worker", "--queue-name", "*", "--no-reload"]
        self.stdout.write("Starting the background worker…")
        return subprocess.Popen(command)  # noqa: S603 - fixed argument list, our own interpreter

    def _stop_worker(self, worker: subprocess.Popen) -> None:
        if worker.poll() is not None:
            return
        self.stdout.write("Stopping the background worker…")
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()

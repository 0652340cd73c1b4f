"""``dsip seed --persons N --province CODE [--county CODE] --seed S``: load a synthetic province."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dsip.core.context import actor_context
from dsip.core.errors import DomainError
from dsip.core.users import user_by_username_or_error
from dsip.registry.seed import seed_persons


class Command(BaseCommand):
    help = "Generate deterministic synthetic persons over real county codes (demo, tests, benchmarks)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--persons", type=int, required=True, help="how many persons to generate")
        parser.add_argument("--province", required=True, help="2-digit province code, e.g. 42")
        parser.add_argument("--county", default=None, help="put everyone in this 6-digit county")
        parser.add_argument("--seed", type=int, default=1, help="random seed: the same seed gives the same persons")
        parser.add_argument("--workers", type=int, default=None, help="generator processes (default: 2 for large runs)")
        parser.add_argument("--as", dest="username", default=None, help="record the run as this user")

    def handle(self, *args: Any, **options: Any) -> None:
        province = options["province"]
        if len(province) != 2 or not province.isdigit():
            raise CommandError("--province must be a 2-digit code such as 42.")
        actor = None
        if options["username"]:
            actor = user_by_username_or_error(options["username"])
        verbose = options["verbosity"] > 0

        def progress(done: int, total: int) -> None:
            if verbose:
                self.stderr.write(f"\rseed: {done:,}/{total:,} ({done * 100 // max(total, 1)}%)", ending="")
                self.stderr.flush()

        try:
            with actor_context(channel="cli", user=actor):
                result = seed_persons(persons=options["persons"], province=province, county=options["county"],
                                      seed=options["seed"], actor=actor, workers=options["workers"], progress=progress)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        if verbose:
            self.stderr.write("")
        self.stdout.write(
            f"Seeded {result.persons:,} persons over {result.counties} counties in {result.seconds:.1f} s"
            + (f" ({result.skipped_existing:,} already present, skipped)" if result.skipped_existing else "")
        )

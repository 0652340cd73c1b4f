"""``dsip audit verify`` and ``dsip audit prune``.

verify: walks the hash chain; prints ``OK: N entries verified`` and the chain
head (record it elsewhere as an anchor), or the first broken entry, exiting 1.
prune: deletes entries older than ``DSIP_AUDIT_RETENTION_DAYS`` (never fewer
than 180 days) after a successful verify, leaving a checkpoint.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dsip.audit.services import audit_prune, retention_days
from dsip.audit.verify import verify_chain
from dsip.core import context
from dsip.core.errors import DomainError


class Command(BaseCommand):
    help = "Verify the audit hash chain, or prune entries past the retention period."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser("verify", help="Check every entry's hash and link; exit 1 at the first break.")
        verify.add_argument("--anchor", action="append", default=[], metavar="SEQ:HASH",
                            help="A chain head recorded earlier (printed by a previous verify); repeatable.")
        verify.add_argument("--chunk-size", type=int, default=5000, help="Entries read per query.")
        prune = sub.add_parser("prune", help="Delete entries older than DSIP_AUDIT_RETENTION_DAYS.")
        prune.add_argument("--dry-run", action="store_true", help="Say what would be deleted, delete nothing.")
        prune.add_argument("--batch-size", type=int, default=10_000, help="Entries deleted per transaction.")
        prune.add_argument("--skip-verify", action="store_true",
                           help="Prune without verifying first (not recommended: it may delete evidence).")

    def handle(self, *args: Any, **options: Any) -> None:
        with context.actor_context(channel="cli"):
            if options["subcommand"] == "verify":
                self._verify(options)
            else:
                self._prune(options)

    def _verify(self, options: dict[str, Any]) -> None:
        try:
            result = verify_chain(chunk_size=options["chunk_size"], anchors=options["anchor"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for warning in result.warnings:
            self.stderr.write(f"warning: {warning}")
        if not result.ok:
            problem = result.problem
            raise CommandError(
                f"BROKEN after {result.checked} good entries: seq {problem.seq}, "
                f"id {problem.entry_id if problem.entry_id is not None else '-'}, "
                f"{problem.kind}: {problem.detail}"
            )
        self.stdout.write(f"OK: {result.checked} entries verified")
        if result.base_seq:
            self.stdout.write(f"checkpoint: entries up to seq {result.base_seq} were pruned")
        self.stdout.write(f"head: {result.last_seq}:{result.last_hash}")

    def _prune(self, options: dict[str, Any]) -> None:
        if not options["skip_verify"] and not options["dry_run"]:
            result = verify_chain()
            if not result.ok:
                raise CommandError(f"not pruning: the chain is broken at {result.problem}")
        try:
            outcome = audit_prune(batch_size=options["batch_size"], dry_run=options["dry_run"], actor="dsip audit prune")
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        days = retention_days()
        if options["dry_run"]:
            self.stdout.write(f"Would delete {outcome.deleted} entries older than {outcome.cutoff:%Y-%m-%d %H:%M} "
                              f"({days} days), through seq {outcome.through_seq}.")
        else:
            self.stdout.write(f"Deleted {outcome.deleted} entries older than {outcome.cutoff:%Y-%m-%d %H:%M} "
                              f"({days} days); checkpoint at seq {outcome.through_seq}.")

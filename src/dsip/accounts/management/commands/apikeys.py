"""``dsip apikeys create|revoke|list``: manage department API keys from the server's shell."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dsip.accounts.apikeys import apikey_issue, apikey_revoke, expiry_in_days
from dsip.accounts.models import ApiKey
from dsip.core.context import actor_context
from dsip.core.errors import DomainError
from dsip.core.users import user_by_username_or_error


class Command(BaseCommand):
    help = "Issue, revoke and list API keys. The full key is printed once, at creation."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        create = sub.add_parser("create", help="Issue a key acting as a service account.")
        create.add_argument("--user", required=True, help="username of the service account")
        create.add_argument("--name", required=True, help="who uses the key")
        create.add_argument("--expires-days", type=int, default=None, help="days until the key expires")
        revoke = sub.add_parser("revoke", help="Revoke a key by its prefix (the 8 characters after dsip_).")
        revoke.add_argument("prefix")
        sub.add_parser("list", help="List keys (never the secrets).")

    def handle(self, *args: Any, **options: Any) -> None:
        with actor_context(channel="cli"):
            getattr(self, f"_{options['subcommand']}")(**options)

    def _create(self, *, user: str, name: str, expires_days: int | None, **_: Any) -> None:
        if expires_days is not None and expires_days < 1:
            raise CommandError("--expires-days must be at least 1.")
        account = user_by_username_or_error(user)
        try:
            key, full_key = apikey_issue(actor=None, user=account, name=name, expires_at=expiry_in_days(expires_days))
        except DomainError as exc:
            raise CommandError("; ".join(str(e.message) for e in exc.errors) or str(exc.message)) from exc
        self.stdout.write(full_key)
        self.stderr.write(f"Key {key.prefix} for {account.username} issued. Copy it now: it is not shown again.")

    def _revoke(self, *, prefix: str, **_: Any) -> None:
        prefix = prefix.removeprefix("dsip_").split("_")[0]
        key = ApiKey.objects.select_related("user").filter(prefix=prefix).first()
        if key is None:
            raise CommandError(f"No key with prefix {prefix!r}.")
        apikey_revoke(actor=None, key=key)
        self.stdout.write(f"Revoked {key.prefix} ({key.name}).")

    def _list(self, **_: Any) -> None:
        # Every key: the command line is the server operator, who has no region.
        for key in ApiKey.objects.select_related("user").order_by("created_at"):
            if key.revoked_at:
                state = f"revoked {key.revoked_at:%Y-%m-%d}"
            elif key.expires_at:
                state = f"expires {key.expires_at:%Y-%m-%d}"
            else:
                state = "active"
            used = f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "never"
            self.stdout.write(f"{key.prefix}\t{key.user.username}\t{key.name}\t{state}\tlast used {used}")

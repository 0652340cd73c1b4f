"""Audit entries for sign-in events, hooked to Django's and axes' auth signals.

Signals are used here only because authentication happens inside Django and
axes; the receivers do nothing but append to the audit log.
"""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from dsip.audit.models import Outcome
from dsip.audit.services import audit_record


def _division(user: Any) -> str:
    return (user.scope_code or "") if user is not None and getattr(user, "org_unit_id", None) else ""


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(action="auth.login", object_type="user", object_id=user.pk, division_code=_division(user), actor=user)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(action="auth.logout", object_type="user", object_id=user.pk, division_code=_division(user), actor=user)


def _account(username: str) -> Any:
    """The account a failed sign-in aimed at, so its province and county see attempts on their users.

    A name that matches no account stays without a division (national scope only):
    such names are often passwords typed into the wrong box.
    """
    from dsip.accounts.models import User

    return User.objects.select_related("org_unit").filter(username=username).first()


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    username = str(credentials.get("username", ""))[:150]
    account = _account(username)
    audit_record(action="auth.login_failed", outcome=Outcome.FAILURE, object_type="user",
                 object_id=account.pk if account else "", division_code=_division(account),
                 changes={"username": username if account else "(unknown account)"}, actor=None)


@receiver(user_locked_out)
def _locked_out(sender: Any, request: Any, username: str | None = None, ip_address: str | None = None, **kwargs: Any) -> None:
    account = _account(username or "")
    audit_record(action="auth.locked_out", outcome=Outcome.DENIED, object_type="user",
                 object_id=account.pk if account else "", division_code=_division(account),
                 changes={"username": (username or "")[:150] if account else "(unknown account)"}, actor=None)

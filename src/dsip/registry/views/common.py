"""What every registry screen shares: the permission gate and display lookups."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from dsip.accounts.roles import Action, may
from dsip.regions.models import Division


def require_action(action: Action) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Signed in, and the role matrix allows ``action``; otherwise 403 (region scope is the selectors' job)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not may(request.user, action):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def division_names(codes: Iterable[str]) -> dict[str, str]:
    """Names of the given division codes in one query (division names are public reference data)."""
    wanted = {c for c in codes if c}
    if not wanted:
        return {}
    return dict(Division.objects.filter(code__in=wanted).values_list("code", "name"))


def person_permissions(user: Any) -> dict[str, bool]:
    """What the page may offer this user; the services check again on every write."""
    return {
        "can_edit": may(user, Action.PERSON_EDIT),
        "can_reveal": may(user, Action.PERSON_REVEAL),
        "can_export": may(user, Action.PERSON_EXPORT),
        "can_merge": may(user, Action.PERSON_MERGE),
    }

"""Per-request context (actor, IP, request id) that the audit log reads.

Set by ``RequestContextMiddleware`` for web requests, by the API auth for API
keys, and by ``actor_context`` for commands and background tasks.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip: str = ""
    user: Any = None
    channel: str = "system"  # web, api, cli, task, system


_current: ContextVar[RequestContext] = ContextVar("dsip_request_context", default=RequestContext())  # noqa: B039 - frozen dataclass, immutable


def current() -> RequestContext:
    return _current.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


@contextlib.contextmanager
def actor_context(**changes: Any) -> Iterator[RequestContext]:
    ctx = replace(_current.get(), **changes)
    if not ctx.request_id:
        ctx = replace(ctx, request_id=new_request_id())
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


def set_user(user: Any) -> None:
    """Attach the authenticated user once authentication happened later in the request."""
    _current.set(replace(_current.get(), user=user))

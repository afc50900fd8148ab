"""Who is acting and from where, for the audit log, without passing the request around.

The middleware opens an audit context around every request (the user, the client's address,
the path); ``audit_record`` reads it, so a service records its actor's address without taking
a ``request`` parameter. A command or a test opens one with ``audit_context``; outside any
context events carry no address, as they always did for commands.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse


@dataclass(frozen=True)
class AuditContext:
    ip: str | None = None
    path: str = ""
    # The acting user, read when an event is recorded: a login changes the request's user
    # part-way through the request.
    user: Callable[[], Any] = lambda: None


_current: ContextVar[AuditContext | None] = ContextVar("jifen_audit_context", default=None)


def current_audit_context() -> AuditContext:
    return _current.get() or AuditContext()


@contextmanager
def audit_context(
    *, user: Any = None, ip: str | None = None, path: str = ""
) -> Iterator[AuditContext]:
    """Events recorded within the block name ``user`` (where the caller names no actor), ``ip``
    and ``path``. For commands and tests; requests get theirs from the middleware."""
    context = AuditContext(ip=ip, path=path[:500], user=lambda: user)
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        # Behind our own reverse proxy the client is the first address it forwards.
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def request_audit_context(request: HttpRequest) -> AuditContext:
    return AuditContext(
        ip=client_ip(request),
        path=request.get_full_path()[:500],
        user=lambda: getattr(request, "user", None),
    )


def audit_context_per_request(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Middleware: the request's user, address and path for every event it records."""

    def middleware(request: HttpRequest) -> HttpResponse:
        token = _current.set(request_audit_context(request))
        try:
            return get_response(request)
        finally:
            _current.reset(token)

    return middleware

"""Who is acting and from where, for the audit log, without passing the request around.

The middleware opens an audit context around every request (the user, the client's address,
the path); ``audit_record`` reads it, so a service records its actor's address without taking
a ``request`` parameter. A command or a test opens one with ``audit_context``; outside any
context events carry no address, as they always did for commands.
"""

from __future__ import annotations

import ipaddress
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
    # What the client claimed in X-Forwarded-For beyond what our own proxies vouch for (or a
    # value that was no address): kept in the event's detail, never taken as its address.
    claimed: str = ""
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


def _address(value: str | None) -> str | None:
    """``value`` as a normalized IP address, or None when it is not one (a forged header, a
    Unix socket's empty REMOTE_ADDR): never a string the database's inet column would refuse."""
    text = (value or "").strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "192.0.2.1:443"
        text = text.split(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.scope_id:
        return None  # "fe80::1%eth0": no column type keeps a zone
    return str(address)


def forwarded_client(request: HttpRequest) -> tuple[str | None, str]:
    """The client's address and what was claimed beyond it (empty when nothing was).

    Each of our ``JIFEN_TRUSTED_PROXIES`` proxies appends the address it saw to
    X-Forwarded-For, so the client is the N-th entry from the right: anything left of it was
    written by the client and proves nothing. Too few entries or a non-address there, and the
    client is the nearest proxy (REMOTE_ADDR); the request never fails because of the header.
    """
    remote = _address(request.META.get("REMOTE_ADDR"))
    proxies = int(getattr(settings, "JIFEN_TRUSTED_PROXIES", 0) or 0)
    header = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    if proxies <= 0 or not header.strip():
        return remote, ""
    entries = [part.strip() for part in header.split(",")]
    if len(entries) < proxies:
        return remote, header[:200]
    client = _address(entries[-proxies])
    if client is None:
        return remote, header[:200]
    return client, ", ".join(entries[:-proxies])[:200]


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address as the audit log and django-axes (AXES_CLIENT_IP_CALLABLE) see it."""
    if request is None:
        return None
    return forwarded_client(request)[0]


def request_audit_context(request: HttpRequest) -> AuditContext:
    ip, claimed = forwarded_client(request)
    return AuditContext(
        ip=ip,
        claimed=claimed,
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

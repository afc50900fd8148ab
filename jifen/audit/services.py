"""Writing to the audit log. Every service that writes calls ``audit_record`` in its transaction."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db import models
from django.http import HttpRequest

from jifen.audit.models import AuditEvent


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        # Behind our own reverse proxy the client is the first address it forwards.
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def target_of(obj: models.Model | None) -> str:
    if obj is None:
        return ""
    return f"{obj._meta.label}:{obj.pk}"


def audit_record(
    *,
    action: str,
    actor: AbstractBaseUser | AnonymousUser | None = None,
    request: HttpRequest | None = None,
    target: models.Model | str | None = None,
    summary: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. ``actor`` defaults to the request's user."""
    if actor is None and request is not None:
        actor = request.user
    user = actor if isinstance(actor, User) else None
    return AuditEvent.objects.create(
        actor=user,
        actor_name=user.get_username() if user is not None else "",
        action=action,
        target=target if isinstance(target, str) else target_of(target),
        summary=summary[:500],
        detail=detail or {},
        ip=client_ip(request),
        path=request.get_full_path()[:500] if request is not None else "",
    )

"""Writing to the audit log. Every service that writes calls ``audit_record`` in its transaction.

Every event is chained (jifen.audit.chain): appending waits for the chain's head, so call it
late in the transaction, after the rows it records are written.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db import models

from jifen.audit.chain import events_append
from jifen.audit.context import current_audit_context
from jifen.audit.models import AuditEvent
from jifen.core import clock


def target_of(obj: models.Model | None) -> str:
    if obj is None:
        return ""
    return f"{obj._meta.label}:{obj.pk}"


def audit_record(
    *,
    action: str,
    actor: AbstractBaseUser | AnonymousUser | None = None,
    target: models.Model | str | None = None,
    summary: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. Who acted, from which address and path, come from the audit context
    (jifen.audit.context: the request being answered, or a command's) unless ``actor`` names
    the actor."""
    context = current_audit_context()
    if actor is None:
        actor = context.user()
    user = actor if isinstance(actor, User) else None
    if context.claimed:
        detail = {**(detail or {}), "forwarded_for": context.claimed}
    event = AuditEvent(
        at=clock.now(),
        actor=user,
        actor_name=user.get_username() if user is not None else "",
        action=action,
        target=target if isinstance(target, str) else target_of(target),
        summary=summary[:500],
        detail=detail or {},
        ip=context.ip,
        path=context.path,
    )
    events_append([event])
    return event


def audit_records(
    events: Sequence[tuple[str, models.Model | str | None, str, dict[str, Any] | None]],
    *,
    actor: AbstractBaseUser | AnonymousUser | None = None,
) -> list[AuditEvent]:
    """Append many events ``(action, target, summary, detail)`` by one actor in one INSERT
    per few hundred: what :func:`audit_record` writes for each, in the given order, for the bulk
    paths (a 10,000-row roster keeps one event per person without 10,000 round trips)."""
    context = current_audit_context()
    if actor is None:
        actor = context.user()
    user = actor if isinstance(actor, User) else None
    name = user.get_username() if user is not None else ""
    at = clock.now()
    made = [
        AuditEvent(
            at=at,
            actor=user,
            actor_name=name,
            action=action,
            target=target if isinstance(target, str) else target_of(target),
            summary=summary[:500],
            detail=detail or {},
            ip=context.ip,
            path=context.path,
        )
        for action, target, summary, detail in events
    ]
    events_append(made)
    return made

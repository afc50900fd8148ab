"""Refusals and failed logins, written in full up to a few a window and counted beyond.

A scan sends thousands of requests that the door refuses (or thousands of wrong passwords);
one event each would grow the append-only audit log without bound. For each key — the audit
action, the account (or nobody) and the client's address — the first ``IN_FULL`` within a
window of ``WINDOW`` are written as ordinary events, so a person who followed a stale link
still leaves the whole record; the rest are counted in a small mutable table (RepeatTally) and
reach the log as one summary event ("在 10 分钟内又被拒绝 2,317 次", first and last time, a
sample of what was asked for) when the window closes: at the key's next refusal after it, or
when ``jifen audit flush`` runs (a timer every few minutes, docs/deployment.md). The counts
live in the database, so a restart loses none of them. Aggregating never fails the request:
if it does not work, the event is written in full as before.
"""

from __future__ import annotations

import datetime as dt
import logging
from contextlib import nullcontext
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db import IntegrityError, connection, models, transaction
from django.db.models import F

from jifen.audit.context import audit_context, current_audit_context
from jifen.audit.models import RepeatTally
from jifen.audit.services import audit_record, target_of
from jifen.core import clock

logger = logging.getLogger(__name__)

SAMPLES = 5  # what was asked for, kept in the summary: the distinct ones of the first few counted

# What the summary says repeated, by the action counted.
_SAID = {
    "access.denied": "又被拒绝 {n} 次",
    "auth.login_failed": "又有 {n} 次登录失败",
}


def window() -> dt.timedelta:
    return dt.timedelta(minutes=int(getattr(settings, "JIFEN_AUDIT_REPEAT_WINDOW_MINUTES", 10)))


def in_full() -> int:
    return int(getattr(settings, "JIFEN_AUDIT_REPEAT_IN_FULL", 10))


def repeat_record(
    *,
    action: str,
    actor: AbstractBaseUser | AnonymousUser | None = None,
    target: models.Model | str | None = None,
    summary: str = "",
    detail: dict[str, Any] | None = None,
    sample: str = "",
) -> None:
    """``audit_record`` for an event a scan repeats (a refusal, a failed login): written in full
    while its key has had fewer than ``in_full()`` this window, counted after that. ``sample``
    is what the summary lists of the counted ones (the path or the username tried)."""
    if actor is None:
        actor = current_audit_context().user()
    user = actor if isinstance(actor, User) else None
    try:
        # Most of a scan is one UPDATE: outside a transaction it commits alone (one round trip
        # instead of three); inside one, a savepoint keeps a failure from spoiling the caller's.
        with transaction.atomic() if connection.in_atomic_block else nullcontext():
            if _bumped(action, user):
                return
        with transaction.atomic():
            if not _counted(action, user, sample or current_audit_context().path):
                audit_record(
                    action=action, actor=actor, target=target, summary=summary, detail=detail
                )
        return
    except Exception:  # a failure to aggregate must not fail the request: write it in full
        logger.exception("审计日志：重复事件未能合并计数，按单条写入")
    try:
        with transaction.atomic():
            audit_record(action=action, actor=actor, target=target, summary=summary, detail=detail)
    except Exception:  # nor must a failure to write it: the request is answered, the log says why
        logger.exception("审计日志：事件未能写入 %s %s", action, target_of_any(target))


def target_of_any(target: models.Model | str | None) -> str:
    return target if isinstance(target, str) else target_of(target)


def _tally(action: str, user: User | None, ip: str) -> RepeatTally | None:
    """The key's tally row, locked; None when there is none."""
    return (
        RepeatTally.objects.select_for_update()
        .filter(action=action, actor=user, ip=ip)
        .order_by()
        .first()
    )


def _bumped(action: str, user: User | None) -> bool:
    """Counted with one UPDATE if the key's window is open and its few in full and its samples
    are already taken (most of a scan); False when the slower way must decide."""
    now = clock.now()
    busy = RepeatTally.objects.filter(
        action=action,
        actor=user,
        ip=current_audit_context().ip or "",
        opened__gt=now - window(),
        written__gte=in_full(),
        count__gte=SAMPLES,
    )
    return bool(busy.update(count=F("count") + 1, last=now))


def _counted(action: str, user: User | None, sample: str) -> bool:
    """Count this one in its key's tally (True) or say it is to be written in full (False),
    closing the key's window first when it is over."""
    now = clock.now()
    ip = current_audit_context().ip or ""
    tally = _tally(action, user, ip)
    if tally is None:
        try:
            with transaction.atomic():
                tally = RepeatTally.objects.create(action=action, actor=user, ip=ip, opened=now)
        except IntegrityError:  # another request made it a moment ago: wait for its lock
            tally = _tally(action, user, ip)
            if tally is None:  # and it is already gone again (a flush): write this in full
                return False
    elif tally.opened + window() <= now:
        _close(tally)
        tally.opened, tally.written, tally.count = now, 0, 0
        tally.first = tally.last = None
        tally.samples = []
    if tally.written < in_full():
        tally.written += 1
        tally.save()
        return False
    tally.count += 1
    tally.first = tally.first or now
    tally.last = now
    if sample and len(tally.samples) < SAMPLES and sample[:200] not in tally.samples:
        tally.samples = [*tally.samples, sample[:200]]
    tally.save()
    return True


def _close(tally: RepeatTally) -> None:
    """The summary event for what ``tally`` counted, if anything: as its own key's event (the
    account and the address counted), whoever's request or timer closes it."""
    if not tally.count:
        return
    minutes = int(window().total_seconds() // 60)
    said = _SAID.get(tally.action, "又重复 {n} 次").format(n=f"{tally.count:,}")
    first = tally.first or tally.opened
    last = tally.last or first
    with audit_context(user=tally.actor, ip=tally.ip or None):
        audit_record(
            action=f"{tally.action}.repeated",
            actor=tally.actor,
            summary=f"在 {minutes} 分钟内{said}",
            detail={
                "repeats": tally.count,
                "first": first.isoformat(),
                "last": last.isoformat(),
                "window_minutes": minutes,
                "samples": list(tally.samples),
            },
        )


def repeats_flush(*, everything: bool = False) -> tuple[int, int]:
    """Close every window that is over (``everything``: every window, open or not) and write
    its summary; returns (summaries written, repeats they count). For ``jifen audit flush``."""
    cutoff = clock.now() if everything else clock.now() - window()
    summaries = repeats = 0
    with transaction.atomic():
        over = RepeatTally.objects.select_for_update().filter(opened__lte=cutoff).order_by("pk")
        for tally in over:
            if tally.count:
                _close(tally)
                summaries += 1
                repeats += tally.count
            tally.delete()
    return summaries, repeats

"""The audit log's hash chain: each event's hash covers its content and the hash before it.

One chain for the installation, like each organization's ledger chain (jifen.ledger.chain):
appending locks the single ``AuditHead`` row, numbers the events after it and moves it on, in
the caller's transaction. One chain rather than one per committee because many events belong
to no committee (a failed login, the platform operator's admin) and because the anchors outside
the database sign one ``(seq, head)`` per named chain; docs/decisions.md has the figures.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from typing import Any

from django.db import connection, transaction

from jifen.audit.models import GENESIS, AuditEvent, AuditHead
from jifen.core import anchors
from jifen.core.bulkinsert import rows_insert

_IP = AuditEvent._meta.get_field("ip")


def canonical_ip(ip: str | None) -> str | None:
    """The address as the database gives it back (IPv6 compressed), so the hash survives."""
    return _IP.to_python(ip) if ip else None


def event_content(
    *,
    seq: int,
    at: dt.datetime,
    actor_id: int | None,
    actor_name: str,
    action: str,
    target: str,
    summary: str,
    detail: Any,
    ip: str | None,
    path: str,
) -> dict[str, Any]:
    """Everything an event says, in a form that survives the round trip through the database.
    Plain values, not a model, so the migration that chained the existing events uses it too."""
    return {
        "seq": seq,
        "at": at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor": actor_id,
        "actor_name": actor_name,
        "action": action,
        "target": target,
        "summary": summary,
        "detail": detail,
        "ip": canonical_ip(ip),
        "path": path,
    }


def content_hash(content: dict[str, Any], prev_hash: str) -> str:
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()


def event_hash(event: AuditEvent, prev_hash: str) -> str:
    content = event_content(
        seq=event.seq,
        at=event.at,
        actor_id=event.actor_id,
        actor_name=event.actor_name,
        action=event.action,
        target=event.target,
        summary=event.summary,
        detail=event.detail,
        ip=event.ip,
        path=event.path,
    )
    return content_hash(content, prev_hash)


def events_append(events: Sequence[AuditEvent]) -> None:
    """Chain and INSERT new ``events`` in the given order, after the head, and move the head
    on. The head's row lock is held until the caller's transaction ends: a second writer waits
    there, then reads the head the first one left."""
    if not events:
        return
    with transaction.atomic():
        seq, prev = _head_locked()
        for event in events:
            seq += 1
            event.seq, event.prev_hash = seq, prev
            event.ip = canonical_ip(event.ip)
            # As the JSON column gives it back (tuples as lists, keys as text).
            event.detail = json.loads(json.dumps(event.detail or {}))
            event.hash = prev = event_hash(event, prev)
        rows_insert(events)
        with connection.cursor() as cursor:
            moved = f"UPDATE {_HEAD} SET seq = %s, head = %s WHERE id = 1"  # noqa: S608 (our table)
            cursor.execute(moved, [seq, prev])


# Plain SQL for the head: every write of every request passes here, and building the ORM's
# queries cost more than running them (bench/bench_audit_chain.py).
_HEAD = AuditHead._meta.db_table


def _head_locked() -> tuple[int, str]:
    """The head's (seq, hash), its row locked until the transaction ends (SQLite's transactions
    hold the database's write lock from their start: settings' transaction_mode IMMEDIATE)."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT seq, head FROM {_HEAD} WHERE id = 1{lock}")  # noqa: S608 (our table)
        row = cursor.fetchone()
        if row is None:  # the first event ever: two first writers both insert, one waits
            AuditHead.objects.bulk_create([AuditHead(id=1)], ignore_conflicts=True)
            cursor.execute(f"SELECT seq, head FROM {_HEAD} WHERE id = 1{lock}")  # noqa: S608 (our table)
            row = cursor.fetchone()
    return int(row[0]), str(row[1])


def audit_head_lock() -> None:
    """Take the audit chain's head lock now, in the caller's transaction, before locking a
    ledger's head: every write ends by appending an audit event, so the lock is held until its
    end anyway, and taking it first keeps one order for all of them on PostgreSQL — a
    transaction that appended to two organizations' ledgers (each append audited) can then never
    hold the audit head while waiting for a ledger head another holds while waiting for it."""
    _head_locked()


def audit_chain_head() -> tuple[int, str]:
    """The audit chain's last number and hash, ``(0, GENESIS)`` before the first event: what
    the anchors outside the database sign, under the name of the audit chain."""
    head = AuditHead.objects.filter(id=1).values_list("seq", "head").first()
    return (int(head[0]), str(head[1])) if head is not None else (0, GENESIS)


def audit_hashes_at(seqs: set[int]) -> dict[int, str]:
    """The events' hashes at these numbers: an anchor checks that the log it saw is still the
    start of the log today, not only its length."""
    wanted, found = sorted(seqs), dict[int, str]()
    for start in range(0, len(wanted), 500):  # SQLite's limit on parameters
        rows = AuditEvent.objects.filter(seq__in=wanted[start : start + 500])
        found.update(rows.values_list("seq", "hash"))
    return found


def audit_anchors_register() -> None:
    """Anchor the audit log as one chain, ``audit:log`` (AuditConfig.ready), as the ledger's
    organizations are: deleting the last events and moving the head back, or emptying events
    and head together, leaves a log shorter than an anchor remembers."""
    anchors.chain_register(
        "audit",
        heads=lambda: {"log": audit_chain_head()},
        label=lambda _key: "审计日志",
        hashes_at=lambda _key, seqs: audit_hashes_at(seqs),
    )

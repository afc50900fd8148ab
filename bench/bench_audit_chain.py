"""The audit chain's cost: every request that writes appends an event and holds the one chain
head's lock until it commits (jifen.audit.chain). Measures, on a scratch database:

- appends/s, one writer, each event its own transaction (audit_record as a page calls it);
- appends/s with 4 writers at once, each event its own transaction, and again with 5 ms of
  further work inside the transaction after the append (the lock held that much longer);
- audit_records in batches of 500 (the bulk path);
- refusals/s once counted in the tally (a scan beyond the first few a window);
- bytes per event on disk (table and indexes over rows), for docs/deployment.md.

.venv/bin/python bench/bench_audit_chain.py            # SQLite
JIFEN_BENCH_PG=postgres://postgres@/jifen_bench?host=/var/run/postgresql \\
    .venv/bin/python bench/bench_audit_chain.py
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from django_setup import scratch_database

SINGLE = 2000
THREADS = 4
EACH = 250
BULK = 20_000
REFUSALS = 3000


def _rate(n: int, seconds: float) -> str:
    return f"{n / seconds:,.0f}/s"


def _threads(work: Any) -> float:
    from django.db import connections

    def run() -> None:
        try:
            work()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def _refusals() -> float:
    """Seconds for REFUSALS refusals beyond the first few of the window (counted, not written)."""
    from django.contrib.auth.models import User

    from jifen.audit.context import audit_context
    from jifen.audit.repeats import in_full
    from jifen.orgs.access import Action, refused

    scanner = User.objects.create_user("scanner")
    with audit_context(user=scanner, ip="198.51.100.7", path="/orgs/1/"):
        for _ in range(in_full()):
            refused(scanner, "orgs.Organization:1", Action.VIEW_ORG)
        started = time.perf_counter()
        for n in range(REFUSALS):
            refused(scanner, f"orgs.Organization:{n}", Action.VIEW_ORG)
        return time.perf_counter() - started


def _size(url: str) -> tuple[int, int]:
    """(events, bytes the audit log takes on disk: PostgreSQL's table with its indexes, SQLite's
    whole file, which is nearly all audit log here)."""
    from django.db import connection

    from jifen.audit.models import AuditEvent

    events = AuditEvent.objects.count()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_total_relation_size('audit_auditevent')")
            return events, int(cursor.fetchone()[0])
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return events, Path(url.removeprefix("sqlite:///")).stat().st_size


def main() -> None:
    url = scratch_database("audit-chain")
    from django.db import connection, transaction

    from jifen.audit.context import audit_context
    from jifen.audit.services import audit_record, audit_records
    from jifen.audit.verify import audit_verify

    summary = "录入活动考勤：支部党员大会 2026-11-18，出席 23 人"
    detail = {"activity": 1234, "attendees": 23, "organization": "B1"}
    path = "/recording/activities/1234/attendance/"

    def one() -> None:
        with audit_context(ip="10.1.2.3", path=path):
            audit_record(
                action="recording.attendance",
                target="recording.Activity:1234",
                summary=summary,
                detail=detail,
            )

    started = time.perf_counter()
    for _ in range(SINGLE):
        one()
    single = time.perf_counter() - started

    def many() -> None:
        for _ in range(EACH):
            one()

    concurrent = _threads(many)

    def many_held() -> None:
        for _ in range(EACH // 5):
            with transaction.atomic():
                one()
                time.sleep(0.005)  # the rest of the service's work, after its audit event

    held = _threads(many_held)

    rows = [("roster.person", f"orgs.Person:{i}", f"导入党员 {i}", {"row": i}) for i in range(BULK)]
    started = time.perf_counter()
    with audit_context(ip="10.1.2.3", path="/roster/import/"):
        for chunk in range(0, BULK, 500):
            with transaction.atomic():
                audit_records(rows[chunk : chunk + 500])
    bulk = time.perf_counter() - started

    counted = _refusals()
    events, size = _size(url)
    started = time.perf_counter()
    assert audit_verify() == []
    verify = time.perf_counter() - started

    print(f"engine: {connection.vendor}")
    print(f"one writer, a transaction an event:        {_rate(SINGLE, single)}")
    print(f"{THREADS} writers at once, a transaction an event: {_rate(THREADS * EACH, concurrent)}")
    n_held = THREADS * (EACH // 5)
    print(f"{THREADS} writers, 5 ms more work after the append:  {_rate(n_held, held)}")
    print(f"audit_records, 500 a batch:                {_rate(BULK, bulk)}")
    print(f"refusals counted in the tally:             {_rate(REFUSALS, counted)}")
    print(f"events: {events:,}; bytes an event on disk (table + indexes): {size / events:,.0f}")
    print(f"audit_verify over {events:,} events: {verify:.2f} s ({_rate(events, verify)})")


if __name__ == "__main__":
    main()

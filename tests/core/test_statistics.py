"""After a bulk load the planner's statistics describe the table as loaded (jifen.core.statistics),
on each engine: PostgreSQL's pg_class/pg_stats, SQLite's sqlite_stat1."""

from __future__ import annotations

import pytest
from django.db import connection

from jifen.audit.chain import events_append
from jifen.audit.models import AuditEvent
from jifen.core.statistics import MIN_ROWS, load_analyze, planner_rows, statistics_refresh

pytestmark = pytest.mark.django_db


def events(n: int) -> None:
    # Chained as audit_records writes them: one rows_insert after the head.
    events_append([AuditEvent(action="test.load", summary=f"第 {i} 行") for i in range(n)])


def forget() -> None:
    """SQLite keeps its statistics in a table one may empty; PostgreSQL's are not ours to clear."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cursor.fetchone():
                cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'audit_auditevent'")


def near(believed: float, count: int) -> bool:
    # PostgreSQL counts a table exactly up to its sample (30,000 rows), then estimates.
    return abs(believed - count) <= 0.2 * count


def test_a_large_load_is_analyzed_and_a_small_one_is_not() -> None:
    forget()
    believed = planner_rows(AuditEvent)
    assert not load_analyze(AuditEvent, MIN_ROWS - 1)
    assert planner_rows(AuditEvent) == believed
    loaded = max(MIN_ROWS, int(believed * 0.1) + 1) + 1000
    events(loaded)
    assert not near(believed, AuditEvent.objects.count())  # the planner did not know
    assert load_analyze(AuditEvent, loaded)
    assert near(planner_rows(AuditEvent), AuditEvent.objects.count())


def test_a_load_under_a_tenth_of_the_table_is_left_to_autovacuum() -> None:
    events(12 * MIN_ROWS)
    statistics_refresh(AuditEvent)
    believed = planner_rows(AuditEvent)
    assert near(believed, AuditEvent.objects.count())
    events(MIN_ROWS)
    assert not load_analyze(AuditEvent, MIN_ROWS)
    assert planner_rows(AuditEvent) == believed

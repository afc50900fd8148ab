"""The query planner's statistics, refreshed after a bulk load.

Both engines choose a plan from what they believe a table holds. PostgreSQL's autovacuum
analyzes a table once about a tenth of it has changed, but only after the load has committed
and at its next round (up to a minute later); SQLite never gathers statistics by itself. Until
then the planner plans with what it knew before the load: after `jifen demo --members 10000`
PostgreSQL estimated 430 ledger rows where a query returned 607,091.
So the bulk paths run ANALYZE on what they loaded, inside their own transaction: both engines
allow it there, and PostgreSQL counts the transaction's own new rows as live, so the
statistics are right the moment the load commits.

A load "large enough to matter" (``load_analyze``): at least ``MIN_ROWS`` rows and at least
``SHARE`` of the rows the planner believes the table has (never analyzed: none). That is
autovacuum's own rule (50 rows + 10 %) with a floor that keeps small imports free of it; a
10,000-row roster into a table of a few thousand qualifies; a 500-row import never does, nor a
year's branch into a ledger ten times its size.
"""

from __future__ import annotations

from django.db import connection, models

MIN_ROWS = 1000
SHARE = 0.1


def statistics_refresh(*tables: type[models.Model]) -> None:
    """ANALYZE the tables of these models, now, in the current transaction.

    SQLite reads every index whole (0.4 s for the 10,000-member demo's 603,591 ledger rows and
    12 indexes); its approximate mode (``PRAGMA analysis_limit``) was tried and left out: it
    caps rows per key at the limit, so the ledger's 12,000 rows per branch looked like 1,001."""
    with connection.cursor() as cursor:
        for model in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def planner_rows(model: type[models.Model]) -> float:
    """How many rows the planner believes ``model``'s table has (0 if it was never analyzed)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE oid = to_regclass(%s)", [table])
            row = cursor.fetchone()
            return max(0.0, float(row[0])) if row else 0.0  # -1: never analyzed
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return 0.0
        # Each row's stat begins with the rows counted (the table's own row, or each index's).
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [table])
        counts = [int(stat.split()[0]) for (stat,) in cursor.fetchall() if stat]
        return float(max(counts, default=0))


def load_analyze(model: type[models.Model], rows: int) -> bool:
    """After ``rows`` were loaded into ``model``'s table: ANALYZE it if the load was large
    enough to mislead the planner (see the module's docstring); whether it did."""
    if rows < MIN_ROWS or rows < SHARE * planner_rows(model):
        return False
    statistics_refresh(model)
    return True

"""A lock on one row of an append-only table, for the length of the transaction.

``SELECT … FOR UPDATE`` needs the UPDATE privilege on PostgreSQL, and the application's role has
none on the append-only tables (docs/deployment.md, 数据库最小权限). Where two requests must not
both act on one signature, objection or proposal, they take this lock instead: a transaction-level
advisory lock keyed by the table and the row, which needs no privilege and is released at commit
or rollback like a row lock. On SQLite every writing transaction already holds the database's
one write lock (``transaction_mode = IMMEDIATE``), so there is nothing more to take.
"""

from __future__ import annotations

import zlib

from django.db import connection, models

_INT32 = 1 << 32


def _int4(value: int) -> int:
    """``value`` folded into PostgreSQL's signed 32-bit range (two keys that fold together only
    wait for each other, never wrongly pass)."""
    value %= _INT32
    return value - _INT32 if value >= 1 << 31 else value


def row_lock(model: type[models.Model], pk: int) -> None:
    """Wait until no other transaction holds ``model``'s row ``pk``, and hold it until this
    transaction ends. Call it inside ``transaction.atomic()``."""
    if connection.vendor != "postgresql":
        return
    table = _int4(zlib.crc32(model._meta.db_table.encode()))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [table, _int4(pk)])

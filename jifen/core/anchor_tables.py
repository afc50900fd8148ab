"""What an anchor records of an append-only table that is not a chain: its rows up to the highest
id, as a count and a running SHA-256 over the rows in id order, and the gaps — ids below the
highest that no row had when the anchor was written.

Why the gaps: PostgreSQL hands out ids before commit, so a row may commit after an anchor with an
id below the anchored highest. Inserting is what these tables are for, so such a row is no attack;
the check leaves out exactly the ids that were gaps when the anchor was written, and any row
anchored then must still be there, unchanged. Locking the tables while anchoring would do the same,
but a deployment's application role that may only SELECT and INSERT cannot take that lock.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection

Gaps = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class TableMark:
    count: int
    top: int
    digest: str
    gaps: Gaps = ()


def _rows(table: str) -> list[tuple[int, str]]:
    """Every row's id and the SHA-256 of its values as this engine returns them, in id order."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY id")  # noqa: S608 (our own table names)
        return [(row[0], hashlib.sha256(repr(tuple(row)).encode()).hexdigest()) for row in cursor]


def _step(digest: str, row_hash: str) -> str:
    return hashlib.sha256(f"{digest}\n{row_hash}".encode()).hexdigest()


def table_mark(table: str) -> TableMark:
    """The table as it stands: every row, and the ids missing below the highest."""
    digest, count, last, gaps = "", 0, 0, []
    for row_id, row_hash in _rows(table):
        if row_id > last + 1:
            gaps.append((last + 1, row_id - 1))
        digest, count, last = _step(digest, row_hash), count + 1, row_id
    return TableMark(count, last, digest, tuple(gaps))


def marks_now(table: str, anchored: Iterable[TableMark]) -> dict[TableMark, tuple[int, str]]:
    """For each anchored mark, the (count, digest) the table has now over the same ids: those up
    to its highest, leaving out its gaps. One read of the table, one pass per distinct gaps."""
    rows = _rows(table)
    by_gaps: dict[Gaps, list[TableMark]] = {}
    for mark in anchored:
        by_gaps.setdefault(mark.gaps, []).append(mark)
    found: dict[TableMark, tuple[int, str]] = {}
    for gaps, marks in by_gaps.items():
        pending = sorted(marks, key=lambda m: m.top)
        digest, count, gap = "", 0, 0
        for row_id, row_hash in rows:
            while pending and pending[0].top < row_id:
                found[pending.pop(0)] = (count, digest)
            if not pending:
                break
            while gap < len(gaps) and gaps[gap][1] < row_id:
                gap += 1
            if gap < len(gaps) and gaps[gap][0] <= row_id:
                continue  # an id that was a gap then: a row committed later, not anchored
            digest, count = _step(digest, row_hash), count + 1
        for mark in pending:
            found[mark] = (count, digest)
    return found

"""How far a running job got, written where the page can read it while the job's own
transaction is still open.

The handler runs in one transaction (all or nothing), so progress written through that
transaction would be invisible until the end. On PostgreSQL a second connection writes the
job's row (autocommit; the job row is not locked by the handler). On SQLite the handler's
transaction holds the only write lock, so a second connection would wait on it; the worker
writes a small file under ``JOB_PROGRESS_DIR`` instead, which the page reads while the job runs
(SQLite means one machine, so the web server sees the same file). Either way at most every
``INTERVAL`` seconds: a 50,000-row job calls ``progress`` 50,000 times.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections

from jifen.core.models import Job

INTERVAL = 0.5


def _file(job: Job) -> Path:
    # Named by the database too: two installations (or test runs) sharing a var/ directory
    # each have a job 1.
    database = Path(str(connection.settings_dict["NAME"])).stem
    return Path(settings.JOB_PROGRESS_DIR) / f"{database}-{job.pk}.progress"


class _RowSink:
    def __init__(self) -> None:
        self.side: Any = None

    def write(self, job: Job, done: int, total: int) -> None:
        if self.side is None:
            self.side = connections.create_connection(DEFAULT_DB_ALIAS)
        table = self.side.ops.quote_name(Job._meta.db_table)
        with self.side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET done = %s, total = %s WHERE id = %s",  # noqa: S608 — our table
                [done, total, job.pk],
            )

    def close(self) -> None:
        if self.side is not None:
            self.side.close()


class _FileSink:
    def write(self, job: Job, done: int, total: int) -> None:
        path = _file(job)
        path.parent.mkdir(parents=True, exist_ok=True)
        fresh = path.with_suffix(f".{os.getpid()}.new")
        fresh.write_text(f"{done} {total}", encoding="ascii")
        os.replace(fresh, path)  # whole or not at all: the page never reads half a line

    def close(self) -> None:
        pass


class Progress:
    """``progress(done, total)``: call it as often as you like; it writes at most every
    ``INTERVAL`` seconds, and always when ``done`` reaches ``total``."""

    def __init__(self, job: Job, interval: float | None = None) -> None:
        self.job = job
        self.interval = INTERVAL if interval is None else interval
        self._last = float("-inf")
        self._sink = _RowSink() if connection.vendor == "postgresql" else _FileSink()

    def __call__(self, done: int, total: int) -> None:
        self.job.done, self.job.total = done, total
        now = time.monotonic()
        if now - self._last < self.interval and done < total:
            return
        self._last = now
        self._sink.write(self.job, done, total)

    def close(self) -> None:
        self._sink.close()


def progress_of(job: Job) -> tuple[int, int]:
    """(done, total) of a job as the page shows it."""
    if job.status == Job.Status.RUNNING:
        try:
            done, total = _file(job).read_text(encoding="ascii").split()
            return int(done), int(total)
        except (OSError, ValueError):
            pass  # not written yet, or PostgreSQL: the row has it
    return job.done, job.total


def progress_forget(job: Job) -> None:
    _file(job).unlink(missing_ok=True)

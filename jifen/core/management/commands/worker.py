"""``jifen worker [--once] [--max-jobs N]``: take queued jobs (jifen.core.jobs) and run them.

Runs beside gunicorn under systemd (docs/deployment.md). Several workers may run on PostgreSQL;
on SQLite run one (the database has a single writer anyway). On SIGTERM (systemctl stop) the
job in hand is finished first; one killed outright leaves its job failed, and nothing of it
written, when the next worker on the host starts.
"""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

from jifen.core.jobs import job_claim, job_run, jobs_orphaned_fail, worker_name


class Command(BaseCommand):
    help = (
        "运行后台任务（大文件导入等）：不断领取排队的任务并执行。"
        " Run queued jobs (large imports) as they come."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--once", action="store_true", help="队列空了就退出 (exit when the queue is empty)"
        )
        parser.add_argument(
            "--max-jobs", type=int, default=0, metavar="N", help="执行 N 个任务后退出 (then exit)"
        )
        parser.add_argument(
            "--poll", type=float, default=1.0, metavar="SECONDS", help="队列空时的检查间隔"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stopping = False
        if not options["once"]:
            signal.signal(signal.SIGTERM, self._stop)
            signal.signal(signal.SIGINT, self._stop)
        name = worker_name()
        orphans = jobs_orphaned_fail(name)
        if orphans:
            self.stderr.write(f"{orphans} 个中断的任务已标记为失败 (interrupted jobs failed)")
        ran = 0
        while not self.stopping and not (options["max_jobs"] and ran >= options["max_jobs"]):
            if not connection.in_atomic_block:  # (a test's transaction: leave it open)
                # A worker lives for days: drop a connection the database closed meanwhile.
                close_old_connections()
            job = job_claim(name)
            if job is None:
                if options["once"]:
                    break
                time.sleep(options["poll"])
                continue
            job_run(job)
            ran += 1
            if options["verbosity"]:
                status = job.get_status_display()
                self.stdout.write(f"任务 #{job.pk} {job.kind}：{status} {job.message}")

    def _stop(self, *_: Any) -> None:
        self.stopping = True

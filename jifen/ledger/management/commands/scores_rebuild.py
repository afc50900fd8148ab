"""``jifen scores rebuild [--org CODE] [--year Y]``: recompute the stored results
(docs/deployment.md, "存储的积分")."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jifen.core import clock
from jifen.ledger.derived import DERIVED
from jifen.ledger.management.commands.scores_verify import scope_options
from jifen.ledger.stored_check import default_jobs, scores_rebuild
from jifen.orgs.models import Organization


class Command(BaseCommand):
    help = (
        "由台账重新计算并存储各党员的年度积分（按组织逐个进行，可多个进程同时计算，"
        "进度显示在标准错误输出）。"
        " Recompute the stored results from the ledger, organization by organization,"
        " in several processes."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--org", help="只重算这个组织代码及其下级 (one organization's subtree)")
        parser.add_argument("--year", help="年度，默认今年 (year, this year by default)")
        parser.add_argument(
            "--jobs",
            help="同时计算的进程数，默认为本机可用的处理器核数"
            " (worker processes, by default the number of cores)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        roots, year = scope_options(options)
        raw = options.get("jobs") or str(default_jobs())
        if not (raw.isdigit() and 1 <= int(raw) <= 256):
            raise CommandError(f"--jobs 应是 1 到 256 之间的整数，而不是 {raw}", returncode=2)
        jobs = int(raw)
        today = clock.today()

        def progress(number: int, count: int, unit: Organization, scored: int, took: float) -> None:
            width = 30
            filled = width * number // count
            bar = "█" * filled + "·" * (width - filled)
            # On a terminal the bar redraws one line; in a log, one line per organization.
            live = self.stderr.isatty()
            start = "\r" if live else ""
            self.stderr.write(
                f"{start}[{bar}] {number}/{count} {unit.name}：{scored} 人，{took:.1f} 秒",
                ending="\n" if number == count or not live else "",
            )
            self.stderr.flush()

        total = sum(scores_rebuild(root, year, today, progress, jobs=jobs) for root in roots)
        self.stdout.write(self.style.SUCCESS(f"已重新计算 {year} 年 {total} 名党员的积分。"))
        for derived in DERIVED:  # what the committee pages read, filled from the results
            rows = sum(derived.warm(root, year, today) for root in roots)
            self.stdout.write(self.style.SUCCESS(f"已更新 {rows} 个{derived.name}。"))

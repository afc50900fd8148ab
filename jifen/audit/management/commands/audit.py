from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jifen.audit.repeats import repeats_flush, window


class Command(BaseCommand):
    help = (
        "审计日志：flush 把已结束的时间窗内合并计数的拒绝访问和登录失败写成汇总记录"
        "（由定时任务每几分钟运行一次）。"
        " The audit log: `flush` writes the summary of every repeat window that is over"
        " (run it from a timer every few minutes)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("what", nargs="?", help="flush")
        parser.add_argument(
            "--all",
            action="store_true",
            help="连尚未结束的时间窗也一并写出（停机或备份前） (close open windows too)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["what"] != "flush":
            raise CommandError("用法：jifen audit flush [--all]", returncode=2)
        summaries, repeats = repeats_flush(everything=options["all"])
        minutes = int(window().total_seconds() // 60)
        self.stdout.write(
            f"已写出 {summaries} 条汇总记录，合计 {repeats:,} 次重复（时间窗 {minutes} 分钟）。"
        )

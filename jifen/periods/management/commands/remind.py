"""``jifen remind [--date YYYY-MM-DD]``: send the reminders due today (jifen/periods/reminders.py),
then wait for their e-mails and robot messages to go out and try again those that failed
before. For cron or a systemd timer, once a day (docs/deployment.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jifen.audit.context import audit_context
from jifen.core import clock
from jifen.inbox.channels import deliveries_retry, deliveries_wait
from jifen.periods.reminders import reminders_send


class Command(BaseCommand):
    help = "发送到期提醒（季度签名、公示截止、申报待审、明天的活动），每人每项只提醒一次"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="按这一天计算（YYYY-MM-DD），默认今天")

    def handle(self, *args: Any, **options: Any) -> None:
        today = clock.today()
        if options["date"]:
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(
                    f"日期 {options['date']} 无法识别，请写成 2026-12-07", returncode=2
                ) from None
        with audit_context(path="jifen remind"):
            # Earlier failures first, so this run's new ones are not tried twice at once.
            retried, tried = deliveries_retry()
            result = reminders_send(today=today)
            deliveries_wait()
        said = f"{today.isoformat()}：提醒 {result.notifications} 人次，"
        said += f"群消息 {result.announcements} 条"
        if tried:
            said += f"；重发之前失败的 {tried} 条，成功 {retried} 条"
        self.stdout.write(said)

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jifen.core import clock
from jifen.ledger.integrity import integrity_check
from jifen.ledger.models import Entry
from jifen.orgs.models import Organization


class Command(BaseCommand):
    help = (
        "核对积分台账：重算哈希链、核对链头签名、与每个锚点比对、检查只追加的触发器，"
        "逐条指出问题。"
        " Recompute the ledger's hash chains, check the heads' signatures, compare with every"
        " anchor and check the append-only triggers; name each problem."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--org", help="只重算这个组织代码的台账 (one organization's chain)")

    def handle(self, *args: Any, **options: Any) -> None:
        organizations = None
        if options["org"]:
            found = Organization.objects.filter(code=options["org"]).first()
            if found is None:
                raise CommandError(f"没有组织代码为 {options['org']} 的组织", returncode=2)
            organizations = [found]
        result = integrity_check(organizations)
        if result.problems:
            for problem in result.problems:
                self.stderr.write(problem)
            raise CommandError(f"台账校验失败：发现 {len(result.problems)} 个问题", returncode=1)
        count = Entry.objects.count()
        self.stdout.write(
            self.style.SUCCESS(f"台账完整：{count} 条记录，哈希链全部吻合，链头签名有效。")
        )
        if result.latest is None:
            self.stdout.write(
                "还没有锚点：请运行 jifen anchor，并按 docs/deployment.md 设置每日定时。"
            )
        else:
            self.stdout.write(
                f"与全部锚点一致；最新的锚点 {result.latest.name}"
                f"（摘要 {result.latest.digest[:16]}）。"
            )
            age = clock.now() - dt.datetime.fromisoformat(result.latest.at)
            if age > dt.timedelta(days=2):
                # Not a failure, but the window a rollback can hide in is as long as this.
                self.stdout.write(
                    f"注意：最新的锚点是 {age.days} 天前写的，"
                    "每日的 jifen anchor 定时任务可能没有运行。"
                )

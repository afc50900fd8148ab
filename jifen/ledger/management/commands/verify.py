from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jifen.ledger.models import Entry
from jifen.ledger.verify import ledger_verify
from jifen.orgs.models import Organization


class Command(BaseCommand):
    help = (
        "重新计算积分台账的哈希链，指出第一条被改动、删除或插入的记录。"
        " Recompute the ledger's hash chains and name the first entry altered, removed or inserted."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--org", help="只检查这个组织代码的台账 (one organization's chain)")

    def handle(self, *args: Any, **options: Any) -> None:
        organizations = None
        if options["org"]:
            found = Organization.objects.filter(code=options["org"]).first()
            if found is None:
                raise CommandError(f"没有组织代码为 {options['org']} 的组织", returncode=2)
            organizations = [found]
        breaks = ledger_verify(organizations)
        if breaks:
            for problem in breaks:
                self.stderr.write(str(problem))
            raise CommandError(f"台账校验失败：{len(breaks)} 条链有问题", returncode=1)
        count = Entry.objects.count()
        self.stdout.write(self.style.SUCCESS(f"台账完整：{count} 条记录，哈希链全部吻合。"))

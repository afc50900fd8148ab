from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jifen.orgs.models import Organization
from jifen.ratings.rollover import year_rollover


class Command(BaseCommand):
    help = (
        "年度转换：各组织沿用上一年采用的积分办法进入新年度；历年积分和记录都不删除。"
        " Year rollover: every organization carries its adoption of YEAR forward to YEAR + 1."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("year", type=int, help="结束的年度 (the year that ends), e.g. 2025")
        parser.add_argument("--org", help="只转换这个组织代码及其下级 (one organization's subtree)")

    def handle(self, *args: Any, **options: Any) -> None:
        scope = None
        if options["org"]:
            scope = Organization.objects.filter(code=options["org"]).first()
            if scope is None:
                raise CommandError(f"没有组织代码为 {options['org']} 的组织", returncode=2)
        done = year_rollover(year=options["year"], actor=None, scope=scope)
        for adoption in done.adopted:
            self.stdout.write(
                f"{adoption.organization.name}：{done.year} 年采用 "
                f"{adoption.rulebook_id} 第 {adoption.rulebook_version} 版"
            )
        for adoption in done.already:
            self.stdout.write(f"{adoption.organization.name}：{done.year} 年已采用，未改变")
        self.stdout.write(
            self.style.SUCCESS(
                f"{done.year} 年：{len(done.adopted)} 个组织沿用上年积分办法，"
                f"{len(done.already)} 个已有新年度的办法。"
            )
        )

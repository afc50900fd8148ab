import time
from typing import Any

from django.core.management.base import BaseCommand

from jifen.accounts.demo import DEMO_PASSWORD
from jifen.demo.assessments import assessments_load
from jifen.demo.college import college_load, reference_day
from jifen.demo.periods import periods_load
from jifen.demo.ratings import ratings_load
from jifen.demo.year import year_load


class Command(BaseCommand):
    help = (
        "载入演示数据：某某职业学院党委、3 个党总支、12 个党支部、300 人和每个角色的演示账号"
        "（可重复运行，第二次不做任何改动）。"
        " Load the demo college and one account per role; safe to run again."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--url", default="http://127.0.0.1:8000/", help="where the demo server will listen"
        )
        parser.add_argument(
            "--year",
            type=int,
            default=None,
            help="演示年度（默认今年）the year the demo's events fall in (default: this year)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        summary = college_load(options["year"])
        months = year_load(reference_day(options["year"]))
        assessments_load(reference_day(options["year"]).year)
        closed = periods_load(reference_day(options["year"]))
        ratings_load(reference_day(options["year"]).year - 1)
        seconds = time.perf_counter() - started
        out = self.stdout
        if summary.created:
            out.write(self.style.SUCCESS(f"演示数据已载入（{seconds:.1f} 秒）。Demo data loaded."))
        else:
            out.write(
                self.style.SUCCESS(
                    "演示数据已存在，未作改动。Demo data already present, unchanged."
                )
            )
        kinds = "，".join(f"{kind} {n}" for kind, n in summary.organizations.items())
        people = "，".join(f"{category} {n}" for category, n in summary.people.items())
        out.write(f"  {summary.committee}：{kinds}")
        out.write(f"  人员 {summary.people_total}：{people}")
        for line in summary.transfers:
            out.write(f"  转接 {line}")
        for line in summary.leaves:
            out.write(f"  离开 {line}")
        for line in summary.exemptions:
            out.write(f"  不列入管理 {line}")
        if months:
            out.write(
                "  积分：党委采用 seed003（信息工程学院党总支沿用），"
                "机电工程学院党总支采用 seed001，"
                "经济管理学院党总支采用自己的细则（继承 seed001）；"
                f"已记录 {months} 个月的活动签到、学习强国数据和加分"
            )
        for line in closed:
            out.write(f"  季度考评 {line}")
        out.write(f"\n打开 Open: {options['url']}\n")
        out.write(f"演示账号（密码均为 {DEMO_PASSWORD}）Demo accounts (password {DEMO_PASSWORD}):")
        for account, where in summary.accounts:
            out.write(
                f"  {account.username:<10} {account.name:<4}  {account.role.label}（{where}）"
            )

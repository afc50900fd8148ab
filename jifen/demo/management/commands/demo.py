import re
import time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from jifen.accounts.demo import DEMO_OPERATOR_NAME, DEMO_OPERATOR_USERNAME, DEMO_PASSWORD
from jifen.demo.assessments import assessments_load
from jifen.demo.college import college_load, reference_day
from jifen.demo.periods import periods_load
from jifen.demo.ratings import ratings_load
from jifen.demo.scale import ScaleSummary, scale_load
from jifen.demo.work import work_load
from jifen.demo.year import year_load
from jifen.orgs.models import Organization

MAX_MEMBERS = 1_000_000
# The demo's data is ordinary data: to start again from the demo as first loaded, the database
# goes (the append-only ledger refuses deletes, so nothing less would do).
RESET_HINT = (
    "重置演示数据：停止服务后运行 make demo-reset（删除 SQLite 数据库 var/jifen.sqlite3），"
    "再运行 make demo；使用 PostgreSQL 时删除并重建数据库（dropdb、createdb）后再运行 make demo。"
    "\nReset the demo: stop the server, `make demo-reset`, then `make demo` again."
)
_CODE = re.compile(r"^[A-Z][A-Z0-9]{1,15}$")


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
        parser.add_argument(
            "--members",
            type=int,
            default=None,
            help="另建一个这么多党员的市直机关党委（约 200 人一个党支部），试一试自己的规模"
            " build a committee of N members instead of the college, to try Jifen at scale",
        )
        parser.add_argument(
            "--code",
            default="SCALE",
            help="--members 所建党委的组织代码（默认 SCALE）the committee's code",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["members"] is not None:
            self._scale(options)
            return
        started = time.perf_counter()
        summary = college_load(options["year"])
        months = year_load(reference_day(options["year"]))
        assessments_load(reference_day(options["year"]).year)
        closed = periods_load(reference_day(options["year"]))
        ratings_load(reference_day(options["year"]).year - 1)
        waiting = work_load(reference_day(options["year"]))
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
        for line in waiting:
            out.write(f"  待办 {line}")
        out.write(f"\n打开 Open: {options['url']}\n")
        out.write(f"演示账号（密码均为 {DEMO_PASSWORD}）Demo accounts (password {DEMO_PASSWORD}):")
        for account, where in summary.accounts:
            out.write(
                f"  {account.username:<10} {account.name:<4}  {account.role.label}（{where}）"
            )
        out.write(
            f"  {DEMO_OPERATOR_USERNAME:<10} {DEMO_OPERATOR_NAME:<4}  "
            "平台运维后台 /admin/（不担任组织角色）"
        )
        out.write(
            "\n每个账号登录后首页列出等他处理的事。Each account's home lists its work.\n"
            f"{RESET_HINT}"
        )

    def _scale(self, options: dict[str, Any]) -> None:
        members, code = options["members"], options["code"].strip().upper()
        if not 1 <= members <= MAX_MEMBERS:
            raise CommandError(
                f"--members 应是 1 到 {MAX_MEMBERS} 之间的整数，而不是 {members}", returncode=2
            )
        if not _CODE.match(code):
            raise CommandError(
                f"组织代码 {code} 不对：应以字母开头，由 2 到 16 个大写字母或数字组成", returncode=2
            )
        # The tree's codes are the committee's followed by digits; codes are unique whatever
        # their case (orgs.services.organization_problems).
        taken = Organization.objects.filter(code__istartswith=code).values_list("code", flat=True)
        if any(t.upper() == code or t[len(code) :].isdigit() for t in taken):
            raise CommandError(
                f"组织代码 {code} 已被使用（或已有以它开头的下级组织代码），未作任何改动；"
                "请用 --code 换一个代码",
                returncode=2,
            )
        as_of = reference_day(options["year"])
        out = self.stdout
        out.write(f"正在建立 {members} 名党员的演示党委 {code}（{as_of.year} 年，截至 {as_of}）……")
        started = time.perf_counter()

        def progress(done: int, total: int) -> None:
            if done == total or done % max(1, total // 10) == 0:
                out.write(f"  党支部 {done}/{total}")

        try:
            summary = scale_load(code=code, members=members, as_of=as_of, progress=progress)
        except ValidationError as error:  # e.g. a code taken meanwhile; nothing was written
            raise CommandError("；".join(error.messages), returncode=2) from error
        self._scale_report(summary, time.perf_counter() - started, options["url"])

    def _scale_report(self, summary: ScaleSummary, seconds: float, url: str) -> None:
        out = self.stdout
        out.write(self.style.SUCCESS(f"演示党委已建立（{seconds:.1f} 秒）。Scale demo built."))
        kinds = summary.organizations
        out.write(
            f"  {summary.name}（{summary.code}）：党总支 {kinds.get('general_branch', 0)}，"
            f"党支部 {kinds.get('branch', 0)}，党员 {summary.people}"
        )
        out.write(
            f"  采用 seed003；已记录活动 {summary.activities} 次、积分事实 {summary.facts} 条"
        )
        stages = "，".join(f"{stage} {s:.1f} 秒" for stage, s in summary.seconds.items())
        out.write(f"  用时：{stages}")
        out.write(f"\n打开 Open: {url}")
        out.write(
            f"党委管理员账号 Committee admin：{summary.username}  密码 password：{summary.password}"
        )

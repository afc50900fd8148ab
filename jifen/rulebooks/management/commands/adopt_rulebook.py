from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from jifen.orgs.models import Organization
from jifen.rulebooks.services import adoption_set


class Command(BaseCommand):
    help = (
        "为组织（及其下级组织）采用某一年度的积分办法：内置办法编号或 YAML 文件。"
        "再次采用即更换（须 --reason），该年度已有季度签名的不能更换。"
        " Adopt a rulebook (a built-in id, or a YAML file) for an organization and a year."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("org", metavar="ORG_CODE", help="组织代码 (organization code)")
        parser.add_argument("year", metavar="YEAR", help="年度 (year), e.g. 2026")
        parser.add_argument(
            "rulebook", metavar="RULEBOOK", help="内置办法编号或 YAML 文件 (built-in id or file)"
        )
        parser.add_argument(
            "--user",
            help=(
                "以该用户的身份采用，按其角色检查权限并记入审计日志；不写则是部署者在命令行上操作，"
                "不受“允许自定积分办法”的限制 (act as this user, checked by their roles; "
                "without it, the deployer at the command line)"
            ),
        )
        parser.add_argument(
            "--reason",
            default="",
            help="更换理由：该年度已采用过积分办法时必填 (why, when replacing the year's rulebook)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["year"]
        if not (year.isdigit() and 2000 <= int(year) <= 2100):
            raise CommandError(f"年度 {year} 不对，应是 2000 到 2100 之间的四位数字", returncode=2)
        organization = Organization.objects.filter(code=options["org"]).first()
        if organization is None:
            raise CommandError(f"没有组织代码为 {options['org']} 的组织", returncode=2)
        actor = None
        if options["user"] is not None:
            actor = User.objects.filter(username=options["user"]).first()
        if options["user"] is not None and actor is None:
            raise CommandError(f"没有用户名为 {options['user']} 的用户", returncode=2)
        rulebook, yaml_text = options["rulebook"], None
        if rulebook.endswith((".yaml", ".yml")):
            try:
                yaml_text = Path(rulebook).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                raise CommandError(f"无法读取 {rulebook}：{error}", returncode=2) from error
        try:
            adoption = adoption_set(
                organization=organization,
                year=int(year),
                rulebook=rulebook,
                yaml_text=yaml_text,
                actor=actor,
                reason=options["reason"],
            )
        except ValidationError as error:
            raise CommandError("；".join(error.messages), returncode=2) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"{organization.name} {adoption.year} 年已采用 "
                f"{adoption.rulebook_id} 第 {adoption.rulebook_version} 版"
            )
        )

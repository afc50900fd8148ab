"""``jifen roster_import FILE --org CODE --user USERNAME [--apply]``: the web import from a shell,
for files too long to wait on in a browser: up to COMMAND_MAX_ROWS rows where the page takes
MAX_ROWS. Same checks, same preview, same services: the user named must be allowed to manage
people in the organization, as on the page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from jifen.audit.context import audit_context
from jifen.orgs import access
from jifen.orgs.access import Action
from jifen.orgs.models import Organization
from jifen.roster import services
from jifen.roster.columns import COMMAND_MAX_ROWS, MAX_UPLOAD_BYTES
from jifen.roster.models import RosterImport
from jifen.roster.reading import RosterFileError, table_read


class Command(BaseCommand):
    help = (
        "导入党员花名册（xlsx 或 CSV）：先检查并显示预览，加 --apply 才写入。"
        " Import a roster: check and preview; --apply writes it."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path, help="花名册文件 the roster file (.xlsx or .csv)")
        parser.add_argument("--org", required=True, help="导入到的组织代码 organization code")
        parser.add_argument("--user", required=True, help="以哪个账号导入 (its roles decide)")
        parser.add_argument("--apply", action="store_true", help="检查通过后写入 apply it")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"]).first()
        organization = Organization.objects.filter(code=options["org"]).first()
        if user is None or organization is None:
            raise CommandError("账号或组织代码不存在", returncode=2)
        # The events it records say which command acted for the user, as a page's say its path.
        with audit_context(user=user, path=f"jifen roster_import {options['file']}"):
            self._import(user, organization, options)

    def _import(self, user: User, organization: Organization, options: dict[str, Any]) -> None:
        try:
            organization = access.org_for(user, organization.pk, Action.MANAGE_PEOPLE)
        except Http404:
            raise CommandError(
                f"{user.get_username()} 不能在 {organization.code} 导入花名册", returncode=2
            ) from None
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"找不到文件 {path}", returncode=2)
        if path.stat().st_size > MAX_UPLOAD_BYTES:
            raise CommandError("文件超过 5 MB，请分成几个文件", returncode=2)
        try:
            table = table_read(path.read_bytes(), path.name, max_rows=COMMAND_MAX_ROWS)
        except RosterFileError as error:
            raise CommandError(str(error), returncode=1) from None

        roster_import = services.roster_import_create(
            organization=organization, table=table, filename=path.name, actor=user
        )
        for problem in roster_import.errors:
            self.stdout.write(
                f"第 {problem['row']} 行 · {problem['column']} · {problem['problem']}"
            )
        if roster_import.status == RosterImport.Status.INVALID:
            raise CommandError(
                f"{len(roster_import.errors)} 处错误，没有写入任何数据", returncode=1
            )
        counts = roster_import.plan["counts"]
        summary = (
            f"新增 {counts['new']} 人，更新 {counts['update']} 人，"
            f"转接 {counts['transfer']} 人，{counts['unchanged']} 人没有变化"
        )
        if not options["apply"]:
            self.stdout.write(f"预览（未写入）：{summary}。加 --apply 写入。")
            return
        outcome = services.roster_import_apply(roster_import=roster_import, actor=user)
        if outcome.kind != "applied":
            raise CommandError("检查之后数据有变化，没有写入，请重新运行", returncode=1)
        self.stdout.write(self.style.SUCCESS(f"导入完成：{summary}"))

"""``jifen orgs import FILE --under CODE --user USER [--apply]``: the browser's tree import from
the command line. Without --apply it only prints what would be created and the problems."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from jifen.audit.context import audit_context
from jifen.orgs import access
from jifen.orgs.access import Action
from jifen.orgs.models import Organization, OrganizationKind
from jifen.roster.checks import RowError
from jifen.roster.tree_checks import TreeEntry
from jifen.roster.tree_reading import TreeFileError, TreeTable, tree_table_read
from jifen.roster.tree_services import TreeInvalidError, tree_evaluate, tree_import_now


def _problems(errors: list[RowError]) -> str:
    lines = [_("文件有 %(n)s 处错误，没有写入任何数据：") % {"n": len(errors)}]
    lines += [_("第 %(row)s 行 %(column)s：%(problem)s") % error for error in errors]
    return "\n".join(lines)


class Command(BaseCommand):
    help = (
        "从表格导入组织树（xlsx 或 CSV）；不加 --apply 只预览。"
        " Import an organization tree from a spreadsheet; without --apply, preview only."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", metavar="FILE", help="xlsx 或 CSV 文件 (the spreadsheet)")
        parser.add_argument(
            "--under", required=True, metavar="CODE", help="导入到的组织代码 (import into)"
        )
        parser.add_argument("--user", required=True, help="操作人用户名，记入审计日志 (actor)")
        parser.add_argument(
            "--apply", action="store_true", help="确认写入（全部或全不）(apply, all or nothing)"
        )

    def _inputs(self, options: dict[str, Any]) -> tuple[TreeTable, Organization, User]:
        # The file first: a bad file is refused before any database is opened.
        path = Path(options["file"])
        try:
            table = tree_table_read(path.read_bytes())
        except OSError as error:
            raise CommandError(
                _("无法读取 %(file)s：%(error)s") % {"file": path, "error": error.strerror},
                returncode=2,
            ) from None
        except TreeFileError as error:
            raise CommandError(f"{path.name}：{error}", returncode=2) from None
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(
                _("没有用户名为 %(u)s 的用户") % {"u": options["user"]}, returncode=2
            )
        root = Organization.objects.filter(code=options["under"]).first()
        if root is None or not access.can(user, Action.MANAGE_ORGS, root):
            # Unknown and out of reach read alike, as in the browser.
            raise CommandError(
                _("用户 %(u)s 不能在组织 %(code)s 下新建组织（组织不存在或不在其管理范围内）")
                % {"u": user.username, "code": options["under"]},
                returncode=2,
            )
        return table, root, user

    def _print_plan(self, entries: list[TreeEntry], root: Organization) -> None:
        kinds = dict(OrganizationKind.objects.values_list("code", "name"))
        for entry in entries:
            self.stdout.write(
                _("第 %(row)s 行  %(code)s  %(name)s  %(kind)s  上级 %(parent)s  成立 %(day)s")
                % {
                    "row": entry["row"],
                    "code": entry["code"],
                    "name": entry["name"],
                    "kind": kinds.get(entry["kind"], entry["kind"]),
                    "parent": entry["parent"],
                    "day": entry["active_from"],
                }
            )

    def handle(self, *args: Any, **options: Any) -> None:
        # Messages in the installation's language, whatever a caller in the same process (a
        # test, a script) last activated.
        with translation.override(settings.LANGUAGE_CODE):
            self._run(options)

    def _run(self, options: dict[str, Any]) -> None:
        table, root, user = self._inputs(options)
        filename = Path(options["file"]).name
        with audit_context(user=user, path="jifen orgs import"):
            if not options["apply"]:
                errors, entries = tree_evaluate(table=table, root=root, user=user)
                if errors:
                    raise CommandError(_problems(errors), returncode=2)
                self._print_plan(entries, root)
                self.stdout.write(
                    _("预览：将在 %(root)s 下新建 %(n)s 个组织。加 --apply 确认写入。")
                    % {"root": root.name, "n": len(entries)}
                )
                return
            try:
                entries = tree_import_now(
                    organization=root, table=table, filename=filename, actor=user
                )
            except TreeInvalidError as invalid:
                raise CommandError(_problems(invalid.errors), returncode=2) from None
        self._print_plan(entries, root)
        self.stdout.write(
            self.style.SUCCESS(
                _("已在 %(root)s 下新建 %(n)s 个组织。") % {"root": root.name, "n": len(entries)}
            )
        )

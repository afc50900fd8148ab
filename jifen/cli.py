"""The ``jifen`` command.

``jifen simulate`` and ``jifen rulebook`` score spreadsheets with the pure engine and never
load Django, so they start fast and need no database. Everything else is a Django management
command (``jifen migrate``, ``jifen createsuperuser``, ``jifen check``, ``jifen demo`` …).
"""

from __future__ import annotations

import os
import sys

USAGE_EXTRA = """
Jifen 积分量化管理系统

  jifen simulate RULEBOOK FACTS [--roster ROSTER] [--year YYYY] [--format json|table|xlsx]
  jifen rulebook check FILE | show ID
  jifen rulebook compare A B FACTS [--roster ROSTER] [--year YYYY] [--format json|table|xlsx]
                        两份规则下的得分对比 (score the same facts under two rulebooks)
  jifen rulebook adopt ORG_CODE YEAR RULEBOOK [--user USER]
                        为组织采用积分办法 (adopt a rulebook; the same as `jifen adopt_rulebook`)
  jifen facts export ORG_CODE YEAR --output FILE.csv [--roster ROSTER.csv]
                        导出组织一年的有效积分事实和名册，供 jifen simulate 试算
                        (export the effective facts and roster; the same as `jifen export_facts`)
  jifen scores rebuild [--org CODE] [--year YYYY] [--jobs N]
                        由台账重新计算并存储年度积分，N 个进程同时计算，默认为处理器核数
                        (recompute the stored results in N processes, by default one a core;
                        the same as `jifen scores_rebuild`)
  jifen scores verify [--org CODE] [--year YYYY]
                        存储的积分与台账重新计算比对 (compare them with a recompute;
                        the same as `jifen scores_verify`)
  jifen orgs import FILE --under CODE --user USER [--apply]
                        从表格导入组织树，不加 --apply 只预览
                        (import an organization tree; the same as `jifen import_orgs`)
  jifen token create USERNAME [--read-only] [--name N] [--expires YYYY-MM-DD]
                        为账号创建接口令牌，只显示一次 (a personal API token, printed once)
  jifen verify [--org CODE]
                        核对台账：哈希链、链头签名、锚点、只追加的触发器
                        (check the chains, head signatures, anchors and append-only triggers)
  jifen anchor [keygen]
                        写一个锚点（每日定时）；keygen 生成锚点密钥并打印公钥
                        (write an anchor, daily; keygen makes the key and prints the public key)
  jifen worker [--once] [--max-jobs N]
                        运行后台任务（大文件导入），与 gunicorn 一起常驻
                        (run queued jobs such as large imports; beside gunicorn)
  jifen backup FILE.tar.gz
                        备份数据库、上传文件和锚点密钥到一个文件 (back up database, files, keys)
  jifen restore FILE.tar.gz [--force]
                        核对并恢复备份，检查触发器、文件和台账
                        (check and restore a backup, then check triggers, files and the ledger)
  jifen db grants --role ROLE [--apply]
                        PostgreSQL 应用角色的最小权限授权，由所有者在 migrate 后运行
                        (least privilege for the application's role; run by the owner)
  jifen remind [--date YYYY-MM-DD]
                        发送到期提醒，每人每项一次，每天由定时器运行
                        (send the reminders due, each to each person once; run daily)
  jifen demo            载入演示数据 (load the demo data)
  jifen demo --members N [--code CODE]
                        另建一个 N 名党员的演示党委，试试自己的规模 (a committee of N members)
  jifen runserver       开发服务器 (development server)
  jifen help            所有命令 (every command)
"""


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    # Imported here, not at the top: each command loads only what it needs, so `jifen simulate`
    # and `jifen rulebook` start without Django, and Django's commands without the simulator.
    if args and args[0] == "simulate":
        from jifen.simulation.cli import simulate_main  # noqa: PLC0415

        return int(simulate_main(args[1:]))
    if args[:2] == ["rulebook", "adopt"]:
        # Adopting writes to the database: the Django management command, not the engine.
        args = ["adopt_rulebook", *args[2:]]
    elif args[:2] == ["orgs", "import"]:
        # Creating organizations writes to the database: a Django management command.
        args = ["import_orgs", *args[2:]]
    elif args[:2] == ["facts", "export"]:
        # Exporting reads the ledger: the Django management command, like adopting.
        args = ["export_facts", *args[2:]]
    elif args[:2] in (["scores", "rebuild"], ["scores", "verify"]):
        # Stored results are read and written in the database: Django management commands.
        args = [f"scores_{args[1]}", *args[2:]]
    elif args and args[0] == "rulebook":
        from jifen.simulation.cli import rulebook_main  # noqa: PLC0415

        return int(rulebook_main(args[1:]))
    if not args:
        sys.stdout.write(USAGE_EXTRA)
        args = ["help"]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jifen.settings")
    from django.core.management import execute_from_command_line  # noqa: PLC0415 (see above)

    execute_from_command_line(["jifen", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())

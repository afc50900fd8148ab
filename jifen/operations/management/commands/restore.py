import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jifen.operations.archive import ArchiveError, archive_unpack
from jifen.operations.database_copy import PgToolMissingError
from jifen.operations.restore import restore_apply
from jifen.operations.restore_checks import (
    counts_differ,
    files_missing,
    migrations_pending,
    triggers_missing,
    verify_result,
)


class Command(BaseCommand):
    help = (
        "从 jifen backup 的备份恢复：先核对清单，再恢复数据库、上传文件和锚点（只增不覆盖），"
        "最后检查触发器、文件和台账（jifen verify）。"
        " Restore a backup, then check triggers, files and the ledger."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("source", help="jifen backup 写出的备份文件")
        parser.add_argument(
            "--force",
            action="store_true",
            help="目标数据库不是空的也整体替换 (replace a database that is not empty)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with tempfile.TemporaryDirectory(prefix="jifen-restore-") as folder:
            try:
                unpacked = archive_unpack(Path(options["source"]), Path(folder))
                report = restore_apply(unpacked, force=options["force"])
            except ArchiveError as error:
                raise CommandError(f"{error}。未做任何改动。", returncode=2) from error
            except (PgToolMissingError, RuntimeError, sqlite3.Error) as error:
                raise CommandError(f"恢复失败，数据库未改动：{error}", returncode=1) from error
            except OSError as error:  # writing files back, after the database was restored
                raise CommandError(f"恢复中断：{error}", returncode=1) from error
            manifest = unpacked.manifest
        pending = migrations_pending()
        if pending:
            report.notes.append(
                f"备份的数据库比当前代码旧：有 {pending} 个迁移未运行，请以所有者运行 jifen migrate"
            )
        for note in report.notes:
            self.stdout.write(note)
        problems = [*triggers_missing(), *counts_differ(manifest), *files_missing()]
        passed, said = verify_result()
        if not passed:
            problems.append(f"jifen verify 未通过：{said}")
        else:
            self.stdout.write(f"jifen verify：{said}")
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"恢复不完整：{len(problems)} 处问题（见上）", returncode=1)
        self.stdout.write(self.style.SUCCESS("恢复完成，检查全部通过。"))

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jifen.operations.backup import backup_create
from jifen.operations.database_copy import PgToolMissingError


class Command(BaseCommand):
    help = (
        "把数据库、上传文件和锚点密钥备份到一个 tar 文件（带清单和每个文件的 SHA-256）。"
        " Back up the database, the uploaded files and the anchor keys into one tar archive."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("destination", help="备份文件，如 /srv/backup/jifen-2026-12-07.tar.gz")

    def handle(self, *args: Any, **options: Any) -> None:
        destination = Path(options["destination"])
        if destination.is_dir():
            raise CommandError(f"{destination} 是一个目录：请给出备份文件名", returncode=2)
        if not destination.parent.is_dir():
            raise CommandError(f"目录不存在：{destination.parent}", returncode=2)
        try:
            manifest = backup_create(destination)
        except (PgToolMissingError, RuntimeError, OSError) as error:
            raise CommandError(f"备份失败：{error}", returncode=1) from error
        files = manifest["files"]
        media = sum(1 for name in files if name.startswith("media/"))
        anchors = sum(1 for name in files if name.startswith("anchors/"))
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"备份完成：{destination}（{manifest['engine']}，{len(manifest['tables'])} 张表"
                f" {rows} 行，上传文件 {media} 个，锚点文件 {anchors} 个）"
            )
        )

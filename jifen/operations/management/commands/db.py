from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from jifen.audit.services import audit_record
from jifen.operations.grants import grant_statements, role_refusal


class Command(BaseCommand):
    help = (
        "数据库运维。grants：列出（加 --apply 则执行）给应用角色的最小权限授权语句，"
        "由表的所有者在每次 migrate 之后运行。"
        " Database operations. grants: the least-privilege GRANT/REVOKE statements for the"
        " application's role (printed; executed with --apply), run by the owner after migrate."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["grants"], help="grants：应用角色的授权")
        parser.add_argument("--role", required=True, help="应用运行所用的角色，如 jifen_app")
        parser.add_argument("--apply", action="store_true", help="执行授权，而不只是列出")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError(
                "SQLite 没有数据库角色：最小权限只适用于 PostgreSQL 部署", returncode=2
            )
        role = options["role"]
        refusal = role_refusal(connection, role)
        if refusal:
            raise CommandError(refusal, returncode=2)
        statements = grant_statements(connection, role)
        if not options["apply"]:
            self.stdout.write("\n".join(statements))
            return
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
            audit_record(
                action="db.grants",
                target=f"role:{role}",
                summary=f"应用角色 {role} 的数据库权限已按最小权限重新授予",
                detail={"statements": len(statements)},
            )
        self.stdout.write(
            self.style.SUCCESS(f"已授权：{role} 可读写普通表，追加保护的表只能读取和追加。")
        )

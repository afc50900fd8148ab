"""The application's PostgreSQL role: what it may do, as GRANT and REVOKE statements.

The deployment runs two roles (docs/deployment.md, 数据库最小权限): the owner, who owns every
table, runs ``jifen migrate`` and these grants; and the application, which serves the pages and
runs the worker. The application may read and append to the append-only tables (the ledger,
the audit log, signatures …) but not change, delete or truncate a row, and it owns nothing, so it
cannot ALTER a table, drop or disable a trigger: whoever takes over the application's
connection still cannot rewrite the ledger behind the triggers. Other tables it may read and
write as the application needs; ``django_migrations`` it may only read.
"""

from __future__ import annotations

import re

from django.db.backends.base.base import BaseDatabaseWrapper

from jifen.core.appendonly import APPEND_ONLY_TABLES

ROLE = re.compile(r"[a-z_][a-z0-9_]{0,62}")
APPEND_ONLY = "SELECT, INSERT"
ORDINARY = "SELECT, INSERT, UPDATE, DELETE"
READ_ONLY = {"django_migrations": "SELECT"}


def schema_tables(connection: BaseDatabaseWrapper) -> tuple[str, list[str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = cursor.fetchone()[0]
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY 1", [schema])
        return schema, [row[0] for row in cursor.fetchall()]


def role_refusal(connection: BaseDatabaseWrapper, role: str) -> str | None:
    """Why ``role`` cannot be the least-privileged application role, or None."""
    if not ROLE.fullmatch(role):
        return f"角色名 {role} 不合法：只能用小写字母、数字和下划线"
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", [role])
        found = cursor.fetchone()
        if found is None:
            return f"数据库中没有角色 {role}：请先 CREATE ROLE {role} LOGIN PASSWORD '…'"
        if found[0] or found[1]:
            return f"角色 {role} 是超级用户（或可绕过行级安全），任何授权都限制不了它"
        cursor.execute("SELECT current_user")
        if cursor.fetchone()[0] == role:
            return f"{role} 是当前连接的角色：授权要由表的所有者（迁移用的角色）执行"
        cursor.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() "
            "AND (tableowner = %s OR pg_has_role(%s, tableowner, 'USAGE'))",
            [role, role],
        )
        owned = cursor.fetchone()[0]
    if owned:
        return (
            f"角色 {role} 拥有（或继承了所有者的）{owned} 张表："
            "所有者能关闭触发器，不能作为应用角色"
        )
    return None


def grant_statements(connection: BaseDatabaseWrapper, role: str) -> list[str]:
    """Every statement, in order: take back whatever was granted, then give exactly this."""
    quote = connection.ops.quote_name
    schema, tables = schema_tables(connection)
    who, where = quote(role), quote(schema)
    statements = [
        f"GRANT CONNECT ON DATABASE {quote(connection.settings_dict['NAME'])} TO {who};",
        f"GRANT USAGE ON SCHEMA {where} TO {who};",
        f"REVOKE CREATE ON SCHEMA {where} FROM {who};",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {where} FROM {who};",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {where} FROM {who};",
    ]
    for table in tables:
        allowed = APPEND_ONLY if table in APPEND_ONLY_TABLES else READ_ONLY.get(table, ORDINARY)
        statements.append(f"GRANT {allowed} ON {quote(table)} TO {who};")
    # nextval() needs USAGE; setval() would need UPDATE, which the application never calls.
    statements.append(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {where} TO {who};")
    return statements

"""The database's copy in a backup, and its way back, for each engine.

SQLite: the online backup API, a consistent copy while the server keeps writing (WAL).
PostgreSQL: ``pg_dump`` in its custom format, taken in the same snapshot as the row counts of
the manifest; restored by ``pg_restore`` into one ``psql`` transaction, so a failed restore
leaves the database as it was.
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

SQLITE_NAME = "database/jifen.sqlite3"
POSTGRES_NAME = "database/jifen.pgdump"


class PgToolMissingError(Exception):
    """A PostgreSQL client tool is not installed where Jifen looks for it."""


def pg_tool(name: str) -> str:
    """The path of ``pg_dump``, ``pg_restore`` or ``psql``: JIFEN_PG_BIN's folder when set,
    else the newest /usr/lib/postgresql/N/bin (Debian keeps every installed version there, and a
    newer pg_dump reads an older server, never the reverse), else the PATH."""
    folders = [os.environ.get("JIFEN_PG_BIN", "").strip()]
    found = glob.glob("/usr/lib/postgresql/*/bin")
    folders += sorted(
        found,
        key=lambda f: int(Path(f).parent.name) if Path(f).parent.name.isdigit() else 0,
        reverse=True,
    )
    for folder in filter(None, folders):
        candidate = Path(folder) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    on_path = shutil.which(name)
    if on_path is None:
        raise PgToolMissingError(
            f"找不到 PostgreSQL 客户端程序 {name}：请安装 postgresql-client 或设置 JIFEN_PG_BIN"
        )
    return on_path


def pg_environment(settings_dict: dict[str, Any]) -> dict[str, str]:
    """The libpq variables naming the connection's database, so no password is on a command line."""
    env = dict(os.environ)
    pairs = {
        "PGDATABASE": settings_dict.get("NAME"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGSSLMODE": (settings_dict.get("OPTIONS") or {}).get("sslmode"),
    }
    env.update({key: str(value) for key, value in pairs.items() if value})
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise RuntimeError(f"{Path(command[0]).name} 失败：{done.stderr.strip()[-2000:]}")


def user_tables(connection: BaseDatabaseWrapper) -> list[str]:
    """Every table of the database (Django's own included), as the restore compares them."""
    with connection.cursor() as cursor:
        return sorted(connection.introspection.table_names(cursor))


def _counts(cursor: Any, tables: list[str], quote: Any) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 (names from the catalogue)
        counts[table] = int(cursor.fetchone()[0])
    return counts


def sqlite_dump(connection: BaseDatabaseWrapper, target: Path) -> dict[str, int]:
    """Copy the live SQLite database to ``target`` with the online backup API; the copy's row
    counts (read from the copy itself, so they describe exactly what was saved)."""
    source = sqlite3.connect(connection.settings_dict["NAME"])
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        names = [
            row[0]
            for row in copy.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return _counts(copy.cursor(), sorted(names), lambda n: f'"{n}"')
    finally:
        copy.close()
        source.close()


def postgres_dump(connection: BaseDatabaseWrapper, target: Path) -> dict[str, int]:
    """``pg_dump -Fc`` of the database, taken in the snapshot the row counts were read in."""
    raw = connection.get_new_connection(connection.get_connection_params())
    try:
        raw.autocommit = True
        with raw.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            cursor.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
            )
            tables = [row[0] for row in cursor.fetchall()]
            counts = _counts(cursor, tables, connection.ops.quote_name)
            command = [
                pg_tool("pg_dump"),
                "--format=custom",
                f"--snapshot={snapshot}",
                f"--file={target}",
            ]
            _run(command, pg_environment(connection.settings_dict))
            cursor.execute("COMMIT")
    finally:
        raw.close()
    return counts


def database_empty(connection: BaseDatabaseWrapper) -> int:
    """How many tables the target database already has (0: a new, empty database)."""
    return len(user_tables(connection))


def sqlite_restore(connection: BaseDatabaseWrapper, copy: Path) -> None:
    """Replace the SQLite database's whole content with the copy's, in one step of the backup
    API (the target's own transaction: a failure leaves it as it was)."""
    connection.close()
    source = sqlite3.connect(copy)
    target = sqlite3.connect(connection.settings_dict["NAME"], timeout=20)
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode=WAL")
    finally:
        target.close()
        source.close()


def postgres_restore(connection: BaseDatabaseWrapper, dump: Path, *, replace: bool) -> None:
    """Restore the dump in one transaction: with ``replace`` the schema is dropped and made anew
    first, in the same transaction. Objects are owned by the restoring role (the owner role of
    the deployment) and carry no grants: ``jifen db grants --apply`` gives the app role its own."""
    env = pg_environment(connection.settings_dict)
    connection.close()
    with tempfile.TemporaryDirectory(prefix="jifen-restore-") as folder:
        script = Path(folder) / "restore.sql"
        _run(
            [pg_tool("pg_restore"), "--no-owner", "--no-privileges", f"--file={script}", str(dump)],
            env,
        )
        command = [
            pg_tool("psql"),
            "--no-psqlrc",
            "--quiet",
            "--single-transaction",
            "--set=ON_ERROR_STOP=1",
        ]
        if replace:
            command += ["--command=DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;"]
        _run([*command, f"--file={script}"], env)

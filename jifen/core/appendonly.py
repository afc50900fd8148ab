"""Database triggers that make a table append-only, on SQLite and PostgreSQL.

The model refuses updates and deletes too, but a trigger also stops raw SQL, ``QuerySet.update()``
and ``QuerySet.delete()``: the audit log and the ledger must not change behind the application's
back. TRUNCATE is not blocked on PostgreSQL because test teardown uses it and the application
never issues it.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations, models
from django.db.backends.base.base import BaseDatabaseWrapper

MESSAGE = "append-only table: rows cannot be changed or deleted"


def _trigger_names(table: str) -> tuple[str, str]:
    return f"{table}_no_update", f"{table}_no_delete"


def install_sql(vendor: str, table: str) -> list[str]:
    no_update, no_delete = _trigger_names(table)
    if vendor == "sqlite":
        return [
            f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE {event} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table}: {MESSAGE}'); END;"
            for name, event in ((no_update, "UPDATE"), (no_delete, "DELETE"))
        ]
    if vendor == "postgresql":
        function = f"{table}_refuse_change"
        return [
            f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$ BEGIN "
            f"RAISE EXCEPTION '{table}: {MESSAGE}'; END; $$ LANGUAGE plpgsql;",
            f"DROP TRIGGER IF EXISTS {no_update} ON {table};",
            f"CREATE TRIGGER {no_update} BEFORE UPDATE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}();",
            f"DROP TRIGGER IF EXISTS {no_delete} ON {table};",
            f"CREATE TRIGGER {no_delete} BEFORE DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}();",
        ]
    raise NotImplementedError(f"append-only triggers for {vendor} are not written yet")


def remove_sql(vendor: str, table: str) -> list[str]:
    no_update, no_delete = _trigger_names(table)
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {no_update};", f"DROP TRIGGER IF EXISTS {no_delete};"]
    return [
        f"DROP TRIGGER IF EXISTS {no_update} ON {table};",
        f"DROP TRIGGER IF EXISTS {no_delete} ON {table};",
    ]


def missing_triggers(connection: BaseDatabaseWrapper, tables: list[str] | None = None) -> list[str]:
    """The append-only triggers that are absent or (PostgreSQL) disabled, by name: a database
    restored without them, or an owner who dropped or disabled them, accepts silent rewrites,
    so ``jifen verify`` and ``jifen restore`` name each one."""
    wanted = [
        name
        for table in (APPEND_ONLY_TABLES if tables is None else tables)
        for name in _trigger_names(table)
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            # tgenabled 'D' is ALTER TABLE … DISABLE TRIGGER: present but not firing.
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D'"
            )
        present = {row[0] for row in cursor.fetchall()}
    return [name for name in wanted if name not in present]


def install(connection: BaseDatabaseWrapper, table: str) -> None:
    with connection.cursor() as cursor:
        for statement in install_sql(connection.vendor, table):
            cursor.execute(statement)


def remove(connection: BaseDatabaseWrapper, table: str) -> None:
    with connection.cursor() as cursor:
        for statement in remove_sql(connection.vendor, table):
            cursor.execute(statement)


# Every append-only table, so tests can lift the triggers for the teardown flush of
# transactional tests (SQLite flushes with DELETE) and put them back afterwards.
APPEND_ONLY_TABLES: list[str] = []


def register(table: str) -> str:
    if table not in APPEND_ONLY_TABLES:
        APPEND_ONLY_TABLES.append(table)
    return table


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete a row of an append-only table."""


class AppendOnlyModel(models.Model):
    """A row is written once. Subclasses say in ``refusal`` what to do instead."""

    refusal = "记录只能追加，不能修改或删除"

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(self.refusal)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(self.refusal)


def migration_operation(table: str) -> migrations.RunPython:
    """The migration step that installs (and on reverse removes) the triggers for ``table``."""

    def forward(apps: Any, schema_editor: Any) -> None:
        install(schema_editor.connection, table)

    def backward(apps: Any, schema_editor: Any) -> None:
        remove(schema_editor.connection, table)

    return migrations.RunPython(forward, backward)

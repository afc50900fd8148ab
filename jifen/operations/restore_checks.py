"""What a restore may have missed, named one by one: the append-only triggers, the person-head
triggers, rows per table against the manifest, the uploaded files the rows point to (present,
with the SHA-256 recorded at upload), and finally ``jifen verify``'s own verdict."""

from __future__ import annotations

import hashlib
import io
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from jifen.core.appendonly import missing_triggers
from jifen.ledger import touch
from jifen.recording.evidence import evidence_read
from jifen.recording.models import StoredFile


def triggers_missing() -> list[str]:
    problems = [f"缺少追加保护触发器：{name}" for name in missing_triggers(connection)]
    if not touch.installed(connection):
        problems.append("缺少人员版本触发器（ledger_personhead 的 touch 触发器）")
    return problems


def counts_differ(manifest: dict[str, Any]) -> list[str]:
    expected: dict[str, int] = manifest.get("tables", {})
    problems = []
    with connection.cursor() as cursor:
        present = set(connection.introspection.table_names(cursor))
        for table, count in sorted(expected.items()):
            if table not in present:
                problems.append(f"缺少数据表：{table}")
                continue
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            found = int(cursor.fetchone()[0])
            if found != count:
                problems.append(f"数据表 {table}：备份时 {count} 行，恢复后 {found} 行")
    return problems


def stored_file_models() -> list[type[StoredFile]]:
    return [m for m in apps.get_models() if issubclass(m, StoredFile)]


def files_missing() -> list[str]:
    """Every stored file a row points to, read through the storage and hashed as when served."""
    problems = []
    for model in stored_file_models():
        label = model._meta.verbose_name
        for name, original, recorded in model._default_manager.values_list(
            "name", "original_name", "sha256"
        ).order_by("pk"):
            try:
                digest = hashlib.sha256(evidence_read(name)).hexdigest()
            except (FileNotFoundError, ValidationError):
                problems.append(f"{label}文件缺失：{original}（{name}）")
                continue
            if digest != recorded:
                problems.append(f"{label}文件与上传时不一致：{original}（{name}）")
    return problems


def verify_result() -> tuple[bool, str]:
    """``jifen verify``'s verdict and what it said."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify", stdout=out, stderr=err)
    except CommandError as error:
        said = "\n".join(filter(None, [err.getvalue().strip(), str(error)]))
        return False, said
    return True, out.getvalue().strip()


def migrations_pending() -> int:
    """How many of this code's migrations the restored database has not had (a backup older
    than the code): ``jifen migrate`` then runs them."""
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))

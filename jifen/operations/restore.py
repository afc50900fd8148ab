"""``jifen restore``: put a checked backup back, then say what a restore may have missed.

The archive is checked against its manifest before anything changes (``archive_unpack``). The
database is replaced whole — into a new, empty database, or over a used one only when told
(``--force``). Uploaded files come back into their folder. Anchor files are only ever added:
they are the record outside the database an older backup must be detected against, so one
already on this machine is never overwritten or deleted.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection

from jifen.operations.archive import ArchiveError, Unpacked, file_sha256
from jifen.operations.backup import KEY_NAME, anchor_sources, media_folder
from jifen.operations.database_copy import (
    POSTGRES_NAME,
    SQLITE_NAME,
    database_empty,
    postgres_restore,
    sqlite_restore,
)


@dataclass
class Restored:
    notes: list[str] = field(default_factory=list)  # what was done, said to the operator
    problems: list[str] = field(default_factory=list)  # what is missing or wrong: exit 1


def restore_refusal(unpacked: Unpacked, *, force: bool) -> str | None:
    """Why this archive may not go into this database, before anything changes."""
    engine = unpacked.manifest.get("engine")
    if engine != connection.vendor:
        return (
            f"备份来自 {engine} 数据库，当前配置的是 {connection.vendor}，"
            "不能恢复到不同种类的数据库"
        )
    name = SQLITE_NAME if engine == "sqlite" else POSTGRES_NAME
    if name not in unpacked.manifest["files"]:
        return "备份中没有数据库副本，备份不完整"
    tables = database_empty(connection)
    if tables and not force:
        return (
            f"目标数据库不是空的（已有 {tables} 张表）。恢复会用备份整体替换它，"
            "现有数据全部丢失；确认要替换，请加 --force 再运行"
        )
    return None


def database_put_back(unpacked: Unpacked) -> None:
    if connection.vendor == "sqlite":
        sqlite_restore(connection, unpacked.path(SQLITE_NAME))
    else:
        # An empty database keeps its schema: the owner role need not own ``public`` then.
        replace = database_empty(connection) > 0
        postgres_restore(connection, unpacked.path(POSTGRES_NAME), replace=replace)


def media_put_back(unpacked: Unpacked, report: Restored) -> None:
    names = unpacked.names("media/")
    if not names:
        return
    folder = media_folder()
    if folder is None:
        report.notes.append(
            f"上传文件保存在对象存储中，备份里的 {len(names)} 个文件未写回；请用存储自身的备份恢复"
        )
        return
    written = 0
    for name in names:
        target = folder / name.removeprefix("media/")
        expected = unpacked.manifest["files"][name]["sha256"]
        if target.is_file() and file_sha256(target) == expected:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(unpacked.path(name), target)  # the backup's bytes over a changed file
        written += 1
    report.notes.append(f"上传文件：备份中 {len(names)} 个，写回 {written} 个（其余已在且一致）")


def _add_only(source: Path, target: Path, what: str, report: Restored) -> bool:
    """Copy ``source`` to ``target`` unless something is there already; a different file there
    is kept and named: it may be a newer anchor this backup predates."""
    if target.exists():
        if target.is_file() and file_sha256(target) == file_sha256(source):
            return False
        report.notes.append(f"{what} {target} 已存在且与备份中的不同：保留本机现有的，未覆盖")
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    target.chmod(0o600)
    return True


def keys_put_back(unpacked: Unpacked, report: Restored) -> None:
    key, anchors = anchor_sources()
    if KEY_NAME in unpacked.manifest["files"]:
        if key is None:
            report.notes.append("备份中有锚点签名密钥，但本机未设置 JIFEN_ANCHOR_KEY：未写回")
        elif _add_only(unpacked.path(KEY_NAME), key, "锚点签名密钥", report):
            report.notes.append(f"锚点签名密钥已写回 {key}")
    names = unpacked.names("anchors/")
    if names and anchors is None:
        report.notes.append(
            f"备份中有 {len(names)} 个锚点文件，但本机未设置 JIFEN_ANCHOR_DIR：未写回"
        )
        return
    added = sum(
        _add_only(unpacked.path(n), anchors / n.removeprefix("anchors/"), "锚点文件", report)  # type: ignore[operator]
        for n in names
    )
    if names:
        report.notes.append(
            f"锚点文件：备份中 {len(names)} 个，新增 {added} 个（本机已有的一律保留）"
        )


def restore_apply(unpacked: Unpacked, *, force: bool) -> Restored:
    """Restore everything the archive holds; raises ArchiveError before any change when it
    may not be restored here. The checks that follow are ``restore_checks``."""
    refusal = restore_refusal(unpacked, force=force)
    if refusal:
        raise ArchiveError(refusal)
    report = Restored()
    database_put_back(unpacked)
    connection.close()  # the next query sees the restored database
    report.notes.append(f"数据库已从 {unpacked.manifest.get('created_at')} 的备份恢复")
    media_put_back(unpacked, report)
    keys_put_back(unpacked, report)
    return report

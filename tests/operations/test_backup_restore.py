"""The restore drill (issue 16, item 6): back up, damage, restore, `jifen verify` passes — and a
damaged archive or a partial restore is refused or named. Both engines, small data."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from jifen.core import appendonly
from jifen.core.anchor_keys import key_generate
from jifen.core.anchors import anchor_write
from jifen.ledger import touch
from jifen.ledger.models import Entry
from jifen.ledger.services import entry_append
from jifen.recording.models import FactFile
from tests.conftest import person_maker, tree_build

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(settings: object, tmp_path: Path) -> SimpleNamespace:
    """A branch's small ledger with one piece of evidence on disk, and the anchor settings."""
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]
    settings.JIFEN_ANCHOR_KEY = str(tmp_path / "keys" / "anchor.key")  # type: ignore[attr-defined]
    settings.JIFEN_ANCHOR_DIR = str(tmp_path / "anchors")  # type: ignore[attr-defined]
    # A real key and a real anchor: after a restore `jifen verify` checks the chains with them.
    key_generate(tmp_path / "keys" / "anchor.key")
    (tmp_path / "anchors").mkdir()
    tree = tree_build()
    zhang = person_maker(tree.b1)("张三")
    entries = [
        entry_append(
            organization=tree.b1,
            date=dt.date(2026, 3, day),
            item="study",
            value=day,
            origin="manual",
            recorded_by=None,
            person=zhang,
        )
        for day in (1, 2, 3)
    ]
    first_anchor = anchor_write("测试")
    kept = FactFile.store(PDF, "处理决定.pdf", entry=entries[0], organization=tree.b1)
    path = Path(settings.MEDIA_ROOT) / "evidence" / kept.name  # type: ignore[attr-defined]
    assert path.read_bytes() == PDF
    return SimpleNamespace(
        tree=tree,
        zhang=zhang,
        entries=entries,
        file=kept,
        path=path,
        tmp=tmp_path,
        anchor=f"anchors/{first_anchor.name}",
    )


def restore(archive: Path, *extra: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("restore", str(archive), *extra, stdout=out, stderr=err)
    except CommandError as error:
        return error.returncode, out.getvalue(), err.getvalue() + str(error)
    return 0, out.getvalue(), err.getvalue()


def verify_passes() -> bool:
    try:
        call_command("verify", stdout=io.StringIO(), stderr=io.StringIO())
    except CommandError:
        return False
    return True


def test_the_drill_backup_damage_restore_verify(site: SimpleNamespace) -> None:
    archive = site.tmp / "jifen.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
    assert manifest["engine"] == connection.vendor
    assert manifest["tables"]["ledger_entry"] == 3
    assert f"media/evidence/{site.file.name}" in manifest["files"]
    assert {"keys/anchor.key", site.anchor} <= set(manifest["files"])

    # Damage: an owner lifts the triggers and deletes the last fact; the evidence file is gone.
    appendonly.remove(connection, "ledger_entry")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM ledger_entry WHERE id = %s", [site.entries[-1].pk])
    site.path.unlink()
    assert not verify_passes()

    code, out, err = restore(archive, "--force")
    assert code == 0, err
    assert "恢复完成" in out
    assert Entry.objects.count() == 3
    assert site.path.read_bytes() == PDF
    assert verify_passes()
    assert appendonly.missing_triggers(connection) == []


def test_a_non_empty_database_is_refused_without_force(site: SimpleNamespace) -> None:
    archive = site.tmp / "jifen.tar"
    call_command("backup", str(archive), stdout=io.StringIO())
    entry_append(
        organization=site.tree.b1,
        date=dt.date(2026, 3, 9),
        item="study",
        value=1,
        origin="manual",
        recorded_by=None,
        person=site.entries[0].person,
    )
    code, _, err = restore(archive)
    assert code == 2
    assert "--force" in err
    assert "未做任何改动" in err
    assert Entry.objects.count() == 4


def _tampered(archive: Path, target: Path, name: str, body: bytes) -> None:
    """A copy of ``archive`` with member ``name`` replaced by ``body``, the manifest unchanged."""
    with tarfile.open(archive) as source, tarfile.open(target, "w") as out:
        for member in source.getmembers():
            data = source.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == name:
                data = body
                member.size = len(body)
            out.addfile(member, io.BytesIO(data))


def test_a_damaged_archive_is_refused_and_changes_nothing(site: SimpleNamespace) -> None:
    archive = site.tmp / "jifen.tar"
    call_command("backup", str(archive), stdout=io.StringIO())
    site.path.unlink()
    (site.tmp / site.anchor).unlink()
    entry_append(
        organization=site.tree.b1,
        date=dt.date(2026, 3, 9),
        item="study",
        value=1,
        origin="manual",
        recorded_by=None,
        person=site.entries[0].person,
    )
    bad = site.tmp / "bad.tar"
    _tampered(archive, bad, f"media/evidence/{site.file.name}", PDF + b"x")
    code, _, err = restore(bad, "--force")
    assert code == 2
    assert "SHA-256" in err
    assert "未做任何改动" in err
    truncated = site.tmp / "truncated.tar"
    truncated.write_bytes(archive.read_bytes()[:3000])
    code, _, err = restore(truncated, "--force")
    assert code == 2
    assert "备份" in err
    assert Entry.objects.count() == 4  # the database was not replaced
    assert not site.path.exists()  # nor the file written back
    assert not (site.tmp / site.anchor).exists()


def test_anchor_files_are_added_never_overwritten(site: SimpleNamespace) -> None:
    archive = site.tmp / "jifen.tar"
    call_command("backup", str(archive), stdout=io.StringIO())
    mine = site.tmp / site.anchor
    mine.write_text('{"changed": "on this machine"}')
    later = site.tmp / "anchors" / anchor_write("稍后").name
    key = site.tmp / "keys" / "anchor.key"
    original = key.read_bytes()
    key.unlink()
    code, out, err = restore(archive, "--force")
    assert mine.read_text() == '{"changed": "on this machine"}'  # kept, and named
    assert "保留本机现有的" in out
    assert later.exists()
    assert key.read_bytes() == original
    # The changed anchor no longer carries a valid signature: verify, run by restore, says so.
    assert code == 1, out + err


def _touch_triggers(statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def test_a_restore_without_triggers_or_files_is_named(site: SimpleNamespace) -> None:
    # The archive's database lacks the ledger's and the person heads' triggers, and a file the
    # rows point to.
    appendonly.remove(connection, "ledger_entry")
    _touch_triggers(touch.remove_sql(connection.vendor))
    site.path.unlink()
    archive = site.tmp / "jifen.tar"
    try:
        call_command("backup", str(archive), stdout=io.StringIO())
        code, _, err = restore(archive, "--force")
    finally:
        appendonly.install(connection, "ledger_entry")
        _touch_triggers(touch.install_sql(connection.vendor))
    assert code == 1
    assert "ledger_entry_no_update" in err
    assert "ledger_entry_no_delete" in err
    assert "人员版本触发器" in err
    assert "处理决定.pdf" in err
    assert "文件缺失" in err
    assert touch.installed(connection)


def test_a_changed_file_after_restore_is_named(site: SimpleNamespace) -> None:
    archive = site.tmp / "jifen.tar"
    site.path.write_bytes(PDF + b"%changed")  # backed up as found: the archive is consistent
    call_command("backup", str(archive), stdout=io.StringIO())
    code, _, err = restore(archive, "--force")
    assert code == 1
    assert "与上传时不一致" in err
    assert "处理决定.pdf" in err


def test_the_command_line_refuses_a_damaged_archive_with_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "not-a-backup.tar"
    bad.write_bytes(b"nothing here")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    done = subprocess.run(
        [sys.executable, "-m", "jifen.cli", "restore", str(bad)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert "未做任何改动" in done.stderr
    assert "Traceback" not in done.stderr


def _scratch_database(tmp: Path) -> tuple[str, str]:
    """A new, empty database beside the test's own: its URL, and how to count its entries."""
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp / 'new.sqlite3'}", ""
    name = f"jifen_h_backup_drill_{os.getpid()}"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name}")
        cursor.execute(f"CREATE DATABASE {name}")
    given = connection.settings_dict
    user = quote(given["USER"] or "") + (
        f":{quote(given['PASSWORD'])}" if given["PASSWORD"] else ""
    )
    host = given["HOST"] or ""
    port = f":{given['PORT']}" if given["PORT"] else ""
    if host.startswith("/"):  # a Unix socket's folder goes in the query
        return f"postgres://{user}@{port}/{name}?host={quote(host)}", name
    return f"postgres://{user}@{host}{port}/{name}", name


def _entries_in(url: str, tmp: Path, name: str) -> int:
    if connection.vendor == "sqlite":
        with sqlite3.connect(tmp / "new.sqlite3") as copy:
            return int(copy.execute("SELECT count(*) FROM ledger_entry").fetchone()[0])
    given = connection.settings_dict
    with psycopg.connect(
        dbname=name,
        host=given["HOST"] or None,
        port=given["PORT"] or None,
        user=given["USER"] or None,
        password=given["PASSWORD"] or None,
    ) as other:
        return int(other.execute("SELECT count(*) FROM ledger_entry").fetchone()[0])  # type: ignore[index]


def test_the_command_line_restores_into_a_new_empty_database(site: SimpleNamespace) -> None:
    archive = site.tmp / "jifen.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    url, name = _scratch_database(site.tmp)
    var = site.tmp / "elsewhere"
    env = {
        **os.environ,
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
        "DATABASE_URL": url,
        "JIFEN_VAR_DIR": str(var),
    }
    try:
        done = subprocess.run(
            [sys.executable, "-m", "jifen.cli", "restore", str(archive)],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert "恢复完成" in done.stdout
        assert _entries_in(url, site.tmp, name) == 3
    finally:
        if name:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    assert (var / "media" / "evidence" / site.file.name).read_bytes() == PDF


def test_a_backup_older_than_the_latest_anchor_is_named_after_restore(
    site: SimpleNamespace,
) -> None:
    """Restoring yesterday's backup over today's ledger loses what was recorded since: the
    anchors on the machine (added to, never replaced by, the archive's) remember it."""
    archive = site.tmp / "older.tar"
    call_command("backup", str(archive), stdout=io.StringIO())
    for day in (4, 5):
        entry_append(
            organization=site.tree.b1,
            date=dt.date(2026, 3, day),
            item="study",
            value=day,
            origin="manual",
            recorded_by=None,
            person=site.zhang,
        )
    anchor_write("每日")  # today's anchor saw entries 4 and 5
    assert verify_passes()

    code, out, err = restore(archive, "--force")
    assert code == 1, out + err
    assert Entry.objects.count() == 3
    assert "第 5 条" in out + err  # the anchor's length, named against the restored chain
    assert not verify_passes()

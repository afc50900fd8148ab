"""The anchor key, `jifen anchor`, the checks, the bulk path's signed heads and the registry."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from jifen.core import anchor_keys, anchors, appendonly
from jifen.core.anchors import anchor_files, anchor_write
from jifen.core.checks import (
    anchor_key_is_configured,
    anchor_key_is_usable,
    append_only_triggers_are_installed,
)
from jifen.ledger.bulk import BulkFact, entries_load
from jifen.ledger.models import Entry, LedgerHead, Origin
from jifen.ledger.services import entry_append
from jifen.orgs.models import Person
from tests.ledger.test_tampering import verify

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def zhang(make_person: Callable[..., Person]) -> Person:
    return make_person("张三")


def _one(tree: SimpleNamespace, person: Person) -> Entry:
    return entry_append(
        organization=tree.b1, person=person, date=D(2026, 2, 1), item="xxqg_login", value=1,
        origin=Origin.MANUAL, recorded_by=None,
    )  # fmt: skip


def test_keygen_writes_a_key_once_and_prints_its_public_half(tmp_path: Path) -> None:
    key = tmp_path / "keys" / "anchor.pem"
    out = io.StringIO()
    call_command("anchor", "keygen", out=str(key), stdout=out, stderr=io.StringIO())
    line = out.getvalue().strip()
    assert line.startswith("JIFEN_ANCHOR_PUBLIC_KEY=")
    assert key.stat().st_mode & 0o077 == 0  # only the owner reads it
    again = io.StringIO()
    call_command("anchor", "keygen", out=str(key), stdout=again, stderr=io.StringIO())
    assert again.getvalue().strip() == line  # an existing key is never overwritten
    public = anchor_keys.public_parse(line.partition("=")[2])
    assert anchor_keys.public_text(public) == line.partition("=")[2]


def test_jifen_anchor_writes_a_file_the_configured_public_key_verifies(
    tree: SimpleNamespace, zhang: Person, settings: Any, tmp_path: Path
) -> None:
    settings.JIFEN_ANCHOR_KEY = tmp_path / "anchor.pem"
    out = io.StringIO()
    call_command("anchor", "keygen", stdout=out, stderr=io.StringIO())
    settings.JIFEN_ANCHOR_PUBLIC_KEY = out.getvalue().strip().partition("=")[2]
    entry = _one(tree, zhang)
    said = io.StringIO()
    call_command("anchor", stdout=said)
    (path,) = anchor_files()
    assert path.name in said.getvalue()
    anchor = anchors.anchor_read(path, anchor_keys.public_key())
    assert not isinstance(anchor, str)
    assert anchor.chains[f"ledger:{tree.b1.pk}"] == (1, entry.hash)
    assert "ledger_seal" in anchor.tables
    assert "ledger_entry" not in anchor.tables  # a chain, anchored through its heads
    assert verify()[0] == 0


def test_jifen_anchor_refuses_to_sign_a_forged_head(tree: SimpleNamespace, zhang: Person) -> None:
    _one(tree, zhang)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_ledgerhead SET head = %s", ["f" * 64])
    err = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("anchor", stdout=io.StringIO(), stderr=err)
    assert refused.value.returncode == 1
    assert "链头（第 1 条）的签名不对" in err.getvalue()
    assert anchor_files() == []


def test_upgrading_signs_the_heads_of_intact_chains_once(
    tree: SimpleNamespace, zhang: Person
) -> None:
    _one(tree, zhang)
    LedgerHead.objects.update(signature="")  # a head from before signed heads
    code, said = verify()
    assert code == 1
    assert "链头没有签名" in said
    call_command("anchor", sign_heads=True, stdout=io.StringIO())
    assert verify()[0] == 0
    assert len(anchor_files()) == 1


def test_the_bulk_path_signs_the_head_it_moves(tree: SimpleNamespace, zhang: Person) -> None:
    facts = [
        BulkFact(zhang.pk, D(2026, 2, day), "xxqg_login", day, Origin.IMPORT) for day in (1, 2)
    ]
    entries_load(organization=tree.b1, facts=facts, recorded_by=None, summary="批量")
    head = LedgerHead.objects.get(organization=tree.b1)
    assert head.seq == 2
    assert head.signature
    assert verify()[0] == 0


def test_check_deploy_warns_until_the_key_is_configured(settings: Any) -> None:
    settings.JIFEN_ANCHOR_CONFIGURED = False
    (warning,) = anchor_key_is_configured()
    assert warning.id == "jifen.W002"
    assert "JIFEN_ANCHOR_KEY" in warning.msg
    settings.JIFEN_ANCHOR_CONFIGURED = True
    assert anchor_key_is_configured() == []


def test_check_with_the_database_names_a_missing_trigger() -> None:
    call_command("check", databases=["default"], stdout=io.StringIO())  # all present
    appendonly.remove(connection, "ledger_seal")
    err = io.StringIO()
    with pytest.raises(Exception, match=r"jifen\.E002") as failed:
        call_command("check", databases=["default"], stdout=io.StringIO(), stderr=err)
    assert "ledger_seal_no_update" in str(failed.value)


@pytest.fixture
def another_chain() -> Iterator[dict[str, tuple[int, str]]]:
    """A second source of chains, as the audit log registers itself: one line."""
    state = {"audit": (3, "c" * 64)}
    anchors.chain_register("audit", heads=lambda: dict(state), label=lambda key: "审计日志")
    yield state
    anchors.SOURCES.pop("audit")


def test_any_registered_chain_is_anchored_and_checked(
    tree: SimpleNamespace, another_chain: dict[str, tuple[int, str]]
) -> None:
    anchor = anchor_write("test")
    assert anchor.chains["audit:audit"] == (3, "c" * 64)
    another_chain["audit"] = (2, "b" * 64)  # rolled back
    code, said = verify()
    assert code == 1
    assert "审计日志：锚点" in said
    assert "记录到第 3 条，现在只有 2 条" in said
    another_chain["audit"] = (3, "d" * 64)  # rewritten
    assert "审计日志：第 3 条的链头与锚点" in verify()[1]
    another_chain.clear()  # gone
    assert "整条链不见了" in verify()[1]


def _seal_row(seal_id: int, organization_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            'INSERT INTO ledger_seal (id, organization_id, start, "end", label, ref, sealed_at)'
            " VALUES (%s, %s, %s, %s, '一季度', 'test', %s)",
            [seal_id, organization_id, D(2026, 1, 1), D(2026, 3, 31),
             connection.ops.adapt_datetimefield_value(dt.datetime.now(dt.UTC))],
        )  # fmt: skip


def test_a_row_committed_after_an_anchor_with_a_smaller_id_is_no_attack(
    tree: SimpleNamespace,
) -> None:
    # PostgreSQL hands out ids before commit: the row with id 2 commits after the anchor that saw
    # 1 and 3. The anchor recorded 2 as a gap, so the late row is left out, not taken for a forgery.
    _seal_row(1001, tree.b1.pk)
    _seal_row(1003, tree.b1.pk)
    anchor = anchor_write("test")
    assert (1002, 1002) in anchor.tables["ledger_seal"].gaps
    _seal_row(1002, tree.b1.pk)
    code, said = verify()
    assert code == 0, said
    with connection.cursor() as cursor:
        appendonly.remove(connection, "ledger_seal")
        cursor.execute("DELETE FROM ledger_seal WHERE id = 1003")
        appendonly.install(connection, "ledger_seal")
    code, said = verify()
    assert code == 1
    assert "现在只有 1 行（记录被删除）" in said


def test_verify_notes_an_anchor_older_than_two_days(clock: Any) -> None:
    anchor_write("daily")
    assert "天前写的" not in verify()[1]
    clock.advance(dt.timedelta(days=3))
    code, said = verify()
    assert code == 0
    assert "最新的锚点是 3 天前写的" in said


def test_the_trigger_check_leaves_tables_not_yet_created_to_migrate() -> None:
    # `jifen migrate` runs the database checks before it creates the tables: a fresh install
    # must not be refused for triggers on tables that do not exist yet.
    assert append_only_triggers_are_installed(databases=["default"]) == []
    with connection.cursor() as cursor:
        appendonly.remove(connection, "ratings_followupstep")
        cursor.execute("DROP TABLE ratings_followupstep")
    assert append_only_triggers_are_installed(databases=["default"]) == []


def test_a_configured_public_key_without_its_private_key_is_an_error(
    settings: Any, tmp_path: Path
) -> None:
    settings.JIFEN_ANCHOR_KEY = tmp_path / "missing.pem"
    settings.JIFEN_ANCHOR_PUBLIC_KEY = anchor_keys.public_text(
        anchor_keys.key_generate(tmp_path / "real.pem").public_key()
    )
    (error,) = anchor_key_is_usable()
    assert error.id == "jifen.E003"
    assert "missing.pem 不存在" in error.msg
    assert not (tmp_path / "missing.pem").exists()  # no stray key generated in its place
    settings.JIFEN_ANCHOR_KEY = tmp_path / "real.pem"
    assert anchor_key_is_usable() == []

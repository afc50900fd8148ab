"""A database owner's attacks on the ledger, each done with raw SQL, each named by `jifen verify`.

The world is small on purpose (two branches' chains of four and two entries, one quarter's seal
and signature, one anchor written after them), so the whole file runs in seconds on both
engines. Where an attack needs the append-only triggers out of the way, they are lifted first
and, unless the attack is about the triggers, put back afterwards — an attacker who covers their
tracks — so `jifen verify` must find the attack itself, not only the missing triggers.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command
from django.db import connection

from jifen.core import anchor_keys, appendonly
from jifen.core.anchors import anchor_files, anchor_write
from jifen.ledger.chain import entry_hash
from jifen.ledger.models import Entry, LedgerHead, Origin, Seal
from jifen.ledger.services import entry_append, seal_add
from jifen.orgs.models import Person
from jifen.periods.models import Signature

pytestmark = pytest.mark.django_db
D = dt.date


@dataclass
class World:
    tree: SimpleNamespace
    b1: list[Entry]
    b2: list[Entry]
    head_at_two: tuple[int, str, str]  # B1's head row (seq, head, signature) after two entries
    seal: Seal
    signature: Signature


def _append(org: Any, person: Person, day: int, value: int, month: int = 2) -> Entry:
    return entry_append(
        organization=org,
        person=person,
        date=D(2026, month, day),
        item="xxqg_login",
        value=value,
        origin=Origin.MANUAL,
        recorded_by=None,
    )


def _head_row(org: Any) -> tuple[int, str, str]:
    head = LedgerHead.objects.get(organization=org)
    return head.seq, head.head, head.signature


@pytest.fixture
def world(tree: SimpleNamespace, make_person: Callable[..., Person], secretary: Any) -> World:
    zhang, li = make_person("张三"), make_person("李四", organization=tree.b2)
    b1 = [_append(tree.b1, zhang, 1, 1), _append(tree.b1, zhang, 2, 2)]
    head_at_two = _head_row(tree.b1)  # what an attacker who saves rows early keeps
    b1 += [_append(tree.b1, zhang, 3, 3), _append(tree.b1, zhang, 4, 4)]
    b2 = [_append(tree.b2, li, 1, 5), _append(tree.b2, li, 2, 6)]
    seal = seal_add(
        organization=tree.b1, start=D(2026, 1, 1), end=D(2026, 3, 31), label="一季度",
        ref="test", sealed_by=secretary,
    )  # fmt: skip
    signature = Signature.objects.create(
        organization=tree.b1, year=2026, quarter=1, sheet={"members": []}, sheet_hash="a" * 64,
        ledger_seq=4, ledger_head=b1[-1].hash, seal=seal, signed_by=secretary,
        signed_at=seal.sealed_at,
    )  # fmt: skip
    anchor_write("test")
    return World(tree, b1, b2, head_at_two, seal, signature)


def sql(statement: str, *params: object) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@contextmanager
def triggers_lifted(*tables: str) -> Iterator[None]:
    """Drop the append-only triggers for the attack and put them back after it."""
    for table in tables:
        appendonly.remove(connection, table)
    yield
    for table in tables:
        appendonly.install(connection, table)


def verify() -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify", stdout=out, stderr=err)
    except CommandError as failed:
        return failed.returncode, err.getvalue()
    return 0, out.getvalue()


def head_set(org: Any, seq: int, head: str, signature: str | None = None) -> None:
    """Write the head row as an owner would; with ``signature``, a saved copy's signature too."""
    if signature is None:
        sql(
            "UPDATE ledger_ledgerhead SET seq = %s, head = %s WHERE organization_id = %s",
            seq, head, org.pk,
        )  # fmt: skip
    else:
        sql(
            "UPDATE ledger_ledgerhead SET seq = %s, head = %s, signature = %s"
            " WHERE organization_id = %s",
            seq, head, signature, org.pk,
        )  # fmt: skip


def _insert(entry: Entry) -> None:
    columns = (
        "organization_id", "seq", "person_id", "date", "item", "value", "source", "note",
        "evidence", "origin", "origin_ref", "correction", "reason", "recorded_at", "prev_hash",
        "hash",
    )  # fmt: skip
    sql(
        f"INSERT INTO ledger_entry ({', '.join(columns)}) VALUES ({', '.join(['%s'] * 16)})",  # noqa: S608
        entry.organization_id, entry.seq, entry.person_id, entry.date, entry.item, entry.value,
        "", "", "[]", entry.origin, "", "", "",
        connection.ops.adapt_datetimefield_value(entry.recorded_at), entry.prev_hash, entry.hash,
    )  # fmt: skip


def _forged(after: Entry, seq: int, value: str = "9") -> Entry:
    """An entry like ``after`` with a correct hash, chained onto it as number ``seq``."""
    forged = Entry.objects.get(pk=after.pk)
    forged.pk, forged.seq, forged.value, forged.prev_hash = None, seq, value, after.hash
    forged.hash = entry_hash(forged, after.hash)
    return forged


def _rechain(org: Any, *, from_seq: int) -> None:
    """Recompute every hash from ``from_seq`` on, as stored now, and move the head to the end."""
    entries = list(Entry.objects.filter(organization=org).order_by("seq"))
    prev = entries[from_seq - 2].hash if from_seq > 1 else "0" * 64
    for entry in entries[from_seq - 1 :]:
        new = entry_hash(entry, prev)
        sql("UPDATE ledger_entry SET prev_hash = %s, hash = %s WHERE id = %s", prev, new, entry.pk)
        prev = new
    head_set(org, len(entries), prev)


# Each attack is a function of the world; ATTACKS pairs it with what verify must say.


def change_in_place(w: World) -> None:
    with triggers_lifted("ledger_entry"):
        sql("UPDATE ledger_entry SET value = '0' WHERE id = %s", w.b1[1].pk)


def change_and_rehash_one(w: World) -> None:
    with triggers_lifted("ledger_entry"):
        sql("UPDATE ledger_entry SET value = '0' WHERE id = %s", w.b1[1].pk)
        changed = Entry.objects.get(pk=w.b1[1].pk)
        new = entry_hash(changed, changed.prev_hash)
        sql("UPDATE ledger_entry SET hash = %s WHERE id = %s", new, changed.pk)


def change_and_rehash_all(w: World) -> None:
    with triggers_lifted("ledger_entry"):
        sql("UPDATE ledger_entry SET value = '0' WHERE id = %s", w.b1[1].pk)
        _rechain(w.tree.b1, from_seq=2)


def delete_middle(w: World) -> None:
    with triggers_lifted("ledger_entry"):
        sql("DELETE FROM ledger_entry WHERE id = %s", w.b1[1].pk)


def delete_last_head_unchanged(w: World) -> None:
    with triggers_lifted("ledger_entry"):
        sql("DELETE FROM ledger_entry WHERE id = %s", w.b1[3].pk)


def delete_last_move_head(w: World) -> None:
    with triggers_lifted("ledger_entry"):
        sql("DELETE FROM ledger_entry WHERE id = %s", w.b1[3].pk)
    head_set(w.tree.b1, 3, w.b1[2].hash)


def append_head_unchanged(w: World) -> None:
    _insert(_forged(w.b1[3], 5))


def append_and_move_head(w: World) -> None:
    forged = _forged(w.b1[3], 5)
    _insert(forged)
    head_set(w.tree.b1, 5, forged.hash)


def insert_and_renumber(w: World) -> None:
    with triggers_lifted("ledger_entry"):
        where = "WHERE organization_id = %s AND seq >= "
        sql(f"UPDATE ledger_entry SET seq = seq + 100 {where} 3", w.tree.b1.pk)  # noqa: S608
        sql(f"UPDATE ledger_entry SET seq = seq - 99 {where} 103", w.tree.b1.pk)  # noqa: S608
        _insert(_forged(w.b1[1], 3))
        _rechain(w.tree.b1, from_seq=3)


def swap_contents(w: World) -> None:
    with triggers_lifted("ledger_entry"):
        sql("UPDATE ledger_entry SET value = '3' WHERE id = %s", w.b1[1].pk)
        sql("UPDATE ledger_entry SET value = '2' WHERE id = %s", w.b1[2].pk)


def move_to_another_chain(w: World) -> None:
    with triggers_lifted("ledger_entry"):
        sql(
            "UPDATE ledger_entry SET organization_id = %s, seq = 3 WHERE id = %s",
            w.tree.b2.pk, w.b1[3].pk,
        )  # fmt: skip


def _pending_checks_now() -> None:
    # PostgreSQL refuses TRUNCATE and ALTER TABLE while the test's own transaction has deferred
    # foreign-key checks pending; an attacker's session has none.
    if connection.vendor == "postgresql":
        sql("SET CONSTRAINTS ALL IMMEDIATE")


def truncate_entries_and_heads(w: World) -> None:
    _pending_checks_now()
    if connection.vendor == "postgresql":
        sql("TRUNCATE ledger_entry, ledger_ledgerhead CASCADE")
    else:
        with triggers_lifted("ledger_entry"):
            sql("DELETE FROM ledger_entry")
            sql("DELETE FROM ledger_ledgerhead")


def delete_one_chain(w: World) -> None:
    with triggers_lifted("ledger_entry"):
        sql("DELETE FROM ledger_entry WHERE organization_id = %s", w.tree.b2.pk)
        sql("DELETE FROM ledger_ledgerhead WHERE organization_id = %s", w.tree.b2.pk)


def drop_triggers(w: World) -> None:
    appendonly.remove(connection, "ledger_entry")


def disable_triggers(w: World) -> None:
    _pending_checks_now()
    if connection.vendor == "postgresql":
        sql("ALTER TABLE ledger_entry DISABLE TRIGGER ledger_entry_no_update")
    else:  # SQLite cannot disable a trigger: dropping is the only way to turn it off
        sql("DROP TRIGGER ledger_entry_no_update")


def roll_back_head(w: World) -> None:
    """Put back B1's head row as it was after two entries (a genuine, signed row) and remove the
    entries after it: every hash and signature in the database is valid again."""
    seq, head, signature = w.head_at_two
    with triggers_lifted("ledger_entry"):
        sql("DELETE FROM ledger_entry WHERE organization_id = %s AND seq > 2", w.tree.b1.pk)
    head_set(w.tree.b1, seq, head, signature)


def delete_signature(w: World) -> None:
    with triggers_lifted("periods_signature"):
        sql("DELETE FROM periods_signature WHERE id = %s", w.signature.pk)


def delete_seal(w: World) -> None:
    # The signature points at its seal: reopening the quarter means removing both.
    with triggers_lifted("periods_signature", "ledger_seal"):
        sql("DELETE FROM periods_signature WHERE id = %s", w.signature.pk)
        sql("DELETE FROM ledger_seal WHERE id = %s", w.seal.pk)


def edit_seal_dates(w: World) -> None:
    with triggers_lifted("ledger_seal"):
        sql('UPDATE ledger_seal SET "end" = %s WHERE id = %s', D(2026, 2, 28), w.seal.pk)


def tamper_anchor_file(w: World) -> None:
    (path,) = anchor_files()
    path.write_text(path.read_text(encoding="utf-8").replace('\\"test\\"', '\\"fixed\\"'))


def anchor_by_another_key(w: World, settings: Any, tmp_path: Any) -> None:
    # An attacker's own key signs a fresh anchor of the state they want believed.
    stranger = tmp_path / "stranger.pem"
    settings.JIFEN_ANCHOR_KEY = stranger
    anchor_keys.key_generate(stranger)
    anchor_write("forged")


def key_mismatch(w: World, settings: Any, tmp_path: Any) -> None:
    other = Ed25519PrivateKey.generate().public_key()
    settings.JIFEN_ANCHOR_PUBLIC_KEY = anchor_keys.public_text(other)


ATTACKS: list[tuple[str, Callable[..., None], list[str]]] = [
    ("01 change a value in place", change_in_place, ["[B1] 第 2 条的内容被改动过"]),
    ("02 change and rehash that entry", change_and_rehash_one, ["[B1] 第 3 条与前一条接不上"]),
    ("03 change and rehash every later entry and the head", change_and_rehash_all,
     ["[B1] 链头（第 4 条）的签名不对", "第 4 条的链头与锚点"]),
    ("04 delete an entry in the middle", delete_middle, ["[B1] 第 2 条不见了"]),
    ("05 delete the last entry, head unchanged", delete_last_head_unchanged,
     ["[B1] 第 4 至 4 条不见了：链尾的记录被删除"]),
    ("06 delete the last entry and move the head back", delete_last_move_head,
     ["[B1] 链头（第 3 条）的签名不对", "记录到第 4 条，现在只有 3 条"]),
    ("07 append a forged entry, head unchanged", append_head_unchanged,
     ["[B1] 第 4 条之后多出了 1 条未经登记的记录"]),
    ("08 append a forged entry and move the head", append_and_move_head,
     ["[B1] 链头（第 5 条）的签名不对"]),
    ("09 insert an entry and renumber", insert_and_renumber,
     ["[B1] 链头（第 5 条）的签名不对", "第 4 条与锚点"]),
    ("10 swap two entries' contents", swap_contents, ["[B1] 第 2 条的内容被改动过"]),
    ("11 move an entry to another chain", move_to_another_chain,
     ["[B1] 第 4 至 4 条不见了", "[B2] 第 3 条"]),
    ("12 truncate entries and heads", truncate_entries_and_heads,
     ["[B1] 教工第一党支部的台账：锚点", "[B2] 学生第一党支部的台账：锚点", "现在整条链不见了"]),
    ("13 delete one organization's chain", delete_one_chain,
     ["[B2] 学生第一党支部的台账：锚点", "记录了 2 条，现在整条链不见了"]),
    ("14 drop the append-only triggers", drop_triggers,
     ["只追加的触发器 ledger_entry_no_update 不在或被停用",
      "只追加的触发器 ledger_entry_no_delete 不在或被停用"]),
    ("15 disable a trigger", disable_triggers,
     ["只追加的触发器 ledger_entry_no_update 不在或被停用"]),
    ("16 roll the head back to an older copy after an anchor", roll_back_head,
     ["[B1] 教工第一党支部的台账：锚点", "记录到第 4 条，现在只有 2 条（记录被删除或链头被回滚）"]),
    ("17a delete a quarter's signature", delete_signature,
     ["表 periods_signature：锚点", "现在只有 0 行（记录被删除）"]),
    ("17b delete a quarter's seal", delete_seal,
     ["表 ledger_seal：锚点", "表 periods_signature：锚点"]),
    ("18 edit a seal's dates", edit_seal_dates,
     ["表 ledger_seal：编号不超过", "签的不同（记录被改动、替换或插入）"]),
    ("19a tamper with an anchor file", tamper_anchor_file, ["的签名不对：文件在签名之后被改动过"]),
    ("19b an anchor signed by another key", anchor_by_another_key, ["不是用本系统的密钥签的"]),
    ("19c the private key is not the configured public key's", key_mismatch,
     ["与设置中的公钥 JIFEN_ANCHOR_PUBLIC_KEY 不是一对"]),
]  # fmt: skip


def test_the_world_verifies_before_any_attack(world: World) -> None:
    code, said = verify()
    assert code == 0, said
    assert "台账完整：6 条记录" in said
    assert "与全部锚点一致" in said


@pytest.mark.parametrize(
    ("attack", "expected"), [(a, e) for _n, a, e in ATTACKS], ids=[n for n, _a, _e in ATTACKS]
)
def test_verify_names_the_attack(
    world: World, attack: Callable[..., None], expected: list[str], settings: Any, tmp_path: Any
) -> None:
    if attack in (anchor_by_another_key, key_mismatch):
        attack(world, settings, tmp_path)
    else:
        attack(world)
    code, said = verify()
    assert code == 1, said
    for words in expected:
        assert words in said, said


def test_a_rollback_inside_the_window_since_the_last_anchor_is_the_documented_limit(
    world: World,
) -> None:
    """docs/decisions.md, "锚点": a head row copied after the latest anchor, put back with its own
    signature after more entries, leaves a ledger every hash, signature and anchor agrees with.
    Anchors on every signature, notice and day bound the window; nothing inside it is caught."""
    saved = _head_row(world.tree.b1)  # seq 4, covered by the anchor
    zhang = world.b1[0].person
    assert zhang is not None
    _append(world.tree.b1, zhang, 5, 5, month=4)  # after the anchor
    with triggers_lifted("ledger_entry"):
        sql("DELETE FROM ledger_entry WHERE organization_id = %s AND seq > 4", world.tree.b1.pk)
    head_set(world.tree.b1, *saved)
    assert verify()[0] == 0  # the limit: undetected
    # Once an anchor has seen entry 5, the same rollback is caught (attack 16 above).
    _append(world.tree.b1, zhang, 5, 5, month=4)
    anchor_write("daily")
    with triggers_lifted("ledger_entry"):
        sql("DELETE FROM ledger_entry WHERE organization_id = %s AND seq > 4", world.tree.b1.pk)
    head_set(world.tree.b1, *saved)
    code, said = verify()
    assert code == 1
    assert "记录到第 5 条，现在只有 4 条（记录被删除或链头被回滚）" in said


def test_a_later_anchor_that_recorded_a_rollback_does_not_hide_it(world: World) -> None:
    # The daily anchor runs after the rollback: verify checks every anchor, not only the latest.
    roll_back_head(world)
    anchor_write("daily, after the rollback")
    code, said = verify()
    assert code == 1
    assert "记录到第 4 条，现在只有 2 条" in said

"""The audit log is one hash chain (jifen.audit.chain): numbered one after another, each event's
hash over its content and the one before, checked by audit_verify and `jifen verify`."""

from __future__ import annotations

import importlib
import io
import threading

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import connection, connections

from jifen.audit.chain import audit_chain_head, event_hash
from jifen.audit.models import GENESIS, AuditEvent, AuditHead
from jifen.audit.services import audit_record, audit_records
from jifen.audit.verify import audit_verify
from jifen.core import appendonly
from jifen.core.anchors import anchor_write


def chain() -> list[AuditEvent]:
    return list(AuditEvent.objects.order_by("seq"))


@pytest.mark.django_db
def test_events_are_numbered_and_chained_one_after_another(member: User) -> None:
    before = AuditEvent.objects.count()  # the fixtures' own writes (granting the member a role)
    first = audit_record(action="test.one", actor=member, summary="第一条")
    audit_records(
        [("test.many", "orgs.Person:1", "批量一", {"i": 1}), ("test.many", "", "批量二", None)],
        actor=member,
    )
    AuditEvent.objects.create(action="test.orm", summary="经由 ORM 写入的也进链")
    events = chain()
    assert len(events) == before + 4
    assert [e.seq for e in events] == list(range(1, before + 5))
    assert first.seq == before + 1
    prev = GENESIS
    for event in events:
        assert event.prev_hash == prev
        assert event.hash == event_hash(event, prev)
        prev = event.hash
    assert audit_chain_head() == (before + 4, prev)
    assert audit_verify() == []


@pytest.mark.django_db
def test_the_head_before_the_first_event_is_genesis() -> None:
    assert not AuditEvent.objects.exists()
    assert audit_chain_head() == (0, GENESIS)
    assert audit_verify() == []


@pytest.mark.django_db
def test_the_hash_survives_the_round_trip_of_awkward_values(member: User) -> None:
    from jifen.audit.context import audit_context

    with audit_context(user=member, ip="2001:DB8:0:0::1", path="/路径/?q=引号\"'"):
        audit_record(
            action="test.awkward",
            summary="换行\n制表\t和 emoji 🎉",
            detail={"b": [1, 2.5, None, True], "a": {"中文": "值"}, "n": 10**15},
        )
    assert audit_verify() == []
    assert AuditEvent.objects.get(action="test.awkward").ip == "2001:db8::1"


class TestTampering:
    """Someone who owns the database lifts the triggers and rewrites the audit log with SQL."""

    @pytest.fixture
    def events(self, db: None, member: User) -> list[AuditEvent]:
        for n in range(1, 6):
            audit_record(action="test.event", actor=member, summary=f"第 {n} 件事")
        appendonly.remove(connection, "audit_auditevent")
        return chain()

    def raw(self, sql: str, *params: object) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    def fails_verify(self, named: str) -> None:
        err = io.StringIO()
        with pytest.raises(CommandError) as failed:
            call_command("verify", stderr=err, stdout=io.StringIO())
        assert failed.value.returncode == 1
        assert "审计日志的链有问题" in str(failed.value)
        assert named in err.getvalue()

    def test_an_edited_actor_is_named(self, events: list[AuditEvent], nobody: User) -> None:
        target = events[-3]
        self.raw(
            "UPDATE audit_auditevent SET actor_id = %s, actor_name = %s WHERE id = %s",
            nobody.pk,
            nobody.username,
            target.pk,
        )
        (found,) = audit_verify()
        assert (found.seq, found.kind) == (target.seq, "altered")
        assert f"第 {target.seq} 条审计记录的内容被改动过" in str(found)
        self.fails_verify(f"[审计日志] 第 {target.seq} 条审计记录的内容被改动过")

    def test_an_edited_summary_is_named(self, events: list[AuditEvent]) -> None:
        self.raw("UPDATE audit_auditevent SET summary = '无事' WHERE id = %s", events[0].pk)
        (found,) = audit_verify()
        assert (found.seq, found.kind) == (1, "altered")
        self.fails_verify("第 1 条审计记录的内容被改动过")

    def test_rows_deleted_in_the_middle_are_named(self, events: list[AuditEvent]) -> None:
        gone = events[-4:-2]
        self.raw("DELETE FROM audit_auditevent WHERE id IN (%s, %s)", gone[0].pk, gone[1].pk)
        (found,) = audit_verify()
        assert (found.seq, found.kind) == (gone[0].seq, "removed")
        self.fails_verify(f"第 {gone[0].seq} 条审计记录不见了：有记录被删除")

    def test_the_last_rows_deleted_with_the_head_left_are_named(
        self, events: list[AuditEvent]
    ) -> None:
        last = events[-1].seq
        self.raw("DELETE FROM audit_auditevent WHERE seq >= %s", last - 1)
        (found,) = audit_verify()
        assert (found.seq, found.kind) == (last - 1, "removed")
        self.fails_verify(f"第 {last - 1} 条至第 {last} 条审计记录被删除")

    def test_a_forged_row_is_named(self, events: list[AuditEvent], member: User) -> None:
        # Make room after event 2 and slip in an event that says the member did something.
        after = events[1]
        self.raw("UPDATE audit_auditevent SET seq = seq + 1000 WHERE seq > %s", after.seq)
        self.raw("UPDATE audit_auditevent SET seq = seq - 999 WHERE seq > 1000")
        self.raw(
            "INSERT INTO audit_auditevent (at, actor_id, actor_name, action, target, summary,"
            " detail, path, seq, prev_hash, hash) VALUES (%s, %s, %s, 'ledger.record', '',"
            " '伪造的记录', '{}', '', %s, %s, %s)",
            after.at,
            member.pk,
            member.username,
            after.seq + 1,
            after.hash,
            "f" * 64,
        )
        (found,) = audit_verify()
        assert found.seq == after.seq + 1
        assert found.kind == "altered"
        self.fails_verify(f"第 {after.seq + 1} 条审计记录的内容被改动过")

    def test_a_row_appended_after_the_head_is_named(self, events: list[AuditEvent]) -> None:
        last = events[-1]
        self.raw(
            "INSERT INTO audit_auditevent (at, actor_name, action, target, summary, detail, path,"
            " seq, prev_hash, hash) VALUES (%s, '', 'test.forged', '', '', '{}', '', %s, %s, %s)",
            last.at,
            last.seq + 1,
            last.hash,
            "e" * 64,
        )
        (found,) = audit_verify()
        assert (found.seq, found.kind) == (last.seq + 1, "altered")
        self.fails_verify(f"第 {last.seq + 1} 条审计记录")

    def test_the_log_emptied_with_the_head_left_is_named(self, events: list[AuditEvent]) -> None:
        if connection.vendor == "postgresql":
            # The fixture's inserts left deferred key checks pending in this test's transaction;
            # the owner's own session would have none.
            self.raw("SET CONSTRAINTS ALL IMMEDIATE")
            self.raw("TRUNCATE audit_auditevent")
        else:
            self.raw("DELETE FROM audit_auditevent")
        (found,) = audit_verify()
        assert found.kind == "removed"
        assert f"审计记录全部不见了：链头记着 {events[-1].seq} 条" in str(found)
        self.fails_verify("审计记录全部不见了")

    def test_events_without_a_head_are_named(self, events: list[AuditEvent]) -> None:
        self.raw("DELETE FROM audit_audithead")
        (found,) = audit_verify()
        assert "链头不见了" in str(found)
        self.fails_verify("链头不见了")


@pytest.mark.django_db
def test_jifen_verify_says_the_audit_log_is_whole(member: User) -> None:
    audit_record(action="test.event", actor=member)
    out = io.StringIO()
    call_command("verify", stdout=out)
    count = AuditEvent.objects.count()
    assert f"审计日志完整：{count} 条记录，哈希链吻合" in out.getvalue()


@pytest.mark.django_db
def test_the_migration_chains_existing_events_in_the_order_written(member: User) -> None:
    """Events written before the chain existed: numbered in id order, hashed, the head after."""
    for n in range(1, 8):
        audit_record(action="test.old", actor=member, summary=f"旧记录 {n}")
    # As they stood before: numbers and hashes that mean nothing (the old rows had none).
    appendonly.remove(connection, "audit_auditevent")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET seq = 100000 - id, prev_hash = '', hash = ''")
        cursor.execute("UPDATE audit_audithead SET seq = 0, head = %s", [GENESIS])
    assert audit_verify() != []
    migration = importlib.import_module("jifen.audit.migrations.0004_chain_existing")

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection  # type: ignore[attr-defined]
    migration.chain_existing(apps, editor)
    appendonly.install(connection, "audit_auditevent")
    assert audit_verify() == []
    ids = list(AuditEvent.objects.order_by("seq").values_list("id", flat=True))
    assert ids == sorted(ids)
    assert AuditHead.objects.get().seq == len(ids)


@pytest.mark.django_db(transaction=True)
def test_writers_at_once_take_numbers_one_after_another() -> None:
    """Four threads, each its own connection and transactions: no number taken twice, none
    skipped, the chain whole (PostgreSQL waits on the head's row lock, SQLite on its write lock)."""
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for i in range(25):
                audit_record(action="test.concurrent", summary=f"线程 {n} 第 {i} 条")
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, 101))
    assert audit_verify() == []
    assert audit_chain_head()[0] == 100


class TestTamperingPastAnAnchor:
    """What the chain alone cannot see — the last events deleted and the head moved back, or
    events and head emptied together — an anchor written before remembers (jifen.core.anchors)."""

    @pytest.fixture
    def anchored(self, db: None, member: User) -> list[AuditEvent]:
        for n in range(1, 6):
            audit_record(action="test.event", actor=member, summary=f"第 {n} 件事")
        anchor_write("测试")
        appendonly.remove(connection, "audit_auditevent")
        return chain()

    def raw(self, sql: str, *params: object) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    def verify_fails(self) -> str:
        err = io.StringIO()
        with pytest.raises(CommandError) as failed:
            call_command("verify", stderr=err, stdout=io.StringIO())
        assert failed.value.returncode == 1
        return err.getvalue()

    def test_the_last_events_deleted_and_the_head_moved_back_are_named(
        self, anchored: list[AuditEvent]
    ) -> None:
        keep = anchored[-3]
        self.raw("DELETE FROM audit_auditevent WHERE seq > %s", keep.seq)
        self.raw("UPDATE audit_audithead SET seq = %s, head = %s", keep.seq, keep.hash)
        assert audit_verify() == []  # the chain alone is whole: only the anchor can tell
        said = self.verify_fails()
        assert "审计日志" in said
        assert f"第 {anchored[-1].seq} 条" in said

    def test_events_and_head_emptied_together_are_named(self, anchored: list[AuditEvent]) -> None:
        if connection.vendor == "postgresql":
            self.raw("SET CONSTRAINTS ALL IMMEDIATE")
            self.raw("TRUNCATE audit_auditevent, audit_audithead")
        else:
            self.raw("DELETE FROM audit_auditevent")
            self.raw("DELETE FROM audit_audithead")
        assert audit_verify() == []  # an empty log with no head looks like a new installation
        said = self.verify_fails()
        assert "审计日志" in said
        assert f"第 {anchored[-1].seq} 条" in said

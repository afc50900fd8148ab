from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from jifen.audit.models import AuditEvent
from jifen.core import appendonly
from jifen.core.appendonly import AppendOnlyError
from jifen.ledger.models import GENESIS, Entry, LedgerHead, Origin
from jifen.ledger.services import entries_correct, entry_append, entry_correct, normalize_value
from jifen.ledger.verify import ledger_verify
from jifen.orgs.models import Person

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def zhang(make_person: Callable[..., Person]) -> Person:
    return make_person("张三")


def record(tree: SimpleNamespace, person: Person, item: str, value: object, day: int = 1) -> Entry:
    return entry_append(
        organization=tree.b1,
        person=person,
        date=D(2026, 3, day),
        item=item,
        value=value,  # type: ignore[arg-type]
        origin=Origin.MANUAL,
        recorded_by=None,
    )


def test_entries_are_numbered_and_chained_per_organization(
    tree: SimpleNamespace, zhang: Person, make_person: Callable[..., Person]
) -> None:
    first = record(tree, zhang, "xxqg_login", 2)
    second = record(tree, zhang, "party_day", "absent")
    other = entry_append(
        organization=tree.b2,
        person=make_person("李四", tree.b2),
        date=D(2026, 3, 1),
        item="dues",
        value=1,
        origin=Origin.MANUAL,
        recorded_by=None,
    )
    assert (first.seq, second.seq, other.seq) == (1, 2, 1)
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.hash
    assert other.prev_hash == GENESIS
    assert LedgerHead.objects.get(organization=tree.b1).head == second.hash
    assert ledger_verify() == []


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        (Decimal("0.50"), "0.5"),
        ("2", "2"),
        (" 1.0 ", "1"),
        ("absent", "absent"),
        ("优秀", "优秀"),
        (10, "10"),
    ],
)
def test_values_are_stored_exactly(given: object, stored: str) -> None:
    assert normalize_value(given) == stored  # type: ignore[arg-type]


def test_an_entry_cannot_be_changed_or_deleted_through_the_model(
    tree: SimpleNamespace, zhang: Person
) -> None:
    entry = record(tree, zhang, "xxqg_login", 2)
    entry.value = "0"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    assert Entry.objects.get(pk=entry.pk).value == "2"


@pytest.mark.parametrize(
    "statement", ["UPDATE ledger_entry SET value = '0'", "DELETE FROM ledger_entry"]
)
def test_the_database_refuses_to_change_an_entry(
    tree: SimpleNamespace, zhang: Person, statement: str
) -> None:
    record(tree, zhang, "xxqg_login", 2)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert Entry.objects.get().value == "2"


def test_a_correction_voids_or_replaces_with_a_reason(tree: SimpleNamespace, zhang: Person) -> None:
    wrong = record(tree, zhang, "xxqg_login", 5)
    with pytest.raises(ValidationError):
        entry_correct(entry=wrong, reason="  ", recorded_by=None, value=2)
    replaced = entry_correct(entry=wrong, reason="记错了天数", recorded_by=None, value=2)
    assert (replaced.corrects, replaced.correction, replaced.value) == (wrong, "replace", "2")
    assert replaced.item == "xxqg_login"
    with pytest.raises(ValidationError, match="已被更正过"):
        entry_correct(entry=wrong, reason="再改一次", recorded_by=None)
    voided = entry_correct(entry=replaced, reason="当月请假，不计", recorded_by=None)
    assert (voided.correction, voided.item, voided.value) == ("void", "", "")
    with pytest.raises(ValidationError, match="作废记录本身不能再更正"):
        entry_correct(entry=voided, reason="x", recorded_by=None)
    assert Entry.objects.count() == 3
    assert ledger_verify() == []


def test_many_corrections_go_in_together_or_not_at_all(
    tree: SimpleNamespace, zhang: Person, make_person: Callable[..., Person]
) -> None:
    li = make_person("李四", tree.b2)
    mine = [record(tree, zhang, "xxqg_login", n, day=n) for n in (1, 2, 3)]
    theirs = entry_append(
        organization=tree.b2,
        person=li,
        date=D(2026, 3, 1),
        item="xxqg_login",
        value=4,
        origin=Origin.MANUAL,
        recorded_by=None,
    )
    already = entry_correct(entry=mine[2], reason="先改过一次", recorded_by=None, value=9)
    before = Entry.objects.count()
    # One of them was corrected already: nothing is written, and the message names it.
    with pytest.raises(ValidationError, match="第 3 条已被更正过"):
        entries_correct(
            corrections=[(mine[0], None), (mine[2], 1)],
            reason="批量更正",
            recorded_by=None,
            summary="测试",
        )
    with pytest.raises(ValidationError, match="写明原因"):
        entries_correct(corrections=[(mine[0], None)], reason=" ", recorded_by=None, summary="")
    assert Entry.objects.count() == before

    made = entries_correct(
        corrections=[(mine[0], None), (theirs, 2), (already, 8)],
        reason="核对后更正",
        recorded_by=None,
        summary="三月学习强国",
    )
    # In the given order, each in its own organization's chain, each linked to what it corrects.
    assert [m.corrects_id for m in made] == [mine[0].pk, theirs.pk, already.pk]
    assert [m.organization_id for m in made] == [tree.b1.pk, tree.b2.pk, tree.b1.pk]
    assert [(m.correction, m.item, m.value) for m in made] == [
        ("void", "", ""),
        ("replace", "xxqg_login", "2"),
        ("replace", "xxqg_login", "8"),
    ]
    assert {m.reason for m in made} == {"核对后更正"}
    assert (made[0].seq, made[2].seq, made[1].seq) == (5, 6, 2)
    # One audit event per ledger, naming every correction.
    events = AuditEvent.objects.filter(action="ledger.correct").order_by("pk")
    assert [e.detail.get("corrected") for e in events][-2:] == [{"1": 5, "4": 6}, {"1": 2}]
    assert ledger_verify() == []


class TestTampering:
    """Someone with the database password lifts the triggers and edits rows directly."""

    @pytest.fixture
    def chain(self, tree: SimpleNamespace, zhang: Person) -> list[Entry]:
        entries = [record(tree, zhang, "xxqg_login", n, day=n) for n in range(1, 6)]
        appendonly.remove(connection, "ledger_entry")
        return entries

    def raw(self, sql: str, *params: object) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    def test_an_altered_value_is_named(self, chain: list[Entry]) -> None:
        self.raw("UPDATE ledger_entry SET value = '0' WHERE id = %s", chain[2].pk)
        (found,) = ledger_verify()
        assert (found.seq, found.kind) == (3, "altered")
        assert "第 3 条的内容被改动过" in str(found)

    def test_a_removed_entry_is_named(self, chain: list[Entry]) -> None:
        self.raw("DELETE FROM ledger_entry WHERE id = %s", chain[1].pk)
        (found,) = ledger_verify()
        assert (found.seq, found.kind) == (2, "removed")

    def test_removing_the_last_entries_is_noticed(self, chain: list[Entry]) -> None:
        self.raw("DELETE FROM ledger_entry WHERE seq >= 4")
        (found,) = ledger_verify()
        assert (found.seq, found.kind) == (4, "removed")

    def test_an_inserted_entry_is_named(self, chain: list[Entry]) -> None:
        # Renumber the tail to make room, then slip a forged entry in as number 3.
        self.raw("UPDATE ledger_entry SET seq = seq + 100 WHERE seq >= 3")
        self.raw("UPDATE ledger_entry SET seq = seq - 99 WHERE seq >= 103")
        forged = chain[2]
        self.raw(
            "INSERT INTO ledger_entry (organization_id, seq, person_id, date, item, value, source,"
            " note, evidence, origin, origin_ref, correction, reason, recorded_at, prev_hash, hash)"
            " VALUES (%s, 3, %s, %s, 'xxqg_login', '0', '', '', '[]', 'manual', '', '', '',"
            " %s, %s, %s)",
            forged.organization_id,
            forged.person_id,
            forged.date,
            forged.recorded_at,
            chain[1].hash,
            "f" * 64,
        )
        (found,) = ledger_verify()
        assert found.seq == 3
        assert found.kind in {"altered", "inserted"}

    def test_jifen_verify_names_the_break_and_fails(self, chain: list[Entry]) -> None:
        self.raw("UPDATE ledger_entry SET note = '改过' WHERE id = %s", chain[0].pk)
        err = io.StringIO()
        with pytest.raises(CommandError) as failed:
            call_command("verify", stderr=err)
        assert failed.value.returncode == 1
        assert "[B1] 第 1 条的内容被改动过" in err.getvalue()


def test_jifen_verify_reports_an_intact_ledger(tree: SimpleNamespace, zhang: Person) -> None:
    record(tree, zhang, "xxqg_login", 1)
    out = io.StringIO()
    call_command("verify", stdout=out)
    assert "台账完整：1 条记录" in out.getvalue()
    with pytest.raises(CommandError) as unknown:
        call_command("verify", org="NOPE")
    assert unknown.value.returncode == 2


def test_a_batch_is_chained_like_single_entries(
    tree: SimpleNamespace, make_person: Callable[..., Person]
) -> None:
    from jifen.ledger.services import NewFact, entries_append

    people = [make_person(f"党员{i}") for i in range(3)]
    single = record(tree, people[0], "xxqg_login", 1)
    batch = entries_append(
        organization=tree.b1,
        facts=[NewFact(p, D(2026, 3, 28), "party_day", "present") for p in people],
        origin=Origin.ACTIVITY,
        origin_ref="activity:1",
        recorded_by=None,
        summary="主题党日签到",
    )
    assert [e.seq for e in batch] == [2, 3, 4]
    assert batch[0].prev_hash == single.hash
    assert all(e.pk for e in batch)
    assert LedgerHead.objects.get(organization=tree.b1).head == batch[-1].hash
    assert ledger_verify() == []

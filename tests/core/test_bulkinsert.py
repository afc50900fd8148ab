"""jifen.core.bulkinsert: many rows in a few statements, each instance given the id of its own
row (both engines return ids in the order of the rows; a mix-up would attach a person's events
and memberships to someone else), and every kind of value stored as ``save()`` stores it."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, connection

from jifen.audit.chain import events_append
from jifen.audit.models import AuditEvent
from jifen.core.bulkinsert import rows_insert, secondary_indexes_deferred
from jifen.ledger.bulk import BulkFact, entries_load
from jifen.ledger.models import Entry
from jifen.orgs.models import Membership, Person

pytestmark = pytest.mark.django_db


def test_each_instance_gets_the_id_of_its_own_row(tree: SimpleNamespace) -> None:
    # More rows than one statement holds on either engine's batching, so several statements.
    people = [
        Person(
            name=f"人{i}",
            gender="MF"[i % 2],
            id_number=f"T{i:017d}",
            category="full",
            phone="" if i % 3 else "13900000000",
            joined_party=dt.date(2000, 1, 1) + dt.timedelta(days=i) if i % 4 else None,
            name_pinyin=f"ren{i}",
        )
        for i in range(5_200)
    ]
    rows_insert(people)
    assert len({p.pk for p in people}) == len(people)
    stored = {p.pk: p for p in Person.objects.all()}
    for person in people:
        again = stored[person.pk]
        assert (again.name, again.gender, again.id_number, again.phone, again.joined_party) == (
            person.name,
            person.gender,
            person.id_number,
            person.phone,
            person.joined_party,
        )
        assert again.created_at is not None
        assert again.created_at == person.created_at  # auto_now_add filled as save() would

    memberships = [
        Membership(person=p, organization=tree.b1, start=p.joined_party or dt.date(2020, 1, 1))
        for p in people[:700]
    ]
    rows_insert(memberships)
    assert {(m.pk, m.person_id, m.start) for m in memberships} == set(
        Membership.objects.values_list("pk", "person_id", "start")
    )


def test_json_addresses_and_times_are_stored_as_save_stores_them() -> None:
    user = User.objects.create_user("shenji")
    events = [
        AuditEvent(
            actor=user if i % 2 else None,
            actor_name="shenji" if i % 2 else "",
            action="test.bulk",
            target=f"orgs.Person:{i}",
            summary=f"第 {i} 条",
            detail={"i": i, "名单": ["张三", "李四"], "empty": None} if i % 3 else {},
            ip="10.0.0.7" if i % 2 else None,
            path="/x/",
        )
        for i in range(300)
    ]
    events_append(events)  # the audit chain's way in: numbered, then one rows_insert
    saved = AuditEvent(action="test.one", detail={"i": 1, "名单": ["张三", "李四"], "empty": None})
    saved.save()
    stored = {e.pk: e for e in AuditEvent.objects.filter(action="test.bulk")}
    for event in events:
        again = stored[event.pk]
        assert (again.actor_id, again.summary, again.detail, again.ip) == (
            event.actor_id,
            event.summary,
            event.detail,
            event.ip,
        )
        assert again.at == event.at
    assert AuditEvent.objects.get(pk=saved.pk).detail == stored[events[1].pk].detail


def ledger_indexes() -> dict[str, str]:
    """The ledger's indexes, name → definition, as the database holds them."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'ledger_entry'"
            )
        else:
            cursor.execute(
                "SELECT name, coalesce(sql, '') FROM sqlite_master"
                " WHERE type = 'index' AND tbl_name = 'ledger_entry'"
            )
        return dict(cursor.fetchall())


def test_a_load_without_the_secondary_indexes_ends_with_all_of_them() -> None:
    migrated = ledger_indexes()
    with secondary_indexes_deferred(Entry):
        during = ledger_indexes()
    assert ledger_indexes() == migrated
    if connection.vendor == "postgresql":
        # Only the unique ones (the key, the chain's order, the hash) stay during the load.
        assert set(during) == {"ledger_entry_pkey", "ledger_entry_hash_key", "one_entry_per_seq"}
    else:
        assert during == migrated  # SQLite keeps them: measured cheaper


def test_a_failed_load_leaves_the_indexes_as_migrated() -> None:
    migrated = ledger_indexes()
    # The error leaves the caller's transaction going: its own savepoint put the indexes back.
    with pytest.raises(ZeroDivisionError), secondary_indexes_deferred(Entry):
        _ = 1 / 0
    assert ledger_indexes() == migrated
    assert Entry.objects.count() == 0  # and the transaction is still usable


def test_the_foreign_keys_are_still_checked(tree: SimpleNamespace) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite checks foreign keys at commit, which a test never reaches")
    migrated = ledger_indexes()
    nobody = BulkFact(person_id=10**12, date=dt.date(2026, 3, 1), item="dues", value="1",
                      origin="manual")  # fmt: skip
    with pytest.raises(IntegrityError), secondary_indexes_deferred(Entry):
        entries_load(organization=tree.b1, facts=[nobody], recorded_by=None, summary="试")
    assert ledger_indexes() == migrated

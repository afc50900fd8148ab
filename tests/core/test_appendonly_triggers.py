"""The append-only triggers are installed once per test database (by the migrations) and stay.

tests/conftest.py lifts them on SQLite only for a transactional test's teardown flush and puts
them back when the flush sends post_migrate. Both tests are transactional so that pytest-django
keeps them in file order: the second runs after the first one's flush.
"""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from jifen.audit.models import AuditEvent
from jifen.core import appendonly


def _triggers() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        return {row[0] for row in cursor.fetchall()}


def _expected() -> set[str]:
    return {
        f"{table}_{suffix}"
        for table in appendonly.APPEND_ONLY_TABLES
        for suffix in ("no_update", "no_delete")
    }


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_writes_to_an_append_only_table() -> None:
    AuditEvent.objects.create(action="test.write", summary="写一行，测试结束时被清空")
    assert _expected() <= _triggers()


@pytest.mark.django_db(transaction=True)
def test_the_triggers_are_back_after_its_flush() -> None:
    assert not AuditEvent.objects.filter(action="test.write").exists()
    assert _expected() <= _triggers()
    event = AuditEvent.objects.create(action="test.write", summary="再写一行")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(summary="改写")


@pytest.mark.django_db(transaction=True)
def test_missing_triggers_names_a_dropped_one_and_none_when_all_are_there() -> None:
    assert appendonly.missing_triggers(connection) == []
    with connection.cursor() as cursor:
        for statement in appendonly.remove_sql(connection.vendor, "ledger_entry"):
            cursor.execute(statement)
    try:
        assert appendonly.missing_triggers(connection) == [
            "ledger_entry_no_update",
            "ledger_entry_no_delete",
        ]
    finally:
        appendonly.install(connection, "ledger_entry")
    assert appendonly.missing_triggers(connection) == []

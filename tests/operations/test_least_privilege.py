"""The application's PostgreSQL role (issue 16, item 2): it reads and appends to the ledger and
the audit log but cannot change, delete or truncate a row, nor alter, disable or drop a
trigger — and the application still records facts under it."""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from jifen.audit.models import AuditEvent
from jifen.audit.services import audit_record
from jifen.core.locks import row_lock
from jifen.core.statistics import statistics_refresh
from jifen.ledger.bulk import BulkFact, entries_load
from jifen.ledger.models import Entry
from jifen.ledger.services import entry_append
from jifen.periods.models import Signature
from tests.conftest import person_maker, tree_build

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite has no roles: the file's owner may do anything to it",
    ),
]

# Roles belong to the whole cluster: this one is made inside the test's transaction and goes
# with its rollback, so no other database on the server ever sees it.
ROLE = f"jifen_h_backup_app_{os.getpid()}"
TABLES = ("ledger_entry", "audit_auditevent")


@pytest.fixture
def app_role() -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {ROLE} NOLOGIN")
    out = io.StringIO()
    call_command("db", "grants", "--role", ROLE, "--apply", stdout=out)
    assert "已授权" in out.getvalue()
    return ROLE


@contextmanager
def as_app() -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {ROLE}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")


def refused(sql: str) -> str:
    """The database's refusal of ``sql`` (the test fails if it is allowed)."""
    with pytest.raises(DatabaseError) as caught, transaction.atomic(), connection.cursor() as c:
        c.execute(sql)
    return str(caught.value)


def test_set_role_drops_the_superusers_privileges(app_role: str) -> None:
    with as_app(), connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_setting('is_superuser')")
        assert cursor.fetchone() == (ROLE, "off")
        cursor.execute("SELECT count(*) FROM django_migrations")  # granted: SELECT only
        assert cursor.fetchone()[0] > 0
    with as_app():
        # What the superuser could do, the role cannot: privileges are checked as the role.
        assert "permission denied" in refused("DELETE FROM django_migrations")
        assert "permission denied" in refused("CREATE TABLE jifen_probe (id int)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] != ROLE


def test_the_app_role_cannot_rewrite_the_ledger_or_the_audit_log(app_role: str) -> None:
    tree = tree_build()
    zhang = person_maker(tree.b1)("张三")
    entry_append(
        organization=tree.b1,
        date=dt.date(2026, 3, 1),
        item="study",
        value=2,
        origin="manual",
        recorded_by=None,
        person=zhang,
    )
    with as_app():
        for table in TABLES:
            # The privilege refuses, before any trigger would: not "append-only table".
            assert "permission denied" in refused(f"UPDATE {table} SET id = id")  # noqa: S608
            assert "permission denied" in refused(f"DELETE FROM {table}")  # noqa: S608
            assert "permission denied" in refused(f"TRUNCATE {table}")
            assert "must be owner" in refused(f"ALTER TABLE {table} DISABLE TRIGGER ALL")
            assert "must be owner" in refused(
                f"ALTER TABLE {table} DISABLE TRIGGER {table}_no_update"
            )
            assert "must be owner" in refused(f"DROP TRIGGER {table}_no_delete ON {table}")
            assert "must be owner" in refused(f"DROP TABLE {table}")
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE ledger_ledgerhead SET seq = seq")  # an ordinary table: allowed
            assert cursor.rowcount == 1
        # Locking a row for update needs UPDATE: the services lock with row_lock instead.
        assert "permission denied" in refused("SELECT id FROM periods_signature FOR UPDATE")
        with transaction.atomic():
            row_lock(Signature, 1)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM ledger_entry")
            assert cursor.fetchone()[0] == 1


def test_the_application_records_facts_under_the_app_role(app_role: str) -> None:
    tree = tree_build()
    make = person_maker(tree.b1)
    zhang = make("张三")
    audits = AuditEvent.objects.count()
    with as_app():
        li = make("李四")  # a membership: the person-head trigger writes under this role
        entry = entry_append(
            organization=tree.b1,
            date=dt.date(2026, 3, 2),
            item="study",
            value="1.5",
            origin="manual",
            recorded_by=None,
            person=zhang,
        )
        loaded = entries_load(
            organization=tree.b1,
            facts=[BulkFact(li.pk, dt.date(2026, 3, d), "study", 1, "import") for d in (3, 4)],
            recorded_by=None,
            summary="导入",
        )
        statistics_refresh(Entry)  # ANALYZE: the owner's; skipped with a warning, no error
        audit_record(action="test.probe", summary="应用角色可以追加审计记录")
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone()[0] == ROLE
    assert loaded == 2
    assert Entry.objects.filter(pk=entry.pk, value="1.5").exists()
    assert Entry.objects.count() == 3
    assert AuditEvent.objects.count() > audits
    assert AuditEvent.objects.filter(action="test.probe").exists()


def test_grants_refuse_a_superuser_or_an_owner_and_print_without_apply(app_role: str) -> None:
    out = io.StringIO()
    call_command("db", "grants", "--role", ROLE, stdout=out)
    printed = out.getvalue()
    assert f'GRANT SELECT, INSERT ON "ledger_entry" TO "{ROLE}";' in printed
    assert f'GRANT SELECT, INSERT ON "audit_auditevent" TO "{ROLE}";' in printed
    assert f'GRANT SELECT, INSERT, UPDATE, DELETE ON "ledger_ledgerhead" TO "{ROLE}";' in printed
    assert "TRUNCATE" not in printed
    assert "TRIGGER" not in printed
    for role, said in (
        ("postgres", "超级用户"),
        ("Bad-Name", "不合法"),
        ("no_such_role_x", "没有角色"),
    ):
        with pytest.raises(CommandError, match=said) as caught:
            call_command("db", "grants", "--role", role, stdout=io.StringIO())
        assert caught.value.returncode == 2

"""Two "确认导入" clicks at the same moment apply the import once (PostgreSQL: real concurrency)."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client

from jifen.audit.models import AuditEvent
from jifen.orgs.models import Person
from jifen.roster import services
from jifen.roster.models import RosterImport
from tests.roster.conftest import csv_bytes, roster_row, upload

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_simultaneous_applies_write_once(general_admin: User, tree: SimpleNamespace) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers; the race is exercised on PostgreSQL")
    client = Client()
    client.force_login(general_admin)
    upload(client, tree.g.pk, csv_bytes([roster_row(f"党员{n}", n) for n in range(200)]))
    roster_import = RosterImport.objects.get()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def click() -> None:
        from django.db import connection as own

        try:
            barrier.wait()
            outcome = services.roster_import_apply(roster_import=roster_import, actor=general_admin)
            outcomes.append(outcome.kind)
        except services.ImportClosedError:
            outcomes.append("closed")
        finally:
            own.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["applied", "closed"]
    assert Person.objects.count() == 200
    assert AuditEvent.objects.filter(action="roster.import").count() == 1

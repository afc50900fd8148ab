"""Two writers appending to two ledgers in opposite orders, each append audited, in one
transaction each: the audit chain's head is taken before a ledger's head (jifen.audit.chain
``audit_head_lock``), so they queue instead of deadlocking on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.db import connections, transaction

from jifen.audit.verify import audit_verify
from jifen.ledger.models import Entry, Origin
from jifen.ledger.services import entry_append
from jifen.ledger.verify import ledger_verify
from jifen.orgs.models import Organization, Person


@pytest.mark.django_db(transaction=True)
def test_opposite_orders_queue_instead_of_deadlocking(
    tree: SimpleNamespace, make_person: Callable[..., Person]
) -> None:
    one, two = make_person("张三", tree.b1), make_person("李四", tree.b2)
    first_done = threading.Event()
    errors: list[BaseException] = []

    def append(organization: Organization, person: Person) -> None:
        entry_append(
            organization=organization,
            person=person,
            date=dt.date(2026, 3, 1),
            item="xxqg_login",
            value=1,
            origin=Origin.MANUAL,
            recorded_by=None,
        )

    def forward() -> None:
        try:
            with transaction.atomic():
                append(tree.b1, one)
                first_done.set()
                # Give the other writer time to reach its first lock while this one holds b1's.
                threading.Event().wait(0.5)
                append(tree.b2, two)
        except BaseException as error:
            errors.append(error)
            first_done.set()
        finally:
            connections.close_all()

    def backward() -> None:
        try:
            first_done.wait(10)
            with transaction.atomic():
                append(tree.b2, two)
                append(tree.b1, one)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=forward), threading.Thread(target=backward)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Entry.objects.count() == 4
    assert ledger_verify() == []
    assert audit_verify() == []

"""Two tree imports naming the same codes, confirmed at the same moment: one creates the tree,
the other is handed back with the taken codes, no error page (PostgreSQL: real concurrency)."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client

from jifen.audit.models import AuditEvent
from jifen.orgs.models import Organization
from jifen.roster import tree_services
from jifen.roster.models import TreeImport
from tests.clock import Clock
from tests.roster.test_tree_import import TREE, csv_tree, uploaded

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_imports_of_the_same_codes_create_them_once(
    committee_admin: User, tree: SimpleNamespace, clock: Clock
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers; the race is exercised on PostgreSQL")
    client = Client()
    client.force_login(committee_admin)
    imports = [uploaded(client, tree.c, csv_tree(TREE)) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def confirm(tree_import: TreeImport) -> None:
        from django.db import connection as own

        try:
            barrier.wait()
            outcomes.append(
                tree_services.tree_import_apply(tree_import=tree_import, actor=committee_admin)
            )
        finally:
            own.close()

    threads = [threading.Thread(target=confirm, args=(i,)) for i in imports]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["applied", "invalid"]
    assert Organization.objects.filter(code__in=["TG", "T01", "T0101", "T02"]).count() == 4
    assert AuditEvent.objects.filter(action="orgs.import").count() == 1
    refused = TreeImport.objects.get(status=TreeImport.Status.INVALID)
    assert {"row": 2, "column": "组织代码", "problem": "组织代码 T01 已被使用"} in refused.errors

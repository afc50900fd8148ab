"""A 10,000-row roster through the web import: checked, applied, and re-imported unchanged; and
one bad row in 10,000 refused whole. Speed is measured here rather than in `make test`.

.venv/bin/python bench/bench_roster_import.py            # SQLite
JIFEN_BENCH_PG=postgres://postgres@/jifen_bench?host=/var/run/postgresql \\
    .venv/bin/python bench/bench_roster_import.py

Targets (a slow, busy CI machine): checked within 60 s, applied within 240 s. The import is all
or nothing whatever its size: the script fails if any count differs from what it uploaded.
"""

from __future__ import annotations

import sys
import time

from django_setup import scratch_database

ROWS = 10_000
SECONDS_TO_CHECK = 60
SECONDS_TO_APPLY = 240


def main() -> int:
    url = scratch_database("roster")
    from django.contrib.auth.models import User
    from django.test import Client

    from jifen.accounts.roles import Role
    from jifen.orgs.models import Membership, Person
    from jifen.orgs.services import role_grant
    from jifen.roster.models import RosterImport
    from tests.conftest import tree_build
    from tests.roster.conftest import csv_bytes, upload, xlsx_bytes
    from tests.roster.test_large import big_rows

    tree = tree_build()
    admin = User.objects.create_user("zongzhi")
    role_grant(user=admin, role=Role.GENERAL_BRANCH_ADMIN, organization=tree.g)
    client = Client(SERVER_NAME="localhost")
    client.force_login(admin)
    failures: list[str] = []

    def expect(condition: bool, what: str) -> None:
        if not condition:
            failures.append(what)

    data = xlsx_bytes(big_rows())
    started = time.perf_counter()
    response = upload(client, tree.g.pk, data, "万人.xlsx")
    checked = time.perf_counter() - started
    expect(response.status_code == 302, f"the upload answered {response.status_code}")
    plan = RosterImport.objects.get()
    expect(plan.errors == [], f"a valid file reported errors: {plan.errors[:3]}")
    expect(plan.plan["counts"]["new"] == ROWS, "not every row is planned as new")

    started = time.perf_counter()
    applied = client.post(f"{response['Location']}apply/", follow=True)
    seconds = time.perf_counter() - started
    expect("导入完成：新增 10000 人" in applied.content.decode(), "no summary after applying")
    expect(Person.objects.count() == ROWS, "people written ≠ rows")
    expect(Membership.objects.count() == ROWS, "memberships written ≠ rows")

    started = time.perf_counter()
    upload(client, tree.g.pk, data, "万人.xlsx")
    again = time.perf_counter() - started
    unchanged = RosterImport.objects.latest("pk").plan["counts"]["unchanged"]
    expect(unchanged == ROWS, f"re-imported, {ROWS - unchanged} rows would change")

    started = time.perf_counter()
    upload(client, tree.g.pk, csv_bytes(big_rows(broken_at=9_876)))
    refused = time.perf_counter() - started
    expect(RosterImport.objects.latest("pk").errors != [], "a bad row went unnoticed")

    engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(f"{engine}: {ROWS:,} rows checked in {checked:.1f} s (target ≤ {SECONDS_TO_CHECK} s), ")
    print(f"  applied in {seconds:.1f} s (target ≤ {SECONDS_TO_APPLY} s), ")
    print(f"  re-imported unchanged in {again:.1f} s, one bad row found in {refused:.1f} s")
    expect(checked < SECONDS_TO_CHECK, "checking is over its target")
    expect(seconds < SECONDS_TO_APPLY, "applying is over its target")
    for failure in failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

"""The account pages of a committee of 10,000 members, each with an account (issue 16).

.venv/bin/python bench/bench_accounts.py                      # SQLite
JIFEN_BENCH_PG=postgres://postgres@/jifen_bench?host=/var/run/postgresql \\
    .venv/bin/python bench/bench_accounts.py [--members 10000] [--runs 7]

A committee of ``--members`` members in branches of 200 (half of the branches under one general
branch), every member with an account linked to their person and a 党员 role in their branch.
Each page is fetched through Django's test client (door, queries, template) as the committee
admin and as the general-branch admin; the median wall time and the number of queries are
printed. The list is searched and paged in the database: its query count does not grow with
the committee, and the script exits 1 if a page takes more than 15 queries.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from django_setup import scratch_database

BRANCH_SIZE = 200
MAX_QUERIES = 15


def build(members: int) -> dict[str, object]:
    import datetime as dt

    from django.contrib.auth.models import User
    from django.db import connection

    from jifen.accounts.roles import Role
    from jifen.orgs.models import Membership, Person, RoleAssignment
    from jifen.orgs.pinyin import pinyin_keys
    from jifen.orgs.services import organization_create, role_grant

    committee = organization_create(code="C", name="测试党委", kind="committee")
    general = organization_create(code="G", name="党总支", kind="general_branch", parent=committee)
    branches = [
        organization_create(
            code=f"B{n}",
            name=f"第{n}支部",
            kind="branch",
            parent=general if n % 2 else committee,
        )
        for n in range(max(1, members // BRANCH_SIZE))
    ]
    surnames = "张王李赵刘陈杨黄周吴"
    users = User.objects.bulk_create(
        (
            User(username=f"m{n:06d}", first_name=f"{surnames[n % 10]}同志{n}")
            for n in range(members)
        ),
        batch_size=2000,
    )
    people = []
    for n, user in enumerate(users):
        name = user.first_name
        full, initials = pinyin_keys(name)
        people.append(
            Person(
                name=name,
                gender="M",
                id_number=f"{n:018d}",
                category="full",
                name_pinyin=full,
                name_initials=initials,
                user=user,
            )
        )
    people = Person.objects.bulk_create(people, batch_size=2000)
    Membership.objects.bulk_create(
        (
            Membership(
                person=person,
                organization=branches[n // BRANCH_SIZE % len(branches)],
                start=dt.date(2020, 1, 1),
                start_reason="import",
            )
            for n, person in enumerate(people)
        ),
        batch_size=2000,
    )
    RoleAssignment.objects.bulk_create(
        (
            RoleAssignment(
                user=user, role=Role.MEMBER, organization=branches[n // BRANCH_SIZE % len(branches)]
            )
            for n, user in enumerate(users)
        ),
        batch_size=2000,
    )
    admin = User.objects.create_user("admin")
    role_grant(user=admin, role=Role.COMMITTEE_ADMIN, organization=committee)
    zongzhi = User.objects.create_user("zongzhi")
    role_grant(user=zongzhi, role=Role.GENERAL_BRANCH_ADMIN, organization=general)
    if connection.vendor == "postgresql":  # as autovacuum would after a real import
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"admin": admin, "zongzhi": zongzhi, "someone": users[members // 2]}


def measure(client: object, url: str, runs: int) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings = []
    queries = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)  # type: ignore[attr-defined]
            timings.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured)
    return statistics.median(timings) * 1000, queries


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    url = scratch_database("accounts")
    from django.test import Client
    from django.urls import reverse

    started = time.perf_counter()
    world = build(args.members)
    took = time.perf_counter() - started
    print(f"{url.split('://')[0]}: {args.members} members built in {took:.0f} s")
    worst = 0
    someone = world["someone"]
    pages = {
        "admin": [
            ("list, page 1", reverse("accounts:list")),
            ("list, page 100", reverse("accounts:list") + "?page=100"),
            ("search by pinyin 'zhang'", reverse("accounts:list") + "?q=zhang"),
            ("search by username", reverse("accounts:list") + f"?q={someone.username}"),  # type: ignore[attr-defined]
            ("one account", reverse("accounts:detail", kwargs={"account_id": someone.pk})),  # type: ignore[attr-defined]
        ],
        "zongzhi": [("general branch's list, page 1", reverse("accounts:list"))],
    }
    for who, urls in pages.items():
        client = Client(SERVER_NAME="localhost")
        client.force_login(world[who])  # type: ignore[arg-type]
        for title, page in urls:
            ms, queries = measure(client, page, args.runs)
            worst = max(worst, queries)
            print(f"  {who:8} {title:32} {ms:8.1f} ms  {queries:3d} queries")
    return 0 if worst <= MAX_QUERIES else 1


if __name__ == "__main__":
    sys.exit(main())

"""A member's year page with 100,000 members and 10 million ledger entries (target p95 ≤ 50 ms).

The database is filled with PostgreSQL's COPY (SQLite: executemany), 100 facts a member for the
year (xxqg figures, attendance, a declaration or two), then the page is fetched for random
members through Django's test client — the whole request: access door, queries, engine,
template.

JIFEN_BENCH_PG=postgres://postgres@/jifen_bench?host=/var/run/postgresql \\
    .venv/bin/python bench/bench_member_page.py [--members 100000] [--per-member 100]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import statistics
import time
from collections.abc import Iterator

from django_setup import percentile, scratch_database

YEAR = 2026
COLUMNS = (
    "organization_id, seq, person_id, date, item, value, source, note, evidence, "
    "origin, origin_ref, correction, reason, recorded_at, prev_hash, hash"
)
INSERT = f"INSERT INTO ledger_entry ({COLUMNS}) VALUES ({', '.join(['%s'] * 16)})"  # noqa: S608
BRANCH_SIZE = 200
ITEMS = [
    ("xxqg_login", ["0", "1", "2", "3"]),
    ("xxqg_quiz", ["15", "14", "12", "10"]),
    ("party_day", ["present", "present", "present", "absent", "excused"]),
    ("group_study", ["present", "present", "absent"]),
    ("branch_meeting", ["present", "present", "excused"]),
    ("volunteer", ["1", "2"]),
]


def fill(members: int, per_member: int) -> tuple[list[int], object]:  # noqa: PLR0915
    from django.contrib.auth.models import User
    from django.db import connection, transaction

    from jifen.orgs.kinds import kinds_ensure
    from jifen.orgs.models import Membership, Organization, OrganizationKind, Person, path_of
    from jifen.orgs.services import organization_create, role_grant
    from jifen.rulebooks.services import adoption_set

    kinds_ensure(OrganizationKind)
    committee = organization_create(code="C", name="党委", kind="committee")
    adoption_set(organization=committee, year=YEAR, rulebook="seed003")
    branch_kind = OrganizationKind.objects.get(code="branch")
    branches = Organization.objects.bulk_create(
        Organization(code=f"B{i:05d}", name=f"第{i}支部", kind=branch_kind, parent=committee)
        for i in range(members // BRANCH_SIZE)
    )
    for branch in branches:
        branch.path = path_of(committee.path, branch.pk)
    Organization.objects.bulk_update(branches, ["path"], batch_size=2000)
    people = Person.objects.bulk_create(
        (
            Person(
                name=f"党员{i}",
                gender="M",
                id_number=f"X{i:017d}",
                category="full",
                name_pinyin=f"dy{i}",
            )
            for i in range(members)
        ),
        batch_size=5000,
    )
    Membership.objects.bulk_create(
        (
            Membership(
                person=p,
                organization=branches[i // BRANCH_SIZE],
                start=dt.date(2020, 1, 1),
                start_reason="join",
            )
            for i, p in enumerate(people)
        ),
        batch_size=5000,
    )
    admin = User.objects.create_user("bench-admin")
    role_grant(user=admin, role="committee_admin", organization=committee)

    rng = random.Random(11)
    seq: dict[int, int] = {}
    counter = 0
    started = time.perf_counter()

    def rows() -> Iterator[str]:
        nonlocal counter
        for i, person in enumerate(people):
            branch_id = branches[i // BRANCH_SIZE].pk
            for n in range(per_member):
                item, values = ITEMS[n % len(ITEMS)]
                day = dt.date(YEAR, n % 12 + 1, n // 12 % 28 + 1)
                seq[branch_id] = seq.get(branch_id, 0) + 1
                counter += 1
                yield (
                    f"{branch_id}\t{seq[branch_id]}\t{person.pk}\t{day}\t{item}\t"
                    f"{rng.choice(values)}\t\t\t[]\tmanual\t\t\t\t2026-01-01 00:00:00+00\t"
                    f"{'0' * 64}\t{counter:064x}\n"
                )

    columns = (
        "organization_id, seq, person_id, date, item, value, source, note, evidence, "
        "origin, origin_ref, correction, reason, recorded_at, prev_hash, hash"
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # The ledger's triggers refuse changes, not inserts; COPY only inserts.
            with cursor.cursor.copy(f"COPY ledger_entry ({columns}) FROM STDIN") as copy:
                buffer = io.StringIO()
                for line in rows():
                    buffer.write(line)
                    if buffer.tell() > 8_000_000:
                        copy.write(buffer.getvalue())
                        buffer = io.StringIO()
                copy.write(buffer.getvalue())
            cursor.execute("ANALYZE")
    else:
        with transaction.atomic(), connection.cursor() as cursor:
            batch = []
            for line in rows():
                batch.append(line.rstrip("\n").split("\t"))
                if len(batch) == 50_000:
                    cursor.executemany(INSERT, batch)
                    batch = []
            if batch:
                cursor.executemany(INSERT, batch)
            cursor.execute("ANALYZE")
    took = time.perf_counter() - started
    print(f"filled {counter:,} entries for {members:,} members in {took:.0f} s")
    return [p.pk for p in people], admin


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--per-member", type=int, default=100)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument(
        "--reuse", action="store_true", help="PostgreSQL: time the database the last run filled"
    )
    args = parser.parse_args()
    url = scratch_database("member-page", reuse=args.reuse)
    from django.contrib.auth.models import User
    from django.test import Client

    from jifen.orgs.models import Person

    if args.reuse:
        person_ids: list[int] = list(Person.objects.values_list("pk", flat=True))
        admin: object = User.objects.get(username="bench-admin")
    else:
        person_ids, admin = fill(args.members, args.per_member)
    # No setup_test_environment(): its template instrumentation would be timed too.
    client = Client(SERVER_NAME="localhost")
    client.force_login(admin)
    rng = random.Random(5)
    for pid in rng.sample(person_ids, 20):  # warm up
        client.get(f"/people/{pid}/points/{YEAR}/")
    timings = []
    for pid in rng.sample(person_ids, args.requests):
        start = time.perf_counter()
        response = client.get(f"/people/{pid}/points/{YEAR}/")
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
        assert "至今总分".encode() in response.content
    engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    p95 = percentile(timings, 0.95) * 1000
    print(
        f"member year page, {args.members:,} members × {args.per_member} entries on {engine}: "
        f"median {statistics.median(timings) * 1000:.1f} ms, p95 {p95:.1f} ms "
        f"({args.requests} requests) — {'ok' if p95 <= 50 else 'SLOW'}"
    )


if __name__ == "__main__":
    main()

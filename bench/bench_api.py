"""The REST API (/api/v1/, issue 18) on a committee of N members built by `jifen demo --members N`.

.venv/bin/python bench/bench_api.py [--members 10000] [--runs 7]                    # SQLite
JIFEN_BENCH_PG=postgres://postgres@/jifen_bench_api?host=/var/run/postgresql \\
    .venv/bin/python bench/bench_api.py --members 10000

A token of the committee's admin calls each operation through Django's test client (the whole
request: bearer token, door, queries, JSON): the tree under the committee, one branch's people
(a page of 500), its year sheet, one member's year with every line explained, a page of 2,000
ledger entries, and a batch of 200 facts (a fresh Idempotency-Key each run). Prints the median
and the slowest of ``--runs`` warm requests and the queries each made.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import statistics
import time

from django_setup import scratch_database


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    url = scratch_database("api")

    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from jifen.accounts.roles import Role
    from jifen.api.tokens import token_create
    from jifen.core import clock
    from jifen.orgs.models import Membership, Organization
    from jifen.orgs.services import role_grant

    started = time.perf_counter()
    call_command("demo", members=args.members, code="SCALE", stdout=io.StringIO())
    built = time.perf_counter() - started
    committee = Organization.objects.get(code="SCALE")
    admin = User.objects.create_user("bench-api")
    role_grant(user=admin, role=Role.COMMITTEE_ADMIN, organization=committee)
    _token, secret = token_create(admin, name="bench")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    branch = (
        Organization.objects.filter(path__startswith=committee.path, kind__code="branch")
        .order_by("path")
        .first()
    )
    assert branch is not None
    member = Membership.objects.filter(organization=branch).order_by("pk").first()
    assert member is not None
    year = clock.today().year
    day = clock.today() - dt.timedelta(days=1)
    people = list(
        Membership.objects.filter(organization=branch, end__isnull=True)
        .order_by("pk")
        .values_list("person_id", flat=True)[:200]
    )
    batch = {
        "facts": [
            {"person_id": pid, "date": day.isoformat(), "item": "xxqg_login", "value": "1"}
            for pid in people
        ]
    }
    client = Client(SERVER_NAME="localhost")
    calls = [
        ("tree under the committee", "get", f"/api/v1/organizations?under={committee.pk}", None),
        ("a branch's people, 500", "get", f"/api/v1/organizations/{branch.pk}/people", None),
        ("a branch's year sheet", "get", f"/api/v1/organizations/{branch.pk}/years/{year}", None),
        (
            "a member's year, explained",
            "get",
            f"/api/v1/people/{member.person_id}/years/{year}?explain=1",
            None,
        ),
        (
            "ledger, 2,000 entries",
            "get",
            f"/api/v1/organizations/{branch.pk}/entries?limit=2000",
            None,
        ),
        ("200 facts in one batch", "post", f"/api/v1/organizations/{branch.pk}/facts", batch),
    ]
    print(f"{url.split('?')[0]} · {args.members:,} members, built in {built:.0f} s")
    print(f"{'operation':<30} {'median':>9} {'slowest':>9} {'queries':>8}")
    for name, method, path, body in calls:
        timings, queries = [], 0
        for run in range(args.runs + 1):  # the first run warms the caches and is not counted
            with CaptureQueriesContext(connection) as captured:
                began = time.perf_counter()
                if method == "get":
                    answer = client.get(path, **headers)
                else:
                    answer = client.post(
                        path,
                        data=body,
                        content_type="application/json",
                        HTTP_IDEMPOTENCY_KEY=f"bench-{run}",
                        **headers,
                    )
                elapsed = time.perf_counter() - began
            assert answer.status_code in {200, 201}, (
                path,
                answer.status_code,
                answer.content[:300],
            )
            if run:
                timings.append(elapsed)
                queries = len(captured.captured_queries)
        print(
            f"{name:<30} {statistics.median(timings) * 1000:>7.0f} ms "
            f"{max(timings) * 1000:>7.0f} ms {queries:>8}"
        )


if __name__ == "__main__":
    main()

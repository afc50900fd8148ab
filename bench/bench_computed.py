"""The values the records give a committee sheet (jifen/assessments/computed.py) for a branch
of 200 party members: 24 主题党日 with their attendance, a year of dues and 学习强国 figures
(2,400 facts each). What the committee sheet page adds to its own rendering. Prints the median
time and the number of queries of each rulebook's computation.

.venv/bin/python bench/bench_computed.py            # SQLite
JIFEN_BENCH_PG=postgres://postgres@/jifen_bench?host=/var/run/postgresql \\
    .venv/bin/python bench/bench_computed.py
"""

from __future__ import annotations

import datetime as dt
import statistics
import time

from django_setup import scratch_database

MEMBERS = 200
RUNS = 7


def main() -> None:
    scratch_database("computed")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jifen.assessments.computed import computed_for
    from jifen.assessments.facts import book_for
    from jifen.assessments.services import round_open
    from jifen.ledger.models import Origin
    from jifen.ledger.services import NewFact, entries_append
    from jifen.orgs.kinds import kinds_ensure
    from jifen.orgs.models import Membership, OrganizationKind, Person
    from jifen.orgs.services import organization_create
    from jifen.recording.services import Mark, activity_create, attendance_record
    from jifen.rulebooks.services import adoption_set

    kinds_ensure(OrganizationKind)
    committee = organization_create(code="C", name="党委", kind="committee")
    branch = organization_create(code="B", name="支部", kind="branch", parent=committee)
    adoption_set(organization=committee, year=2026, rulebook="seed003")
    people = Person.objects.bulk_create(
        Person(name=f"党员{i:03d}", gender="M", id_number=f"B{i:017d}", category="full")
        for i in range(MEMBERS)
    )
    Membership.objects.bulk_create(
        Membership(person=p, organization=branch, start=dt.date(2020, 1, 1), start_reason="join")
        for p in people
    )
    for month in range(1, 13):
        for day in (10, 24):
            activity = activity_create(
                organization=branch,
                item="party_day",
                title="主题党日",
                date=dt.date(2026, month, day),
            )
            marks = {p.pk: Mark("present" if i % 7 else "absent") for i, p in enumerate(people)}
            attendance_record(activity=activity, marks=marks, actor=None)
    facts = [
        NewFact(p, dt.date(2026, m, 28), item, value)
        for m in range(1, 13)
        for i, p in enumerate(people)
        for item, value in (("dues", 1 if i % 13 == 0 else 0), ("xxqg_login", i % 5))
    ]
    entries_append(
        organization=branch,
        facts=facts,
        origin=Origin.IMPORT,
        origin_ref="bench",
        recorded_by=None,
        summary="bench",
    )
    for rulebook, period in (("seed002", "Y"), ("seed000-branch", "H1")):
        found = round_open(
            owner=committee,
            year=2026,
            period=period,
            rulebook=rulebook,
            organizations=[branch],
            self_deadline=dt.date(2026, 6, 20),
            committee_deadline=dt.date(2026, 7, 10),
        )
        book = book_for(found, branch)
        times = []
        for _ in range(RUNS):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                computed_for(book, branch, 2026, period)
                times.append(time.perf_counter() - start)
        print(
            f"{connection.vendor} {rulebook} {period}: median "
            f"{statistics.median(times) * 1000:.0f} ms, {len(queries.captured_queries)} queries"
        )


if __name__ == "__main__":
    main()

"""Recording an activity with 500 attendees, including the score update (target p95 ≤ 300 ms).

"Including the score update": after the attendance is written, the branch's month sheet is
computed again from the ledger — scores are derived, never stored, so this is what the next
page shows.

.venv/bin/python bench/bench_recording.py            # SQLite
JIFEN_BENCH_PG=postgres://postgres@/jifen_bench?host=/var/run/postgresql \\
    .venv/bin/python bench/bench_recording.py
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time

from django_setup import percentile, scratch_database

ATTENDEES = 500
RUNS = 20


def main() -> None:
    url = scratch_database("recording")
    from jifen.ledger.scores import branch_year
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
        Person(
            name=f"党员{i:03d}",
            gender="M",
            id_number=f"B{i:017d}",
            category="full",
            name_pinyin=f"dangyuan{i:03d}",
        )
        for i in range(ATTENDEES)
    )
    Membership.objects.bulk_create(
        Membership(person=p, organization=branch, start=dt.date(2020, 1, 1), start_reason="join")
        for p in people
    )
    rng = random.Random(7)
    labels = ["present"] * 8 + ["absent", "excused"]
    record_times, total_times = [], []
    for run in range(RUNS):
        day = dt.date(2026, 1, 1) + dt.timedelta(days=run * 7)
        activity = activity_create(
            organization=branch, item="group_study", title=f"集中学习{run}", date=day
        )
        marks = {}
        for person in people:
            label = rng.choice(labels)
            marks[person.pk] = Mark(label, "出差" if label == "excused" else "")
        start = time.perf_counter()
        written = attendance_record(activity=activity, marks=marks, actor=None)
        recorded = time.perf_counter()
        sheet = branch_year(branch, 2026)
        done = time.perf_counter()
        assert written == ATTENDEES
        assert sheet is not None
        assert len(sheet.results) == ATTENDEES
        record_times.append(recorded - start)
        total_times.append(done - start)
        print(f"{(recorded - start) * 1000:.0f}+{(done - recorded) * 1000:.0f}", end=" ")
    engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    p95 = percentile(total_times, 0.95) * 1000
    print(
        f"activity with {ATTENDEES} attendees on {engine}: record median "
        f"{statistics.median(record_times) * 1000:.0f} ms; record + re-score the branch median "
        f"{statistics.median(total_times) * 1000:.0f} ms, p95 {p95:.0f} ms ({RUNS} runs) — "
        f"{'ok' if p95 <= 300 else 'SLOW'}"
    )


if __name__ == "__main__":
    main()

"""Large recording imports (issue 14): a month's figures (学习强国) for 10,000 members from one
xlsx, and a 500-attendee activity's sign-in sheet, each read, checked and applied as the pages do
it — then the same file again (nothing written), and the month again with one figure in ten
changed (corrections). Both append through jifen.ledger.services in one pass: one lock of the
chain's head, one INSERT per batch and one audit event per file.

.venv/bin/python bench/bench_bulk_recording.py            # SQLite
JIFEN_BENCH_PG=postgres://postgres@/jifen_bench?host=/var/run/postgresql \\
    .venv/bin/python bench/bench_bulk_recording.py

.venv/bin/python bench/bench_bulk_recording.py --members 20000   # the longest file taken

Target: each within 10 s on either engine (the sign-in sheet well under a second). The machine's
load is printed with the figures: other processes on the machine slow every figure down.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import sys
import time
from typing import Any

from django_setup import scratch_database

# --members N for another size (the page takes at most 20,000 rows; above 2,000 the worker applies).
MEMBERS = int(sys.argv[sys.argv.index("--members") + 1]) if "--members" in sys.argv else 10_000
BRANCH = 500  # the sign-in sheet's branch, the first of the committee's branches
SECONDS = 10


def _xlsx(headers: list[str], rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _committee() -> tuple[Any, list[Any], list[Any]]:
    """A committee with seed003, 10,000 members: the first branch of 500, the others of 250."""
    from jifen.orgs.kinds import kinds_ensure
    from jifen.orgs.models import Membership, OrganizationKind, Person
    from jifen.orgs.services import organization_create
    from jifen.rulebooks.services import adoption_set

    kinds_ensure(OrganizationKind)
    committee = organization_create(code="C", name="党委", kind="committee")
    branches = [
        organization_create(code=f"B{i}", name=f"第{i}支部", kind="branch", parent=committee)
        for i in range(1 + (MEMBERS - BRANCH) // 250)
    ]
    adoption_set(organization=committee, year=2026, rulebook="seed003")
    people = Person.objects.bulk_create(
        Person(
            name=f"党员{i:05d}",
            gender="M",
            id_number=f"B{i:017d}",
            category="full",
            name_pinyin=f"dangyuan{i:05d}",
        )
        for i in range(MEMBERS)
    )
    Membership.objects.bulk_create(
        Membership(
            person=p,
            organization=branches[0 if i < BRANCH else 1 + (i - BRANCH) // 250],
            start=dt.date(2020, 1, 1),
            start_reason="join",
        )
        for i, p in enumerate(people)
    )
    return committee, branches, people


CHECKS: list[float] = []  # reading and checking alone: what the page does before a job


def _month(committee: Any, actor: Any, data: bytes) -> tuple[float, Any]:
    from jifen.recording.monthly import monthly_apply, monthly_check

    started = time.perf_counter()
    checked = monthly_check(organization=committee, year=2026, month=3, data=data)
    CHECKS.append(time.perf_counter() - started)
    assert checked.problems == [], checked.problems[:3]
    applied = monthly_apply(
        organization=committee, checked=checked, filename="3月.xlsx", actor=actor
    )
    return time.perf_counter() - started, applied


def _export(committee: Any, actor: Any, data: bytes) -> tuple[float, float, Any, int]:
    """学习强国's own export for April (issue 15): read by column names, rows by 学习强国号 or
    name, the members it leaves out listed and recorded as absent."""
    from jifen.recording.monthly import monthly_apply, monthly_check

    started = time.perf_counter()
    checked = monthly_check(organization=committee, year=2026, month=4, data=data)
    check = time.perf_counter() - started
    assert checked.problems == [], checked.problems[:3]
    applied = monthly_apply(
        organization=committee, checked=checked, filename="4月.xlsx", actor=actor, absent="absence"
    )
    return check, time.perf_counter() - started, applied, len(checked.absent)


def _signin(activity: Any, actor: Any, data: bytes) -> tuple[float, int]:
    from jifen.recording.services import attendance_record
    from jifen.recording.signin import signin_read

    started = time.perf_counter()
    sheet = signin_read(activity, data)
    assert sheet.problems == [], sheet.problems[:3]
    written = attendance_record(activity=activity, marks=sheet.marks, actor=actor)
    return time.perf_counter() - started, written


def main() -> int:
    url = scratch_database("bulkrecording")
    from django.contrib.auth.models import User

    from jifen.ledger.models import Entry
    from jifen.recording.services import activity_create

    committee, branches, people = _committee()
    actor = User.objects.create_user("jifenyuan")
    headers = ["姓名", "登录学习强国", "完成每日一题"]
    rows = [[p.name, i % 5, 10 + i % 20] for i, p in enumerate(people)]
    first, applied = _month(committee, actor, _xlsx(headers, rows))
    failures = [] if applied.new == 2 * MEMBERS else [f"first import wrote {applied.new}"]
    again, applied = _month(committee, actor, _xlsx(headers, rows))
    if applied.unchanged != 2 * MEMBERS or applied.new or applied.changed:
        failures.append(f"the same file again: {applied}")
    for row in rows[::10]:
        row[2] += 1
    changed, applied = _month(committee, actor, _xlsx(headers, rows))
    if applied.changed != MEMBERS // 10:
        failures.append(f"one in ten changed: {applied}")

    export_headers = [
        "序号",
        "姓名",
        "学习强国号",
        "手机号",
        "所属组织",
        "登录天数",
        "每日答题积分",
    ]
    export = [
        [i, p.name, f"8{i:07d}", f"138****{i % 10000:04d}", "党委", 30 - i % 5, 10 + i % 6]
        for i, p in enumerate(people)
        if i % 10
    ]
    left_out = MEMBERS - len(export)
    by_name = _export(committee, actor, _xlsx(export_headers, export))
    if by_name[3] != left_out or by_name[2].new != 2 * MEMBERS:
        failures.append(f"the export by name: {by_name[2]}, {by_name[3]} left out")
    by_id = _export(committee, actor, _xlsx(export_headers, export))
    if by_id[2].unchanged != 2 * MEMBERS - 2 * left_out:
        failures.append(f"the export again, by 学习强国号: {by_id[2]}")

    activity = activity_create(
        organization=branches[0], item="group_study", title="集中学习", date=dt.date(2026, 4, 9)
    )
    sheet = [[p.name, "出席"] for p in people[:BRANCH]]
    signed, written = _signin(activity, actor, _xlsx(["姓名", "签到"], sheet))
    if written != BRANCH:
        failures.append(f"the sign-in sheet wrote {written}")
    entries = Entry.objects.count()

    engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    load = ", ".join(f"{figure:.1f}" for figure in os.getloadavg())
    print(f"{engine}: monthly figures, {MEMBERS:,} members × 2 items (read, check, apply):")
    print(f"  first import {first:.1f} s, the same file again {again:.1f} s, ")
    print(f"  one in ten changed (corrections) {changed:.1f} s (target ≤ {SECONDS} s each)")
    print(f"  of which reading and checking {', '.join(f'{c:.1f}' for c in CHECKS)} s")
    print(f"  学习强国 export, {len(export):,} rows, {left_out:,} members left out (按缺勤处理):")
    print(f"    by name: check {by_name[0]:.1f} s, check and apply {by_name[1]:.1f} s;")
    print(f"    again, by 学习强国号: check {by_id[0]:.1f} s, check and apply {by_id[1]:.1f} s")
    print(f"  sign-in sheet of a {BRANCH}-member activity: {signed * 1000:.0f} ms")
    print(f"  {entries:,} ledger entries; load average {load} on {os.cpu_count()} cores")
    timed = [(first, "first"), (again, "again"), (changed, "changed")]
    timed += [(by_name[1], "export by name"), (by_id[1], "export by ID")]
    for seconds, what in timed:
        if seconds > SECONDS:
            failures.append(f"the {what} monthly import is over its target")
    for failure in failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

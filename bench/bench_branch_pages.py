"""One 200-member branch's pages while its committee grows: the month sheet (月度积分表), the
quarter sheet (季度考评表), the monthly 考核表, the year-end sheet (年度汇总表), the register
(党员积分量化登记表) and a member's year (我的积分), at 1,000 / 10,000 / 100,000 members in the
committee. The branch and its facts are the same at every size; only the other branches (200
members each, no facts) grow. A page whose time grows with the committee reads more than its
branch.

.venv/bin/python bench/bench_branch_pages.py                      # SQLite
JIFEN_BENCH_PG=postgres://postgres@/jifen_bench?host=/var/run/postgresql \\
    .venv/bin/python bench/bench_branch_pages.py [--sizes 1000,10000,100000] [--runs 5]

Each page is fetched through Django's test client as the committee admin (the whole request:
door, queries, engine, template); the median and the slowest wall time of ``--runs`` are
printed, and the median CPU time of this process. Target: at the largest committee each page
costs at most twice its CPU time at the smallest (the script exits 1 otherwise). Before issue
14 the month sheet took 13x and more at 100,000 members: it loaded every membership of the
committee. The build uses bulk inserts: 100,000 members take about a minute.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time

from django_setup import scratch_database

YEAR = 2026
BRANCH_SIZE = 200
PER_MEMBER = 100  # facts a member of the measured branch has in the year
MAX_GROWTH = 2.0
ITEMS = [
    ("xxqg_login", ["0", "1", "2", "3"]),
    ("xxqg_quiz", ["15", "14", "12", "10"]),
    ("party_day", ["present", "present", "present", "absent", "excused"]),
    ("group_study", ["present", "present", "absent"]),
    ("branch_meeting", ["present", "present", "excused"]),
    ("volunteer", ["1", "2"]),
]
COLUMNS = (
    "organization_id, seq, person_id, date, item, value, source, note, evidence, "
    "origin, origin_ref, correction, reason, recorded_at, prev_hash, hash"
)
INSERT = f"INSERT INTO ledger_entry ({COLUMNS}) VALUES ({', '.join(['%s'] * 16)})"  # noqa: S608


class World:
    """The committee, the measured branch and its people, and how many members there are."""

    def __init__(self) -> None:
        from django.contrib.auth.models import User

        from jifen.orgs.kinds import kinds_ensure
        from jifen.orgs.models import OrganizationKind
        from jifen.orgs.services import organization_create, role_grant
        from jifen.rulebooks.services import adoption_set

        kinds_ensure(OrganizationKind)
        self.committee = organization_create(code="C", name="党委", kind="committee")
        adoption_set(organization=self.committee, year=YEAR, rulebook="seed003")
        self.admin = User.objects.create_user("bench-admin")
        role_grant(user=self.admin, role="committee_admin", organization=self.committee)
        self.branches = 0
        self.members = 0
        self.branch, self.people = self.grow(1)[0]
        self._facts()

    def grow(self, branches: int) -> list[tuple[object, list[object]]]:
        """``branches`` more branches of 200 members under the committee, in bulk."""
        from jifen.orgs.models import Membership, Organization, OrganizationKind, Person, path_of

        kind = OrganizationKind.objects.get(code="branch")
        made = Organization.objects.bulk_create(
            Organization(
                code=f"B{self.branches + i:05d}",
                name=f"第{self.branches + i}支部",
                kind=kind,
                parent=self.committee,
            )
            for i in range(branches)
        )
        for branch in made:
            branch.path = path_of(self.committee.path, branch.pk)
        Organization.objects.bulk_update(made, ["path"], batch_size=2000)
        start = self.members
        people = Person.objects.bulk_create(
            (
                Person(
                    name=f"党员{start + i}",
                    gender="M",
                    id_number=f"X{start + i:017d}",
                    category="full",
                    name_pinyin=f"dy{start + i:06d}",
                )
                for i in range(branches * BRANCH_SIZE)
            ),
            batch_size=5000,
        )
        Membership.objects.bulk_create(
            (
                Membership(
                    person=p,
                    organization=made[i // BRANCH_SIZE],
                    start=dt.date(2020, 1, 1),
                    start_reason="join",
                )
                for i, p in enumerate(people)
            ),
            batch_size=5000,
        )
        self.branches += branches
        self.members += branches * BRANCH_SIZE
        return [(b, people[i * BRANCH_SIZE : (i + 1) * BRANCH_SIZE]) for i, b in enumerate(made)]

    def _facts(self) -> None:
        """The measured branch's year: 100 facts a member, written in one batch."""
        from django.db import connection, transaction

        rng = random.Random(11)
        rows = []
        for i, person in enumerate(self.people):
            for n in range(PER_MEMBER):
                item, values = ITEMS[n % len(ITEMS)]
                seq = i * PER_MEMBER + n + 1
                rows.append(
                    (
                        self.branch.pk,  # type: ignore[attr-defined]
                        seq,
                        person.pk,  # type: ignore[attr-defined]
                        dt.date(YEAR, n % 12 + 1, n // 12 % 28 + 1),
                        item,
                        rng.choice(values),
                        "",
                        "",
                        "[]",
                        "manual",
                        "",
                        "",
                        "",
                        dt.datetime(YEAR, 1, 1, tzinfo=dt.UTC),
                        "0" * 64,
                        f"{seq:064x}",
                    )
                )
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(INSERT, rows)

    def analyze(self) -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def timed(client: object, url: str, runs: int) -> tuple[float, float, float]:
    """Median and slowest wall time of ``runs`` fetches, and the median CPU time this process
    spent on one (steadier than the wall clock when other work shares the cores)."""
    client.get(url)  # type: ignore[attr-defined]  # warm up: caches, the first query plans
    walls, cpus = [], []
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)  # type: ignore[attr-defined]
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(walls), max(walls), statistics.median(cpus)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    url = scratch_database("branch-pages")
    from django.test import Client

    world = World()
    client = Client(SERVER_NAME="localhost")
    client.force_login(world.admin)
    branch, person = world.branch.pk, world.people[7].pk  # type: ignore[attr-defined]
    pages = {
        "月度积分表": f"/orgs/{branch}/sheet/{YEAR}/6/",
        "季度考评表": f"/orgs/{branch}/periods/{YEAR}/2/",
        # Seed 003's monthly 考核表: the engine runs twice (this month's end, last month's).
        "月度考核表": f"/orgs/{branch}/months/{YEAR}/6/",
        "年度汇总表": f"/orgs/{branch}/periods/{YEAR}/year-end/",
        "登记表": f"/people/{person}/points/{YEAR}/register/",
        "我的积分": f"/people/{person}/points/{YEAR}/",
    }
    engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(f"{engine}: one {BRANCH_SIZE}-member branch, {BRANCH_SIZE * PER_MEMBER:,} facts")
    print(f"{'members':>9}  " + "  ".join(f"{name:>20}" for name in pages))
    cpu: dict[str, list[float]] = {name: [] for name in pages}
    for size in sizes:
        started = time.perf_counter()
        if size > world.members:
            world.grow((size - world.members) // BRANCH_SIZE)
        world.analyze()
        built = time.perf_counter() - started
        cells = []
        for name, page in pages.items():
            median, slowest, on_cpu = timed(client, page, args.runs)
            cpu[name].append(on_cpu)
            cells.append(f"{median * 1000:6.0f} ({slowest * 1000:5.0f}) {on_cpu * 1000:5.0f}")
        print(f"{world.members:>9,}  " + "  ".join(f"{c:>20}" for c in cells), end="")
        print(f"   [grown in {built:.0f} s]")
    print(f"ms: median wall (slowest) median CPU of this process, {args.runs} runs each")
    # The target: a page's cost follows its branch, so the largest committee may cost at most
    # twice the smallest in CPU (before, the month sheet cost 13x and more at 100,000).
    grew = {name: times[-1] / times[0] for name, times in cpu.items()}
    print(
        "CPU, largest / smallest committee: " + ", ".join(f"{n} {r:.1f}x" for n, r in grew.items())
    )
    slow = [name for name, ratio in grew.items() if ratio > MAX_GROWTH]
    print("ok" if not slow else f"GROWS with the committee: {'、'.join(slow)}")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())

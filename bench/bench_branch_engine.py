"""The engine alone on a 500-member branch sheet (explain=False), as the month sheet and the
recording benchmark use it: 500 members active part of the year, 20 attendance facts each plus a
few monthly figures. No database. Prints the median and a checksum of the results.

.venv/bin/python bench/bench_branch_engine.py
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from jifen.scoring import Fact, Interval, Subject, load_rulebook, score

MEMBERS = 500
RUNS = 20


def world() -> tuple[list[Subject], list[Fact]]:
    rng = random.Random(7)
    subjects = [
        Subject(
            f"p{i}",
            name=f"党员{i:03d}",
            org="B",
            active=(Interval(dt.date(2026, 1, 1), dt.date(2026, 12, 31)),),
        )
        for i in range(MEMBERS)
    ]
    facts: list[Fact] = []
    labels = ["present"] * 8 + ["absent", "excused"]
    n = 0
    for run in range(20):
        day = dt.date(2026, 1, 1) + dt.timedelta(days=run * 7)
        for s in subjects:
            n += 1
            facts.append(Fact(str(n), s.id, day, "group_study", rng.choice(labels)))
    for month in range(1, 6):
        for s in subjects:
            n += 1
            facts.append(
                Fact(
                    str(n), s.id, dt.date(2026, month, 28), "xxqg_login", Decimal(rng.randint(0, 3))
                )
            )
    return subjects, facts


def main() -> None:
    rulebook = load_rulebook("seed003")
    subjects, facts = world()
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        sheet = score(rulebook, facts, year=2026, subjects=subjects, explain=False)
        timings.append(time.perf_counter() - start)
    check = sum(r.total for r in sheet.results)
    stars = sum(r.stars or 0 for r in sheet.results)
    print(
        f"engine, {MEMBERS} members × {len(facts) // MEMBERS} facts, explain=False: median "
        f"{statistics.median(timings) * 1000:.0f} ms (checksum {check} / {stars} stars)"
    )


if __name__ == "__main__":
    main()

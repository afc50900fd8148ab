"""Synthetic facts for benchmarks: members of seed003 with a realistic mix of facts.

.venv/bin/python bench/generate.py 1000 100 > facts.csv   # 1,000 members × 100 facts
"""

from __future__ import annotations

import csv
import random
import sys
from datetime import date, timedelta
from decimal import Decimal
from typing import TextIO

from jifen.scoring import Fact

YEAR = 2026
# (item code, value maker) for seed003: shortfalls, attendance, declarations, the review grade
MAKERS = [
    ("xxqg_login", lambda r: str(r.randint(0, 5))),
    ("xxqg_quiz", lambda r: str(r.randint(5, 15))),
    ("group_study", lambda r: r.choice(["present", "present", "present", "absent", "excused"])),
    ("other_study", lambda r: r.choice(["present", "present", "absent"])),
    ("branch_meeting", lambda r: r.choice(["present", "present", "present", "absent"])),
    ("party_lecture", lambda r: r.choice(["present", "excused"])),
    ("group_meeting", lambda r: r.choice(["present", "absent"])),
    ("party_day", lambda r: r.choice(["present", "present", "absent"])),
    ("dues", lambda r: "1"),
    ("grid_work", lambda r: str(r.randint(1, 3))),
    ("volunteer", lambda r: str(r.randint(1, 2))),
    ("branch_choice", lambda r: str(r.randint(1, 4))),
    ("misconduct", lambda r: "1"),
]
WEIGHTS = [20, 20, 12, 8, 4, 8, 8, 10, 1, 3, 3, 2, 1]


def member_rows(subject: str, count: int, rng: random.Random) -> list[tuple[str, str, str, str]]:
    rows = [
        (
            subject,
            f"{YEAR}-12-20",
            "democratic_review",
            rng.choice(["优秀", "合格", "合格", "基本合格"]),
        )
    ]
    for _ in range(count - 1):
        code, make = rng.choices(MAKERS, WEIGHTS)[0]
        day = date(YEAR, 1, 1) + timedelta(days=rng.randint(0, 364))
        rows.append((subject, day.isoformat(), code, make(rng)))
    return rows


def member_facts(subject: str, count: int, seed: int = 1) -> list[Fact]:
    rng = random.Random(seed)
    facts = []
    for n, (sid, day, code, value) in enumerate(member_rows(subject, count, rng)):
        parsed: Decimal | str = Decimal(value) if value[0].isdigit() else value
        facts.append(Fact(f"{sid}-{n}", sid, date.fromisoformat(day), code, parsed))
    return facts


def write_csv(members: int, per_member: int, stream: TextIO, seed: int = 1) -> None:
    rng = random.Random(seed)
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(["subject", "date", "item", "value"])
    for m in range(members):
        writer.writerows(member_rows(f"M{m:05d}", per_member, rng))


if __name__ == "__main__":
    write_csv(int(sys.argv[1]), int(sys.argv[2]), sys.stdout)

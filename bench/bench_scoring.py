"""One member's year of 100 facts scored with seed003 (target: ≤ 1 ms median).

.venv/bin/python bench/bench_scoring.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import YEAR, member_facts

from jifen.scoring import load_rulebook, score

RUNS = 2000


def main() -> None:
    rulebook = load_rulebook("seed003")
    facts = member_facts("M00001", 100)
    for _ in range(50):  # warm up
        score(rulebook, facts, year=YEAR)
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        score(rulebook, facts, year=YEAR)
        timings.append(time.perf_counter() - start)
    timings.sort()
    median = statistics.median(timings) * 1000
    p95 = timings[int(len(timings) * 0.95)] * 1000
    verdict = "ok" if median <= 1.0 else "SLOW"
    print(
        f"score one member, 100 facts, seed003: median {median:.3f} ms, "
        f"p95 {p95:.3f} ms ({RUNS} runs) — {verdict}"
    )


if __name__ == "__main__":
    main()

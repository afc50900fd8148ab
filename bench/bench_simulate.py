"""`jifen simulate` of 1,000 members × 100 facts as a whole process (target: ≤ 2 s wall time).

.venv/bin/python bench/bench_simulate.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import write_csv

RUNS = 5
MEMBERS = 1000
PER_MEMBER = 100


def command() -> list[str]:
    exe = Path(sys.executable).parent / "jifen"
    if exe.exists():
        return [str(exe), "simulate"]
    code = (
        "import sys; from jifen.simulation.cli import simulate_main; "
        "sys.exit(simulate_main(sys.argv[1:]))"
    )
    return [sys.executable, "-c", code]


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        facts = Path(folder) / "facts.csv"
        with facts.open("w", encoding="utf-8", newline="") as stream:
            write_csv(MEMBERS, PER_MEMBER, stream)
        out = Path(folder) / "out.json"
        timings = []
        for _ in range(RUNS):
            start = time.perf_counter()
            done = subprocess.run(  # noqa: S603 - our own command
                [*command(), "seed003", str(facts), "--output", str(out)],
                capture_output=True,
                text=True,
                check=False,
            )
            timings.append(time.perf_counter() - start)
            if done.returncode != 0:
                raise SystemExit(done.stderr)
    timings.sort()
    median = statistics.median(timings)
    verdict = "ok" if median <= 2.0 else "SLOW"
    print(
        f"jifen simulate seed003, {MEMBERS} members × {PER_MEMBER} facts "
        f"({MEMBERS * PER_MEMBER} rows): median {median:.2f} s, max {timings[-1]:.2f} s "
        f"({RUNS} runs, whole process) — {verdict}"
    )


if __name__ == "__main__":
    main()

"""Loading the demo college (`jifen demo`'s people, tree, accounts and year) on an empty database.

.venv/bin/python bench/bench_demo_load.py            # SQLite
JIFEN_BENCH_PG=postgres://postgres@/jifen_bench?host=/var/run/postgresql \\
    .venv/bin/python bench/bench_demo_load.py

Target: within 20 s on a busy machine (about one second on an idle one). The demo is what a new
user tries first; `make demo` should not keep them waiting. The script also checks that the load
made the 300 people it promises.
"""

from __future__ import annotations

import sys
import time

from django_setup import scratch_database

SECONDS = 20


def main() -> int:
    url = scratch_database("demo")
    from jifen.demo.college import college_load

    started = time.perf_counter()
    summary = college_load()
    seconds = time.perf_counter() - started
    engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(f"{engine}: the demo college loaded in {seconds:.1f} s (target ≤ {SECONDS} s)")
    if summary.people_total != 300:
        print(f"FAILED: {summary.people_total} people instead of 300", file=sys.stderr)
        return 1
    return 0 if seconds < SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())

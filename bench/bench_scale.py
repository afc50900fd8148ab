"""Jifen at a city's size, side by side on SQLite and PostgreSQL: the scale demo
(`jifen demo --members N`) built (or reused), then timed the way a committee uses it.

.venv/bin/python bench/bench_scale.py                     # 1,000 and 10,000 members
.venv/bin/python bench/bench_scale.py 100000 --engines pg # 100,000 on PostgreSQL only
.venv/bin/python bench/bench_scale.py 1000 --rebuild      # build again (drop the old copy)
.venv/bin/python bench/bench_scale.py 100000 --engines pg --quick  # no overview, no 20 clients

Databases: SQLite files /tmp/scaledemo/scale-N.sqlite3 and PostgreSQL databases
jifen_scaledemo_bench_N (JIFEN_BENCH_PG_HOST, default /var/run/postgresql); kept between runs,
since building 100,000 members takes minutes, and reused when their committee SCN exists.

What is timed, for each size and engine (one child process each, so that Django talks to one
database):
  build           `jifen demo --members N` (only when built in this run) and the database size
  cold score      the committee's year through ``branch_year`` (the year-end / 统计表 path),
                  with the process's peak memory
  overview        the committee's year overview page, warm (second request), Django test client
  branch sheet    a ~200-member branch's month sheet, warm, test client
  member page     a member's year page, warm, test client
  record 500      an activity of 500 attendees recorded through activity_create and
                  attendance_record (the real services), p50 of 5
  duckdb          DuckDB's bare per-member/month/item capped aggregate of the same facts,
                  exported to Parquet (optional: `pip install -e .[bench]`; skipped otherwise)
  20 clients      p50/p95, requests per second and errors of 20 threads fetching the branch
                  sheet, then member pages, from a live gunicorn on 127.0.0.1 (2 workers × 4
                  threads: the machine has 2 cores), 5 requests each

Each figure depends on the machine's load: the script prints ``uptime`` first and last.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = Path(tempfile.gettempdir()) / "scaledemo"
PG_HOST = os.environ.get("JIFEN_BENCH_PG_HOST", "/var/run/postgresql")

ROWS = (
    ("build_s", "build (s)"),
    ("facts", "facts"),
    ("db_mb", "database (MB)"),
    ("cold_s", "cold score, branch_year (s)"),
    ("cold_rss_mb", "  peak memory (MB)"),
    ("overview_s", "overview, warm, p50 of 5 (s)"),
    ("overview_after_record_s", "overview after recording 500 (s)"),
    ("sheet_s", "branch month sheet, warm (s)"),
    ("member_s", "member page, warm (s)"),
    ("record_s", "record 500 attendees, p50 (s)"),
    ("duckdb_s", "DuckDB capped aggregate (s)"),
    ("cold_vs_duckdb", "cold score ÷ DuckDB"),
    ("sheet_p50", "sheet, 20 clients p50 (s)"),
    ("sheet_p95", "sheet, 20 clients p95 (s)"),
    ("sheet_rps", "sheet, requests/s"),
    ("sheet_errors", "sheet, errors"),
    ("member_p50", "member, 20 clients p50 (s)"),
    ("member_p95", "member, 20 clients p95 (s)"),
    ("member_rps", "member, requests/s"),
    ("member_errors", "member, errors"),
)


def database_url(engine: str, members: int) -> str:
    if engine == "sqlite":
        return f"sqlite:///{WORK / f'scale-{members}.sqlite3'}"
    return f"postgres://postgres@/jifen_scaledemo_bench_{members}?host={PG_HOST}"


def run_one(engine: str, members: int, flags: list[str]) -> dict[str, object]:
    """One size on one engine, in a child process (bench/scale_child.py): its JSON line."""
    env = dict(os.environ)
    env["DATABASE_URL"] = database_url(engine, members)
    env["JIFEN_VAR_DIR"] = str(WORK / f"var-{engine}-{members}")
    env["DJANGO_SETTINGS_MODULE"] = "jifen.settings"
    command = [
        sys.executable,
        str(Path(__file__).with_name("scale_child.py")),
        engine,
        str(members),
    ]
    command.extend(flags)
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S603
    sys.stderr.write(done.stderr[-3000:] if done.returncode else "")
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode or not lines:
        return {"error": f"exit {done.returncode}"}
    return dict(json.loads(lines[-1]))


def show(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.3f}" if value < 10 else f"{value:,.1f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 10000])
    # PostgreSQL too where a server listens (as on the development machine); `make bench`
    # elsewhere runs SQLite only.
    default = "sqlite,pg" if Path(PG_HOST).exists() else "sqlite"
    parser.add_argument("--engines", default=default, help="sqlite,pg (default: both)")
    parser.add_argument("--rebuild", action="store_true", help="build the demo again")
    parser.add_argument(
        "--quick", action="store_true", help="no overview, no 20 clients (minutes at 100k)"
    )
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    uptime = subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout  # noqa: S607
    print(f"load before: {uptime.strip()}")
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    columns = [(engine, size) for size in args.sizes for engine in engines]
    results = {}
    for engine, size in columns:
        print(f"… {engine} {size:,}", file=sys.stderr, flush=True)
        flags = [f for f, on in (("--rebuild", args.rebuild), ("--quick", args.quick)) if on]
        results[(engine, size)] = run_one(engine, size, flags)
    uptime = subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout  # noqa: S607
    head = "".join(
        f"{('SQLite' if e == 'sqlite' else 'PostgreSQL') + f' {s:,}':>20}" for e, s in columns
    )
    print(f"{'':34}{head}")
    for key, label in ROWS:
        print(f"{label:34}" + "".join(f"{show(results[c].get(key)):>20}" for c in columns))
    for column, result in results.items():
        if "error" in result or result.get("note"):
            print(f"{column}: {result.get('error') or result.get('note')}")
    print(f"load after: {uptime.strip()}")
    return 0 if all("error" not in r for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())

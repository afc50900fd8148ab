"""The cold recompute of a committee's year, against DuckDB's bare capped aggregate of the
same facts: ``branch_year`` of the whole committee (one cut-off, rated: the year-end path) and
``jifen scores rebuild`` (every cut-off the pages ask for, stored), serially and in worker
processes (``--jobs``).

.venv/bin/python bench/bench_cold.py                       # 1,000 and 10,000, both engines
.venv/bin/python bench/bench_cold.py 100000 --engines pg   # one size, one engine
.venv/bin/python bench/bench_cold.py 10000 --jobs 1,2,4    # the process counts to try

Databases: the scale demo (``jifen demo --members N``, committee SC<N>), built when missing, in
JIFEN_BENCH_COLD_DIR (SQLite files, default /tmp/coldbench) and PostgreSQL databases
jifen_coldbench_<N> (JIFEN_BENCH_PG_HOST; JIFEN_BENCH_COLD_PG names one database for every
size instead). A rebuild writes the stored results, so these are not bench_scale.py's
databases. Every figure is taken in a process of its own (bench/cold_child.py), so its peak
memory is its own: the ``--jobs`` figure is the largest worker's (the parent only waits).

Each figure depends on the machine's load: ``uptime`` is printed before and after each size.
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
WORK = Path(os.environ.get("JIFEN_BENCH_COLD_DIR") or Path(tempfile.gettempdir()) / "coldbench")
PG_HOST = os.environ.get("JIFEN_BENCH_PG_HOST", "/var/run/postgresql")


def database_url(engine: str, members: int) -> str:
    if engine == "sqlite":
        return f"sqlite:///{WORK / f'cold-{members}.sqlite3'}"
    name = os.environ.get("JIFEN_BENCH_COLD_PG") or f"jifen_coldbench_{members}"
    return f"postgres://postgres@/{name}?host={PG_HOST}"


def child(engine: str, members: int, what: str) -> dict[str, object]:
    env = dict(os.environ)
    env["DATABASE_URL"] = database_url(engine, members)
    env["JIFEN_VAR_DIR"] = str(WORK / f"var-{engine}-{members}")
    env["DJANGO_SETTINGS_MODULE"] = "jifen.settings"
    env["PYTHONPATH"] = str(ROOT)
    command = [sys.executable, str(Path(__file__).with_name("cold_child.py")), engine]
    command += [str(members), what]
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S603
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode or not lines:
        sys.stderr.write(done.stderr[-3000:])
        return {"error": f"{what}: exit {done.returncode}"}
    return dict(json.loads(lines[-1]))


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()  # noqa: S607


def report(engine: str, members: int, jobs: list[int]) -> None:
    print(f"\n== {'SQLite' if engine == 'sqlite' else 'PostgreSQL'} {members:,} members")
    print(f"load before: {uptime()}")
    built = child(engine, members, "build")
    if "error" in built:
        print(built["error"])
        return
    facts = int(str(built["facts"]))
    duck = child(engine, members, "duckdb")
    floor = duck.get("seconds")
    print(f"facts {facts:,}; DuckDB bare capped aggregate {show(floor)} s ({duck.get('note', '')})")
    runs = [("branch_year (1 cut-off, rated)", "branch_year")]
    runs += [(f"scores rebuild --jobs {n}", f"rebuild:{n}") for n in jobs]
    print(f"{'':34}{'seconds':>9}{'cpu s':>9}{'facts/s':>11}{'peak MB':>9}{'÷ DuckDB':>10}")
    for label, what in runs:
        found = child(engine, members, what)
        if "error" in found:
            print(f"{label:34}{found['error']}")
            continue
        seconds = float(str(found["seconds"]))
        ratio = f"{seconds / float(str(floor)):.1f}×" if floor else "—"
        print(
            f"{label:34}{seconds:9.2f}{float(str(found['cpu'])):9.2f}"
            f"{facts / seconds:11,.0f}{float(str(found['peak_mb'])):9.0f}{ratio:>10}"
        )
    print(f"load after: {uptime()}")


def show(value: object) -> str:
    return f"{value:.3f}" if isinstance(value, float) else "—"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 10000])
    default = "sqlite,pg" if Path(PG_HOST).exists() else "sqlite"
    parser.add_argument("--engines", default=default, help="sqlite,pg (default: both)")
    parser.add_argument("--jobs", default="1,2", help="worker processes to try (default 1,2)")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    jobs = [int(n) for n in args.jobs.split(",") if n.strip()]
    for size in args.sizes:
        for engine in (e.strip() for e in args.engines.split(",") if e.strip()):
            report(engine, size, jobs)
    return 0


if __name__ == "__main__":
    sys.exit(main())

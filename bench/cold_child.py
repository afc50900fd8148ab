"""One figure of bench/bench_cold.py, in its own process (DATABASE_URL and JIFEN_VAR_DIR set by
the parent): ``build`` (the demo, when missing), ``duckdb``, ``branch_year`` or ``rebuild:N``.
Prints one JSON line."""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))


def _peak_mb() -> float:
    """The largest resident set of this process or of any worker it waited for."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, workers) / 1024


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def main() -> None:
    engine, members, what = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    from scale_child import _database, _duckdb

    if what == "build":
        _database(engine, members, rebuild=False)
    import django

    django.setup()
    from django.core.management import call_command

    from jifen.core import clock
    from jifen.ledger.models import Entry
    from jifen.ledger.scores import branch_year
    from jifen.ledger.stored_check import scores_rebuild
    from jifen.orgs.models import Organization

    code, today = f"SC{members}", clock.today()
    figures: dict[str, Any] = {}
    if what == "build":
        call_command("migrate", verbosity=0)
        if not Organization.objects.filter(code=code).exists():
            from jifen.demo.scale import scale_load

            scale_load(code=code, members=members, as_of=today)
        if engine == "pg":
            # Planner statistics as autovacuum keeps them in production (this development
            # server runs with autovacuum off, and a bulk load leaves none): without them a
            # branch's facts were read by the date index, 0.6 s a branch instead of 16 ms.
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        committee = Organization.objects.get(code=code)
        figures["facts"] = Entry.objects.filter(
            organization__path__startswith=committee.path, date__year=today.year
        ).count()
        print(json.dumps(figures))
        return
    committee = Organization.objects.get(code=code)
    if what == "duckdb":
        var = Path(os.environ["JIFEN_VAR_DIR"])
        var.mkdir(parents=True, exist_ok=True)
        figures["seconds"], figures["note"] = _duckdb(committee, today.year, var / "facts.parquet")
        print(json.dumps(figures))
        return
    cpu, started = _cpu(), time.perf_counter()
    if what == "branch_year":
        branch_year(committee, today.year, today=today)
    else:
        jobs = int(what.split(":")[1])
        scores_rebuild(committee, today.year, today, jobs=jobs)
    figures["seconds"] = time.perf_counter() - started
    figures["cpu"] = _cpu() - cpu
    figures["peak_mb"] = _peak_mb()
    print(json.dumps(figures))


if __name__ == "__main__":
    main()

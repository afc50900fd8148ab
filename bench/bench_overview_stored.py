"""The committee year overview before and after stored results (issue 14).

.venv/bin/python bench/bench_overview_stored.py                       # the demo college, SQLite
.venv/bin/python bench/bench_overview_stored.py --members 10000       # a bulk-filled committee
JIFEN_BENCH_PG=postgres://postgres@/jifen_stored_bench?host=/var/run/postgresql \\
    .venv/bin/python bench/bench_overview_stored.py [--members N]

Prints, for the committee's year overview (``reports.stats.year_overview``, the page's work):
recomputed from the ledger as before (the year so far and each quarter end), cold (no stored
rows: everything recomputed and stored), warm (everything stored), after recording a
500-attendee activity (those 500 recomputed), and ``jifen scores rebuild`` / ``verify`` for the
committee. Report the machine's load with the figures: other jobs share the cores.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import statistics
import time
from collections.abc import Callable

from django_setup import scratch_database


def timed(work: Callable[[], object], repeat: int = 1) -> tuple[float, float]:
    """Median and worst of ``repeat`` runs, in seconds."""
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs), max(runs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=0, help="0: the demo college (300)")
    parser.add_argument("--per-member", type=int, default=100)
    args = parser.parse_args()
    url = scratch_database("overview")
    from jifen.core import clock
    from jifen.ledger.models import Origin, StoredYear
    from jifen.ledger.scores import branch_years
    from jifen.ledger.services import NewFact, entries_append
    from jifen.ledger.stored_check import scores_rebuild, scores_verify
    from jifen.orgs.models import Organization, Person
    from jifen.reports import stats
    from jifen.rulebooks.services import adoption_for

    if args.members:
        from bench_member_page import YEAR, fill

        fill(args.members, args.per_member)
        committee = Organization.objects.get(code="C")
        today = dt.date(YEAR, 12, 6)
    else:
        from django.core.management import call_command

        from jifen.demo.college import COMMITTEE_CODE

        call_command("demo", stdout=io.StringIO())
        committee = Organization.objects.get(code=COMMITTEE_CODE)
        today = clock.today()
        YEAR = today.year  # noqa: N806
    members = Person.objects.count()

    def overview() -> object:
        return stats.year_overview(committee, YEAR, today)

    stored = stats.stored_branch_years
    stats.stored_branch_years = branch_years  # type: ignore[assignment] (the old path)
    before, _ = timed(overview)
    expected = overview()
    stats.stored_branch_years = stored
    cold, _ = timed(overview)
    rows = StoredYear.objects.count()
    warm, warm_worst = timed(overview, repeat=5)
    assert overview() == expected, "the stored overview differs from the recomputed one"
    # The attendees: members of branches under the committee's own rulebook (a branch with a
    # rulebook of its own has other item codes).
    ruled = adoption_for(committee, YEAR)
    assert ruled is not None
    branches = [
        b
        for b in Organization.objects.filter(
            path__startswith=committee.path, kind__code="branch"
        ).order_by("path")
        if getattr(adoption_for(b, YEAR), "pk", None) == ruled.pk
    ]
    branch = branches[0]
    attendees = list(
        Person.objects.filter(
            memberships__organization__in=branches, memberships__end__isnull=True
        ).distinct()[:500]
    )
    write, _ = timed(
        lambda: entries_append(
            organization=branch,
            facts=[NewFact(p, today, "volunteer", 1) for p in attendees],
            origin=Origin.MANUAL,
            origin_ref="bench",
            recorded_by=None,
            summary="bench",
        )
    )
    after_write, _ = timed(overview)
    rebuild, _ = timed(lambda: scores_rebuild(committee, YEAR, today))
    verify, _ = timed(lambda: scores_verify(committee, YEAR))
    engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    load = os.getloadavg()
    print(
        f"{engine}, {members:,} members, year {YEAR}, today {today} "
        f"(load {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} cores)\n"
        f"  overview recomputed from the ledger (before): {before:8.2f} s\n"
        f"  overview cold (recompute + store {rows:,} rows): {cold:8.2f} s\n"
        f"  overview warm (stored), median of 5:         {warm:8.2f} s (worst {warm_worst:.2f})\n"
        f"  record a {len(attendees)}-attendee activity:            {write:8.2f} s\n"
        f"  overview after it ({len(attendees)} members recomputed):  {after_write:8.2f} s\n"
        f"  jifen scores rebuild (committee):            {rebuild:8.2f} s\n"
        f"  jifen scores verify (committee):             {verify:8.2f} s"
    )


if __name__ == "__main__":
    main()

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
from typing import Any

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

    engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"

    def say(what: str, seconds: float) -> None:
        load = " ".join(f"{n:.1f}" for n in os.getloadavg())
        print(f"  {what:<52} {seconds:8.2f} s   (load {load})", flush=True)

    print(
        f"{engine}, {members:,} members, year {YEAR}, today {today}, {os.cpu_count()} cores",
        flush=True,
    )
    stored = stats.stored_branch_years
    # The old path: the same reads, recomputed by the engine every time.
    stats.stored_branch_years = lambda org, year, todays, **_: branch_years(org, year, todays)  # type: ignore[assignment]
    say("overview recomputed from the ledger (before)", timed(overview)[0])
    expected = overview()
    stats.stored_branch_years = stored
    say("overview cold (recompute and store)", timed(overview)[0])
    say(f"  … {StoredYear.objects.count():,} rows stored", 0)
    warm, warm_worst = timed(overview, repeat=5)
    say(f"overview warm (stored), median of 5 (worst {warm_worst:.2f})", warm)
    assert overview() == expected, "the stored overview differs from the recomputed one"
    branch, attendees = _attendees(committee, YEAR)
    say(
        f"record a {len(attendees)}-attendee activity",
        timed(
            lambda: entries_append(
                organization=branch,
                facts=[NewFact(p, today, "volunteer", 1) for p in attendees],
                origin=Origin.MANUAL,
                origin_ref="bench",
                recorded_by=None,
                summary="bench",
            )
        )[0],
    )
    say(f"overview after it ({len(attendees)} members recomputed)", timed(overview)[0])
    say(
        "jifen scores rebuild (committee)", timed(lambda: scores_rebuild(committee, YEAR, today))[0]
    )
    say("jifen scores verify (committee)", timed(lambda: scores_verify(committee, YEAR))[0])


def _attendees(committee: Any, year: int) -> tuple[Any, list[Any]]:
    """A branch under the committee's own rulebook (a branch with a rulebook of its own has
    other item codes) and 500 members of such branches; the branch's chain head made right
    where the bulk fill wrote its entries without one."""
    from django.db.models import Max

    from jifen.ledger.models import Entry, LedgerHead
    from jifen.orgs.models import Organization, Person
    from jifen.rulebooks.services import adoption_for

    ruled = adoption_for(committee, year)
    assert ruled is not None
    branches = [
        b
        for b in Organization.objects.filter(
            path__startswith=committee.path, kind__code="branch"
        ).order_by("path")
        if getattr(adoption_for(b, year), "pk", None) == ruled.pk
    ]
    branch = branches[0]
    if not LedgerHead.objects.filter(organization=branch).exists():
        seq = Entry.objects.filter(organization=branch).aggregate(Max("seq"))["seq__max"] or 0
        last = Entry.objects.filter(organization=branch, seq=seq).first()
        LedgerHead.objects.create(
            organization=branch, seq=seq, head=last.hash if last else "0" * 64
        )
    attendees = list(
        Person.objects.filter(
            memberships__organization__in=branches, memberships__end__isnull=True
        ).distinct()[:500]
    )
    return branch, attendees


if __name__ == "__main__":
    main()

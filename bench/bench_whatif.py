"""The 试算 page (reports:whatif) at the demo's size: the demo college's whole committee (about
300 members), its year under the adopted rulebook and under a draft that changes 党日活动.

.venv/bin/python bench/bench_whatif.py            # SQLite
JIFEN_BENCH_PG=postgres://postgres@/jifen_bench?host=/var/run/postgresql \\
    .venv/bin/python bench/bench_whatif.py

Target: within 3 s for the whole committee on a busy machine, so the page needs no progress
display (docs/decisions.md, "试算不显示进度").
"""

from __future__ import annotations

import io
import statistics
import sys
import time

from django_setup import scratch_database

SECONDS = 3.0


def main() -> int:
    url = scratch_database("whatif")
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from jifen.core import clock
    from jifen.orgs.models import Organization
    from jifen.rulebooks.drafts import draft_revise, draft_start
    from jifen.rulebooks.services import adoption_for

    setup_test_environment()  # response.context, to read what the page found
    call_command("demo", verbosity=0, stdout=io.StringIO())
    year = clock.today().year
    top = Organization.objects.get(code="ZYXY")
    draft = draft_start(organization=top, title="试算", base="seed003", actor=None)
    changes = {"categories": {"base": {"items": {"party_day": {"points": 8}}}}}
    draft_revise(draft=draft, changes=changes, reason="试算", actor=None)
    admin = User.objects.filter(is_superuser=True).first() or User.objects.order_by("pk").first()
    client = Client(SERVER_NAME="localhost")
    client.force_login(admin)  # type: ignore[arg-type]
    engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    worst = 0.0
    # The committee's own year is refused (general branches adopted rulebooks of their own):
    # each general branch is tried instead, as a committee would.
    for unit in Organization.objects.filter(parent=top).order_by("code"):
        page = reverse("reports:whatif", kwargs={"org_id": unit.pk})
        adopted = adoption_for(unit, year)
        tried = f"draft:{draft.pk}"
        if adopted is not None and adopted.rulebook_id not in ("seed003",):
            tried = "builtin:seed001"  # the draft cannot read another rulebook's items
        timings = []
        for _ in range(3):
            started = time.perf_counter()
            response = client.get(page, {"rulebook": tried, "year": year})
            timings.append(time.perf_counter() - started)
            assert response.status_code == 200, response.status_code
        result = response.context["result"]
        said = result.error[:40] if result.error else f"{len(result.members)} members"
        median = statistics.median(timings)
        worst = max(worst, median)
        print(f"{engine}: 试算 {unit.name}: {said}, median {median:.2f} s")
    print(f"slowest median {worst:.2f} s (target ≤ {SECONDS} s)")
    return 0 if worst < SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())

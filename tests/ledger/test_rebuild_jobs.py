"""``jifen scores rebuild --jobs N``: organizations shared out among worker processes (forked,
each with its own connection) store exactly the rows one process stores, on either engine, and
``jifen scores verify`` agrees with them. The workers read and write the real database, so the
test commits its data (a transaction test): a worker cannot see a test's open transaction."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jifen.ledger.models import StoredYear
from jifen.ledger.stored_check import scores_rebuild
from tests.clock import Clock
from tests.reports.conftest import YEAR, add

pytestmark = pytest.mark.django_db(transaction=True)

COLUMNS = ("person_id", "year", "scope_id", "reached", "adoption_id", "nested", "ledger")
RESULT = ("subject", "scored", "group", "total", "vetoed", "incomplete", "categories", "periods")


def stored() -> list[tuple[object, ...]]:
    return list(StoredYear.objects.order_by("person_id", "reached").values_list(*COLUMNS, *RESULT))


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_two_workers_store_what_one_process_stores_and_verify_agrees(
    branch: SimpleNamespace, clock: Clock
) -> None:
    clock.set(dt.date(YEAR, 11, 20))  # the year so far (11 months) and three quarter ends
    add(branch.b1, branch.jia, dt.date(YEAR, 10, 9), "volunteer", 2)
    assert scores_rebuild(branch.tree.c, YEAR, dt.date(YEAR, 11, 20), jobs=1) == 6
    serial = stored()
    assert {row[3] for row in serial} == {3, 6, 9, 11}
    StoredYear.objects.all().delete()
    out, err = run("scores_rebuild", "--org", "C", "--year", str(YEAR), "--jobs", "2")
    assert "已重新计算 2025 年 6 名党员的积分" in out
    assert "2/2" in err  # the progress bar, one line per organization as workers finish
    assert stored() == serial
    out, _err = run("scores_verify", "--org", "C", "--year", str(YEAR))
    assert f"核对 {len(serial)} 条" in out
    assert "另有 0 条已过时" in out


def test_a_worker_recomputes_over_rows_already_stored(
    branch: SimpleNamespace, clock: Clock
) -> None:
    clock.set(dt.date(YEAR + 1, 3, 2))
    run("scores_rebuild", "--year", str(YEAR), "--jobs", "2")
    before = stored()
    StoredYear.objects.filter(person=branch.jia).update(total=0, categories=[])
    run("scores_rebuild", "--year", str(YEAR), "--jobs", "2")
    assert stored() == before


@pytest.mark.parametrize("jobs", ["0", "x", "1000"])
def test_a_bad_number_of_jobs_exits_2(branch: SimpleNamespace, jobs: str) -> None:
    with pytest.raises(CommandError, match="--jobs 应是 1 到 256 之间的整数") as refused:
        run("scores_rebuild", "--jobs", jobs)
    assert refused.value.returncode == 2
    assert not StoredYear.objects.exists()

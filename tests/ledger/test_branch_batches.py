"""``branch_years`` reads and scores a committee's members a batch at a time and rates them all
together at the end: batches of two give exactly what one batch gives — every result, star,
quota place, band, rank and tie (seed003 has ranks and bands), at every cut-off."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from jifen.ledger import scores
from jifen.ledger.scores import branch_years
from tests.reports.conftest import YEAR, add

pytestmark = pytest.mark.django_db

TODAYS = [dt.date(YEAR, 1, 1) - dt.timedelta(days=1), dt.date(YEAR, 5, 20), None]


def test_batches_of_two_equal_one_batch(
    branch: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    add(branch.b1, branch.jia, dt.date(YEAR, 4, 9), "volunteer", 3)
    add(branch.b1, branch.yi, dt.date(YEAR, 2, 9), "party_day", "absent")
    whole = branch_years(branch.tree.c, YEAR, TODAYS)
    monkeypatch.setattr(scores, "FACT_BATCH", 2)
    batched = branch_years(branch.tree.c, YEAR, TODAYS)
    assert len(whole[2].results) == 6  # six members, three batches
    for one, many in zip(whole, batched, strict=True):
        assert one is not None
        assert many is not None
        assert (one.reached, one.ties) == (many.reached, many.ties)
        assert one.results == many.results
    assert whole[0].results == {}  # the year not begun: nobody scored
    # Ranked within each of the two branches (two firsts), whichever batch a member was in,
    # and banded.
    ranks = sorted(result.rank or 0 for result in whole[2].results.values())
    assert ranks == [1, 1, 2, 3, 4, 5]
    assert any(result.warnings for result in whole[2].results.values())

"""The year overview reads the stored results (jifen.ledger.stored): its figures equal those
of a recompute from the ledger, unit by unit and quarter by quarter, before and after the ledger
and the roster change."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from jifen.ledger.models import StoredYear
from jifen.ledger.scores import branch_year
from jifen.orgs.services import membership_transfer
from jifen.ratings.selectors import year_of
from jifen.reports.branch_figures import year_overview
from jifen.reports.stats import BASE, mean, stats_of
from tests.ledger.stored_helpers import year_digest
from tests.reports.conftest import YEAR, add

pytestmark = pytest.mark.django_db
D = dt.date
QUARTER_ENDS = [D(YEAR, 3, 31), D(YEAR, 6, 30), D(YEAR, 9, 30), D(YEAR, 12, 31)]


def _assert_overview_equals_recompute(organization: object, today: dt.date) -> None:
    units, trends = year_overview(organization, YEAR, today)  # type: ignore[arg-type]
    for unit, stats in units:
        fresh = branch_year(unit, YEAR, today=today)
        assert fresh is not None
        assert stats is not None
        expected = stats_of(fresh)
        assert (stats.total_sum, stats.mean, stats.distribution, stats.stars, stats.warned) == (
            expected.total_sum,
            expected.mean,
            expected.distribution,
            expected.stars,
            expected.warned,
        )
        assert (stats.highest, stats.lowest) == (expected.highest, expected.lowest)
    for trend in trends:
        for quarter, end in enumerate(QUARTER_ENDS):
            if end > today:
                continue
            fresh = branch_year(trend.organization, YEAR, today=end)
            assert fresh is not None
            results = list(fresh.results.values())
            assert trend.mean_total[quarter] == mean([r.total for r in results])
            assert trend.mean_base[quarter] == mean([r.category(BASE).score for r in results])
            assert trend.members[quarter] == len(results)


def test_the_overview_equals_recompute_and_follows_changes(branch: SimpleNamespace) -> None:
    after = D(YEAR + 1, 2, 1)
    _assert_overview_equals_recompute(branch.tree.g, after)
    # The whole year and the four quarter ends of six members are stored, and read next time.
    assert StoredYear.objects.filter(year=YEAR).count() == 6 * 4
    _assert_overview_equals_recompute(branch.tree.g, after)
    add(branch.b1, branch.bing, D(YEAR, 5, 6), "volunteer", 4)
    membership_transfer(person=branch.yi, to=branch.tree.b2, on=D(YEAR, 8, 1))
    _assert_overview_equals_recompute(branch.tree.g, after)
    _assert_overview_equals_recompute(branch.tree.c, after)
    _assert_overview_equals_recompute(branch.tree.g, D(YEAR, 7, 20))  # the year so far


def test_the_year_end_reads_stored_results_equal_to_recompute(branch: SimpleNamespace) -> None:
    for organization in (branch.b1, branch.tree.g):
        for _ in range(2):  # computed and stored, then read
            stored = year_of(organization, YEAR)
            fresh = branch_year(organization, YEAR)
            assert year_digest(stored, periods=False) == year_digest(fresh, periods=False)
            assert stored is not None
            assert all(not c.periods for r in stored.results.values() for c in r.categories)
    add(branch.b1, branch.ding, D(YEAR, 11, 3), "volunteer", 5)
    assert year_digest(year_of(branch.b1, YEAR), periods=False) == year_digest(
        branch_year(branch.b1, YEAR), periods=False
    )

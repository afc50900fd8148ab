"""A committee with more branches than a chart can show: the overview's per-branch charts sum
its branches into the organizations directly below it — exactly — while the table keeps every
branch (jifen.reports.chart_groups)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from jifen.ledger.scores import branch_year
from jifen.reports import chart_groups
from jifen.reports.branch_figures import year_overview
from jifen.reports.chart_groups import chart_units
from jifen.reports.stats import BASE, mean
from tests.reports.conftest import YEAR

pytestmark = pytest.mark.django_db
AFTER = dt.date(YEAR + 1, 2, 1)


def test_branches_are_summed_into_the_level_below(
    branch: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = branch.tree
    monkeypatch.setattr(chart_groups, "CHART_BRANCHES", 2)
    found, trends = year_overview(tree.c, YEAR, AFTER)
    scored = [stats for _, stats in found if stats is not None]
    charted = chart_units(tree.c, scored, trends)
    assert charted.grouped
    assert [s.organization.code for s in charted.stats] == ["G", "B3"]
    g = charted.stats[0]
    b1, b2 = (s for s in scored if s.organization.code in ("B1", "B2"))
    assert g.distribution == [a + b for a, b in zip(b1.distribution, b2.distribution, strict=True)]
    assert g.members == b1.members + b2.members == 6
    # The general branch's trend is its members' mean, not a mean of the branches' means.
    whole = branch_year(tree.g, YEAR, today=dt.date(YEAR, 12, 31))
    assert whole is not None
    results = list(whole.results.values())
    trend = charted.trends[0]
    assert trend.organization.code == "G"
    assert trend.mean_total[3] == mean([r.total for r in results])
    assert trend.mean_base[3] == mean([r.category(BASE).score for r in results])
    assert trend.mean_total[3] != mean([b1.mean, b2.mean])  # type: ignore[list-item]


def test_few_branches_stay_by_branch(branch: SimpleNamespace) -> None:
    found, trends = year_overview(branch.tree.c, YEAR, AFTER)
    scored = [stats for _, stats in found if stats is not None]
    assert not chart_units(branch.tree.c, scored, trends).grouped


def test_the_page_says_which_level_its_charts_show(
    branch: SimpleNamespace,
    client: Client,
    committee_admin: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(chart_groups, "CHART_BRANCHES", 2)
    client.force_login(committee_admin)
    page = client.get(reverse("reports:overview", args=[branch.tree.c.pk, YEAR])).content.decode()
    assert "各下级组织积分分布" in page
    assert "各支部积分分布" not in page
    # The table still lists every branch.
    for name in ("教工第一党支部", "学生第一党支部", "机关党支部"):
        assert name in page

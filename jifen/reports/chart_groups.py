"""Charts a person can read at any size: a committee of 500 branches gets no chart with 500 bars
and 500 lines. Above ``CHART_BRANCHES`` branches, the per-branch charts of an overview show the
organizations directly below the one asked about (its general branches), each the sum of its
branches — counts added, means from the summed totals, exact — and the table of branches below
them stays whole. Each of those organizations opens its own overview, by branch."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from jifen.orgs.models import Organization
from jifen.reports.stats import BranchStats, Point, Trend, stats_summed

# More bars or lines than this and a chart stops being read: it shows the next level instead.
CHART_BRANCHES = 30


@dataclass(frozen=True)
class ChartUnits:
    stats: list[BranchStats]
    trends: list[Trend]
    grouped: bool  # True: by the organizations directly below, not by branch


def _child_of(organization: Organization, unit: Organization) -> int:
    """The pk of the organization directly below ``organization`` on ``unit``'s path."""
    path = [*unit.ancestor_ids(), unit.pk]
    return path[path.index(organization.pk) + 1] if unit.pk != organization.pk else unit.pk


def _trend(child: Organization, parts: Sequence[Trend]) -> Trend:
    quarters = [
        sum((part.points[q] for part in parts if q < len(part.points)), Point(Decimal(0), 0))
        for q in range(4)
    ]
    return Trend.of(child, quarters)


def chart_units(
    organization: Organization, stats: Sequence[BranchStats], trends: Sequence[Trend]
) -> ChartUnits:
    """What the per-branch charts of ``organization``'s overview draw (see the module)."""
    if len(stats) <= CHART_BRANCHES:
        return ChartUnits(list(stats), list(trends), grouped=False)
    children = {c.pk: c for c in Organization.objects.filter(parent=organization).order_by("path")}
    by_child: dict[int, list[BranchStats]] = {}
    for one in stats:
        by_child.setdefault(_child_of(organization, one.organization), []).append(one)
    trends_by: dict[int, list[Trend]] = {}
    for trend in trends:
        trends_by.setdefault(_child_of(organization, trend.organization), []).append(trend)
    known = {pk: children.get(pk) for pk in by_child}
    order = [pk for pk in children if pk in by_child] + [
        pk for pk in by_child if pk not in children
    ]
    named = {pk: known[pk] or by_child[pk][0].organization for pk in order}
    return ChartUnits(
        [stats_summed(named[pk], by_child[pk], by_child[pk][0].rulebook) for pk in order],
        [_trend(named[pk], trends_by[pk]) for pk in order if pk in trends_by],
        grouped=True,
    )

"""``jifen scores rebuild`` and ``jifen scores verify`` for the stored branch summaries
(``jifen.reports.branch_figures``): fill them as the year overview asks on a day, and compare
every summary whose tag is current with the same figures recomputed from the ledger itself."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from jifen.ledger.derived import Derived
from jifen.ledger.models import StoredUnit
from jifen.ledger.stored_check import Verified
from jifen.orgs.models import Organization
from jifen.reports.branch_figures import by_adoption, dump, fresh_figures, group_of, year_overview
from jifen.reports.stats import units_of


def summaries_warm(organization: Organization, year: int, today: dt.date) -> int:
    """The overview's summaries of ``organization``'s branches for ``today``; how many."""
    found, _trends = year_overview(organization, year, today)
    return len(found)


def _difference(unit: Organization, row: StoredUnit, fresh: dict[str, object] | None) -> str:
    kind = "含星级和预警" if row.rated else "趋势"
    return (
        f"{unit.name} {row.year} 年计至第 {row.reached} 个月（{kind}）：存储的汇总为 {row.data}，"
        f"由台账重新计算为 {fresh}"
    )


def summaries_verify(organization: Organization, year: int) -> Verified:
    """Every stored summary of ``organization``'s branches for ``year`` whose tag is current,
    compared with the figures recomputed from the ledger (those with an outdated tag are
    counted: a read recomputes them before use). Stops at the first difference."""
    compared = outdated = 0
    units = units_of(organization, year)
    groups, _without = by_adoption(units, year)
    for adoption, members in groups:
        rows = list(
            StoredUnit.objects.filter(
                scope_id=adoption.organization_id, year=year, unit__in=members, reached__gt=0
            ).order_by("unit_id", "reached", "rated")
        )
        by_rated: dict[bool, list[StoredUnit]] = defaultdict(list)
        for row in rows:
            by_rated[row.rated].append(row)
        for rated, some in by_rated.items():
            reacheds = sorted({row.reached for row in some})
            group = group_of(
                adoption,
                members,
                year,
                lambda c, rs=reacheds: [c.month_bounds(r - 1)[1] for r in rs],  # type: ignore[misc]
                None if rated else 0,
            )
            current = [r for r in some if r.tag == group.tag(r.unit_id, r.reached, r.rated)]
            outdated += len(some) - len(current)
            if not current:
                continue
            stale = {row.unit_id for row in current}
            fresh = fresh_figures(group, stale, None if rated else 0, from_ledger=True)
            by_pk = {unit.pk: unit for unit in members}
            for row in current:
                figures = fresh.get((row.unit_id, row.reached, row.rated))
                expected = None if figures is None else dump(figures)
                if row.data != expected:
                    return Verified(
                        compared, outdated, _difference(by_pk[row.unit_id], row, expected)
                    )
                compared += 1
    return Verified(compared, outdated)


SUMMARIES = Derived("支部汇总", summaries_warm, summaries_verify)

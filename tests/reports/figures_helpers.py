"""A committee's branch figures recomputed the plain way, for the stored-summary tests: the
whole scope scored from the ledger (``branch_years``), then each branch's people picked out by
their memberships — nothing stored, no cells, no tags."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from jifen.ledger.scores import BranchYear, _within, branch_years
from jifen.orgs.models import Organization
from jifen.orgs.selectors import memberships_overlapping
from jifen.reports.branch_figures import _quarter_ends, point_of, year_overview
from jifen.reports.stats import stats_of, units_of
from jifen.rulebooks.services import adoption_for, rulebook_of
from jifen.scoring import Calendar


def _part(found: BranchYear, unit: Organization, year: int) -> BranchYear:
    adoption = found.adoption
    here = set(
        memberships_overlapping(first=dt.date(year, 1, 1), last=dt.date(year, 12, 31))
        .filter(_within(adoption, "organization__path"))
        .filter(organization__path__startswith=unit.path)
        .values_list("person_id", flat=True)
    )
    people = [p for p in found.people if p.pk in here]
    results = {p.pk: found.results[p.pk] for p in people if p.pk in found.results}
    return replace(found, organization=unit, people=people, results=results)


def stats_digest(stats: Any) -> tuple[Any, ...] | None:
    if stats is None:
        return None
    return (
        stats.organization.pk,
        stats.rulebook,
        stats.members,
        stats.mean,
        stats.highest,
        stats.lowest,
        stats.distribution,
        stats.stars,
        stats.warned,
        stats.total_sum,
    )


def reference_overview(organization: Organization, year: int, today: dt.date) -> Any:
    """``year_overview``'s figures, digested, from the ledger the plain way."""
    stats, trends = [], []
    for unit in units_of(organization, year):
        adoption = adoption_for(unit, year)
        if adoption is None:
            stats.append((unit.pk, None))
            continue
        calendar = Calendar(year, rulebook_of(adoption).year_start)
        ends = _quarter_ends(calendar, today)
        found = branch_years(adoption.organization, year, [today, *ends])
        parts = [_part(f, unit, year) for f in found if f is not None]
        stats.append((unit.pk, stats_digest(stats_of(parts[0]))))
        points = [point_of(p) for p in parts[1:]]
        blank = [None] * (4 - len(points))
        trends.append(
            (
                unit.pk,
                [p.mean_total if p.members else None for p in points] + blank,
                [p.mean_base if p.members else None for p in points] + blank,
                [p.members for p in points] + [0] * len(blank),
            )
        )
    return stats, trends


def overview_digest(organization: Organization, year: int, today: dt.date) -> Any:
    """``year_overview``'s figures as stored and read, digested like ``reference_overview``."""
    found, trends = year_overview(organization, year, today)
    return (
        [(unit.pk, stats_digest(stats)) for unit, stats in found],
        [(t.organization.pk, t.mean_total, t.mean_base, t.members) for t in trends],
    )

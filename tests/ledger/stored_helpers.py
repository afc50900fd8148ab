"""Comparing stored results with a recompute from the ledger, for the stored-results tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from jifen.ledger.scores import BranchYear, branch_years
from jifen.ledger.stored import stored_branch_years
from jifen.orgs.models import Organization
from jifen.scoring import SubjectResult


def result_digest(result: SubjectResult, *, periods: bool = True) -> tuple[Any, ...]:
    """Everything a committee page reads of a result: the numbers, never the explanations
    (each category's per-period points only with ``periods``)."""
    return (
        result.subject,
        result.group,
        result.total,
        result.vetoed,
        result.incomplete,
        result.stars,
        result.tied,
        tuple((b.code, b.level) for b in result.bands),
        result.warnings,
        result.rank,
        result.member_category,
        tuple(
            (
                c.code,
                str(c.score),
                tuple(sorted((k, str(v)) for k, v in c.periods.items())) if periods else (),
            )
            for c in result.categories
        ),
    )


def year_digest(found: BranchYear | None, *, periods: bool = True) -> tuple[Any, ...] | None:
    if found is None:
        return None
    return (
        found.organization.pk,
        found.adoption.pk,
        found.reached,
        [p.pk for p in found.people],
        {pk: result_digest(r, periods=periods) for pk, r in found.results.items()},
        found.ties,
    )


def assert_stored_equals_recompute(
    organization: Organization, year: int, todays: Sequence[dt.date | None]
) -> None:
    stored = [year_digest(f) for f in stored_branch_years(organization, year, todays, periods=True)]
    fresh = [year_digest(f) for f in branch_years(organization, year, todays)]
    assert stored == fresh

"""Selectors for the branch overview and the bulletin: each branch's members, mean, distribution,
highest and lowest, stars and warnings, and its trend across the quarters.

What a branch's figures are, computed from a scored branch (``stats_of``): these functions only
count and average the engine's results, in Decimal. Where the figures are read from — the stored
summaries, kept current — is ``jifen.reports.branch_figures``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from django.db.models import Q

from jifen.documents.charts import distribution_rows
from jifen.ledger.scores import BranchYear
from jifen.orgs.models import Organization
from jifen.rulebooks.services import adoption_for, rulebook_of
from jifen.scoring import Calendar

CENT = Decimal("0.01")
EDGES = (0, 60, 70, 80, 90)
STAR_LEVELS = (5, 4, 3, 2, 1, 0)
BASE = "base"  # the category the trend follows besides the total (seed001, seed003: 基础分)


def mean(values: Sequence[Decimal]) -> Decimal | None:
    """The mean to two places, half up (RULEBOOKS.md §3); None for no values."""
    return rounded_mean(sum(values, Decimal(0)), len(values))


def rounded_mean(total: Decimal, count: int) -> Decimal | None:
    """``total`` / ``count`` to two places, half up; None when ``count`` is 0."""
    if not count:
        return None
    return (total / count).quantize(CENT, rounding=ROUND_HALF_UP)


class Warned(NamedTuple):
    # A tuple, not a dataclass: a committee's summaries hold tens of thousands of them.
    name: str
    total: Decimal
    label: str  # 黄色预警 / 红色预警 and the band's label
    level: str


@dataclass(frozen=True)
class BranchStats:
    organization: Organization
    rulebook: str
    members: int
    mean: Decimal | None
    highest: tuple[str, Decimal] | None  # names (tied ones joined with 、), total
    lowest: tuple[str, Decimal] | None
    distribution: list[int]  # counts per band of DISTRIBUTION_LABELS
    stars: list[int] | None  # counts per STAR_LEVELS; None when the rulebook gives no stars
    warned: list[Warned]
    total_sum: Decimal  # of the members' totals: means of several branches from it, exact

    @property
    def yellow(self) -> int:
        return sum(1 for w in self.warned if w.level == "yellow")

    @property
    def red(self) -> int:
        return sum(1 for w in self.warned if w.level == "red")


DISTRIBUTION_LABELS = distribution_rows([], edges=EDGES)[0]
LEVEL_WORDS = {"red": "红色预警", "yellow": "黄色预警"}


def units_of(organization: Organization, year: int) -> list[Organization]:
    """The branches a general branch (or committee) reports on: the 党支部 in its subtree that
    existed in ``year``; a branch reports on itself."""
    if organization.kind.code == "branch":
        return [organization]
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    found = list(
        Organization.objects.filter(
            path__startswith=organization.path, kind__code="branch", active_from__lte=last
        )
        .filter(Q(active_until__isnull=True) | Q(active_until__gt=first))
        .select_related("kind")
        .order_by("path")
    )
    return found or [organization]


def _extreme(pairs: list[tuple[str, Decimal]], highest: bool) -> tuple[str, Decimal] | None:
    if not pairs:
        return None
    value = max(t for _, t in pairs) if highest else min(t for _, t in pairs)
    return "、".join(name for name, t in pairs if t == value), value


def stats_of(found: BranchYear) -> BranchStats:
    """Counts, mean, extremes, stars and warnings of one scored branch."""
    pairs = [
        (person.name, found.results[person.pk].total)
        for person in found.people
        if person.pk in found.results
    ]
    totals = [t for _, t in pairs]
    stars: list[int] | None = None
    if found.rulebook.stars is not None:
        got = [r.stars for r in found.results.values()]
        stars = [sum(1 for s in got if s == level) for level in STAR_LEVELS]
    warned = []
    for person in found.people:
        result = found.results.get(person.pk)
        if result is None:
            continue
        # One line a person, at their most severe level, naming every band that warns them.
        hits = [band for band in result.bands if band.level in LEVEL_WORDS]
        if hits:
            level = "red" if any(b.level == "red" for b in hits) else "yellow"
            labels = "、".join(dict.fromkeys(b.label for b in hits))
            warned.append(
                Warned(person.name, result.total, f"{LEVEL_WORDS[level]}（{labels}）", level)
            )
    return BranchStats(
        organization=found.organization,
        rulebook=found.rulebook.title,
        members=len(pairs),
        mean=mean(totals),
        highest=_extreme(pairs, highest=True),
        lowest=_extreme(pairs, highest=False),
        distribution=distribution_rows(totals, edges=EDGES)[1],
        stars=stars,
        warned=warned,
        total_sum=sum(totals, Decimal(0)),
    )


def stats_summed(
    organization: Organization, parts: Sequence[BranchStats], rulebook: str = ""
) -> BranchStats:
    """Several branches' figures as one (a bulletin's 合计, a general branch on a committee's
    charts): counts added, the mean from the summed totals (exact, not a mean of means), the
    highest and lowest of theirs (names tied at them joined), every warning."""
    total_sum = sum((part.total_sum for part in parts), Decimal(0))
    members = sum(part.members for part in parts)
    starred = [part.stars for part in parts if part.stars is not None]
    return BranchStats(
        organization=organization,
        rulebook=rulebook,
        members=members,
        mean=rounded_mean(total_sum, members),
        highest=_extreme([p.highest for p in parts if p.highest is not None], highest=True),
        lowest=_extreme([p.lowest for p in parts if p.lowest is not None], highest=False),
        distribution=[sum(column) for column in zip(*(p.distribution for p in parts), strict=True)],
        stars=[sum(counts) for counts in zip(*starred, strict=True)] if starred else None,
        warned=[w for part in parts for w in part.warned],
        total_sum=total_sum,
    )


def calendar_for(organization: Organization, year: int) -> Calendar | None:
    """The scoring year of the rulebook that applies to ``organization`` (None: none does)."""
    adoption = adoption_for(organization, year)
    if adoption is None:
        return None
    return Calendar(year, rulebook_of(adoption).year_start)


def quarter_bounds(calendar: Calendar, quarter: int) -> tuple[dt.date, dt.date]:
    """The first and last day of ``quarter`` (1–4) of the scoring year."""
    return calendar.month_bounds(3 * quarter - 3)[0], calendar.month_bounds(3 * quarter - 1)[1]


@dataclass(frozen=True)
class Point:
    """One branch at one cut-off, as a trend shows it: sums, so that branches can be added up
    exactly (a general branch's trend from its branches') before the means are rounded."""

    total_sum: Decimal
    members: int
    base_sum: Decimal = Decimal(0)
    bases: int = 0  # members with a base category (基础分)

    @property
    def mean_total(self) -> Decimal | None:
        return rounded_mean(self.total_sum, self.members)

    @property
    def mean_base(self) -> Decimal | None:
        return rounded_mean(self.base_sum, self.bases)

    def __add__(self, other: Point) -> Point:
        return Point(
            self.total_sum + other.total_sum,
            self.members + other.members,
            self.base_sum + other.base_sum,
            self.bases + other.bases,
        )


@dataclass(frozen=True)
class Trend:
    organization: Organization
    quarters: list[str]  # 第1季度 …
    mean_total: list[Decimal | None]  # the mean year-so-far total at each quarter's end
    mean_base: list[Decimal | None]  # the same for the base category (基础分)
    members: list[int]
    points: tuple[Point, ...] = ()  # the sums the means come from, one per quarter

    @classmethod
    def of(cls, organization: Organization, points: Sequence[Point]) -> Trend:
        """The trend of the four quarters' points (a quarter not begun: no members)."""
        return cls(
            organization,
            [f"第{q}季度" for q in range(1, 5)],
            [p.mean_total if p.members else None for p in points],
            [p.mean_base if p.members else None for p in points],
            [p.members for p in points],
            tuple(points),
        )

"""Selectors for the branch overview and the bulletin: each branch's members, mean, distribution,
highest and lowest, stars and warnings, and its trend across the quarters.

Every figure comes from the stored results (``jifen.ledger.stored.stored_branch_years``: the
engine's result per member, recomputed from the ledger only where a tag has moved, with stars,
quotas and bands run over the whole branch on the stored totals); these functions only count and
average what it returns, in Decimal. The overview's quarter trend is the same read at each
quarter's end, in the same pass.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q

from jifen.documents.charts import distribution_rows
from jifen.ledger.scores import BranchYear
from jifen.ledger.stored import stored_branch_years
from jifen.orgs.models import Organization, Person
from jifen.orgs.selectors import memberships_overlapping
from jifen.rulebooks.models import Adoption
from jifen.rulebooks.services import adoption_for, rulebook_of
from jifen.scoring import Calendar

CENT = Decimal("0.01")
EDGES = (0, 60, 70, 80, 90)
STAR_LEVELS = (5, 4, 3, 2, 1, 0)
BASE = "base"  # the category the trend follows besides the total (seed001, seed003: 基础分)


def mean(values: Sequence[Decimal]) -> Decimal | None:
    """The mean to two places, half up (RULEBOOKS.md §3); None for no values."""
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Warned:
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
    totals: list[Decimal]

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
        for band in result.bands:
            if band.level in LEVEL_WORDS:
                warned.append(
                    Warned(
                        person.name,
                        result.total,
                        f"{LEVEL_WORDS[band.level]}（{band.label}）",
                        band.level,
                    )
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
        totals=totals,
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


def _split(
    found: BranchYear, members: Sequence[Organization], units_of: Mapping[int, list[int]]
) -> dict[int, BranchYear]:
    """``found`` split into the part of it that belonged to each unit of ``members`` in the
    year, in one pass over its people (a committee's thousands, hundreds of units)."""
    people: dict[int, list[Person]] = {unit.pk: [] for unit in members}
    for person in found.people:
        for unit_id in units_of.get(person.pk, ()):
            if unit_id in people:
                people[unit_id].append(person)
    return {
        unit.pk: replace(
            found,
            organization=unit,
            people=people[unit.pk],
            results={p.pk: found.results[p.pk] for p in people[unit.pk] if p.pk in found.results},
        )
        for unit in members
    }


def _units_of(
    organization: Organization, units: Sequence[Organization], year: int
) -> dict[int, list[int]]:
    """Person pk → the units (pks) they belonged to in ``year``: each membership's organization
    and the organizations above it, looked up by path (not every unit for every membership)."""
    by_path = {unit.path: unit.pk for unit in units}
    units_of: dict[int, list[int]] = {}
    for person_id, path in memberships_overlapping(
        first=dt.date(year, 1, 1),
        last=dt.date(year, 12, 31),
        organization=organization,
        subtree=True,
    ).values_list("person_id", "organization__path"):
        parts = path.strip("/").split("/")
        for depth in range(1, len(parts) + 1):
            unit_id = by_path.get("/" + "/".join(parts[:depth]) + "/")
            if unit_id is not None and unit_id not in units_of.setdefault(person_id, []):
                units_of[person_id].append(unit_id)
    return units_of


def scored_units(
    organization: Organization,
    units: Sequence[Organization],
    year: int,
    cuts: Callable[[Calendar], Sequence[dt.date | None]],
    *,
    unrated_from: int | None = None,
) -> dict[int, list[BranchYear | None]]:
    """Each unit scored at each of the dates ``cuts`` gives for its scoring year.

    Units under one adoption are scored together, once per date, and then split by who
    belonged to which unit: the engine's quotas group members by their branch, so this is
    the same as scoring each unit alone, in a fraction of the queries (a committee of twelve
    branches: three rulebooks × five dates instead of twelve × five). The dates from index
    ``unrated_from`` on are read without stars, bands and ranks (a trend needs none)."""
    groups: dict[int, tuple[Adoption, list[Organization]]] = {}
    answer: dict[int, list[BranchYear | None]] = {}
    for unit in units:
        adoption = adoption_for(unit, year)
        if adoption is None:
            answer[unit.pk] = []
            continue
        groups.setdefault(adoption.pk, (adoption, []))[1].append(unit)
    units_of = _units_of(organization, units, year)
    here = adoption_for(organization, year)
    for adoption, members in groups.values():
        # Score from the requested organization when its rulebook is this one (a general
        # branch's page scores the general branch, not the whole committee).
        root = (
            organization if here is not None and here.pk == adoption.pk else adoption.organization
        )
        calendar = Calendar(year, rulebook_of(adoption).year_start)
        for unit in members:
            answer[unit.pk] = []
        for found in stored_branch_years(root, year, cuts(calendar), unrated_from=unrated_from):
            parts = _split(found, members, units_of) if found is not None else {}
            for unit in members:
                answer[unit.pk].append(parts.get(unit.pk))
    return answer


def branches_at(
    organization: Organization, year: int, as_of: dt.date | None
) -> list[tuple[Organization, BranchStats | None]]:
    """Each branch under ``organization`` scored as of ``as_of`` (None: the whole year); a
    branch without a rulebook for the year gets None."""
    units = units_of(organization, year)
    scored = scored_units(organization, units, year, lambda _: [as_of])
    return [
        (unit, stats_of(found[0]) if found and found[0] is not None else None)
        for unit in units
        for found in [scored[unit.pk]]
    ]


@dataclass(frozen=True)
class Trend:
    organization: Organization
    quarters: list[str]  # 第1季度 …
    mean_total: list[Decimal | None]  # the mean year-so-far total at each quarter's end
    mean_base: list[Decimal | None]  # the same for the base category (基础分)
    members: list[int]


def _quarter_ends(calendar: Calendar, today: dt.date) -> list[dt.date | None]:
    """The dates the quarters begun by ``today`` stand at: their last day, or today."""
    shown: list[dt.date | None] = []
    for quarter in range(1, 5):
        start, end = quarter_bounds(calendar, quarter)
        if today >= start:
            shown.append(min(end, today))
    return shown


def _trend(unit: Organization, found_list: Sequence[BranchYear | None]) -> Trend:
    totals: list[Decimal | None] = []
    bases: list[Decimal | None] = []
    members: list[int] = []
    for quarter in range(4):
        found = found_list[quarter] if quarter < len(found_list) else None
        if found is None or not found.results:
            totals.append(None)
            bases.append(None)
            members.append(0)
            continue
        results = list(found.results.values())
        totals.append(mean([r.total for r in results]))
        base = [c.score for r in results for c in r.categories if c.code == BASE]
        bases.append(mean(base))
        members.append(len(results))
    return Trend(unit, [f"第{q}季度" for q in range(1, 5)], totals, bases, members)


def trends_of(organization: Organization, year: int, today: dt.date) -> list[Trend]:
    """Each branch's mean total and base as they stood at the end of each quarter begun by
    ``today`` (a quarter in progress counts up to today's month; later ones are left empty)."""
    units = units_of(organization, year)
    scored = scored_units(
        organization, units, year, lambda c: _quarter_ends(c, today), unrated_from=0
    )
    return [_trend(unit, scored[unit.pk]) for unit in units]


def year_overview(
    organization: Organization, year: int, today: dt.date
) -> tuple[list[tuple[Organization, BranchStats | None]], list[Trend]]:
    """``branches_at`` today and ``trends_of`` together, the ledger read once per rulebook."""
    units = units_of(organization, year)
    scored = scored_units(
        organization, units, year, lambda c: [today, *_quarter_ends(c, today)], unrated_from=1
    )
    stats = []
    trends = []
    for unit in units:
        found = scored[unit.pk]
        stats.append((unit, stats_of(found[0]) if found and found[0] is not None else None))
        if found:
            trends.append(_trend(unit, found[1:]))
    return stats, trends


def trend_of(unit: Organization, year: int, today: dt.date) -> Trend:
    """One branch's trend (see ``trends_of``)."""
    return next(t for t in trends_of(unit, year, today) if t.organization.pk == unit.pk)

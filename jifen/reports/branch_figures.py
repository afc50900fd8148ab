"""Each branch's figures on the committee pages (the year overview, the bulletin): members,
mean, extremes, distribution, stars, warnings and the quarter trend — read from stored summaries
(:class:`~jifen.ledger.models.StoredUnit`), so that a committee of 100,000 members reads a few
hundred rows, not 100,000 results.

A summary is used only when its tag equals the tag read now (``jifen.ledger.unit_tags``: the
adoption, the cut-off and sums over the branch's people — and over every branch joined to it by
someone who moved — of their fact and record counters). The branches whose tag moved are
recomputed together from the stored results (``stored_branch_years``, itself checked member by
member), with stars and bands run over every branch joined to them, so each quota's group is
whole; then written again. Tags are read before anything they cover, so a change made meanwhile
leaves a summary tagged older than its data, recomputed at the next read (never the reverse).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.db import transaction

from jifen.ledger.models import StoredUnit
from jifen.ledger.scores import BranchYear, branch_years, months_reached
from jifen.ledger.stored import Scope, stored_branch_years
from jifen.ledger.unit_tags import Cells, cells_of, unit_tag
from jifen.orgs.models import Organization, Person
from jifen.orgs.selectors import memberships_overlapping
from jifen.reports.stats import (
    BASE,
    BranchStats,
    Point,
    Trend,
    Warned,
    quarter_bounds,
    stats_of,
    units_of,
)
from jifen.rulebooks.models import Adoption
from jifen.rulebooks.services import adoptions_for
from jifen.scoring import Calendar


@dataclass(frozen=True)
class Figures:
    stats: BranchStats | None  # with stars and bands: only where they were asked for
    point: Point


def point_of(found: BranchYear) -> Point:
    results = list(found.results.values())
    base = [c.score for r in results for c in r.categories if c.code == BASE]
    total = sum((r.total for r in results), Decimal(0))
    return Point(total, len(results), sum(base, Decimal(0)), len(base))


def _num(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _dec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def dump(figures: Figures) -> dict[str, Any]:
    p = figures.point
    data: dict[str, Any] = {"point": [str(p.total_sum), p.members, str(p.base_sum), p.bases]}
    s = figures.stats
    if s is not None:
        data["stats"] = {
            "rulebook": s.rulebook,
            "members": s.members,
            "mean": _num(s.mean),
            "highest": None if s.highest is None else [s.highest[0], str(s.highest[1])],
            "lowest": None if s.lowest is None else [s.lowest[0], str(s.lowest[1])],
            "distribution": s.distribution,
            "stars": s.stars,
            "warned": [[w.name, str(w.total), w.label, w.level] for w in s.warned],
            "total_sum": str(s.total_sum),
        }
    return data


def _extreme(pair: list[str] | None) -> tuple[str, Decimal] | None:
    return None if pair is None else (pair[0], Decimal(pair[1]))


def _load(data: Mapping[str, Any], unit: Organization) -> Figures:
    total, members, base, bases = data["point"]
    stats = None
    if "stats" in data:
        s = data["stats"]
        stats = BranchStats(
            organization=unit,
            rulebook=s["rulebook"],
            members=s["members"],
            mean=_dec(s["mean"]),
            highest=_extreme(s["highest"]),
            lowest=_extreme(s["lowest"]),
            distribution=list(s["distribution"]),
            stars=None if s["stars"] is None else list(s["stars"]),
            warned=[Warned(n, Decimal(t), label, level) for n, t, label, level in s["warned"]],
            total_sum=Decimal(s["total_sum"]),
        )
    return Figures(stats, Point(Decimal(total), members, Decimal(base), bases))


def _units_of(
    scope: Organization, units: Sequence[Organization], year: int, orgs: Sequence[int]
) -> dict[int, list[int]]:
    """Person pk → the units (pks) they belonged to in ``year``, for the people of ``orgs``:
    each membership's organization and the organizations above it, looked up by path."""
    by_path = {unit.path: unit.pk for unit in units}
    spans = memberships_overlapping(
        first=dt.date(year, 1, 1), last=dt.date(year, 12, 31), organization=scope, subtree=True
    )
    here = spans.filter(organization_id__in=orgs).values("person_id")
    units_of: dict[int, list[int]] = {}
    for person_id, path in spans.filter(person_id__in=here).values_list(
        "person_id", "organization__path"
    ):
        parts = path.strip("/").split("/")
        for depth in range(1, len(parts) + 1):
            unit_id = by_path.get("/" + "/".join(parts[:depth]) + "/")
            if unit_id is not None and unit_id not in units_of.setdefault(person_id, []):
                units_of[person_id].append(unit_id)
    return units_of


def _split(
    found: BranchYear, units: Sequence[Organization], units_of: Mapping[int, list[int]]
) -> dict[int, BranchYear]:
    """``found`` split into the part of it that belonged to each of ``units`` in the year."""
    people: dict[int, list[Person]] = {unit.pk: [] for unit in units}
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
        for unit in units
    }


@dataclass
class Group:
    """The units under one adoption, the cut-offs asked for and the tags read now."""

    adoption: Adoption
    scope: Scope
    units: list[Organization]
    todays: Sequence[dt.date | None]
    keys: list[tuple[int, bool]]  # per date: (months reached, rated)
    cells: Cells

    def tag(self, unit: int, reached: int, rated: bool) -> str:
        return unit_tag(
            self.cells, self.adoption, self.scope.nested, unit, reached=reached, rated=rated
        )


def _keys(
    calendar: Calendar, todays: Sequence[dt.date | None], unrated_from: int | None
) -> list[tuple[int, bool]]:
    """Each date's (months reached, rated): a date from ``unrated_from`` on is rated only when
    an earlier date shares its cut-off (as ``stored_branch_years`` does)."""
    reacheds = [months_reached(calendar, today) for today in todays]
    cut = len(todays) if unrated_from is None else unrated_from
    rated = set(reacheds[:cut])
    return [(r, r in rated) for r in reacheds]


def fresh_figures(
    group: Group, stale: set[int], unrated_from: int | None, *, from_ledger: bool = False
) -> dict[tuple[int, int, bool], Figures]:
    """The stale units' figures at every key, from the stored results (``from_ledger``: from
    the ledger itself) of every branch joined to them, so that each quota's group is whole."""
    cells = {cell for unit in stale for cell in group.cells.joined[unit]}
    orgs = group.cells.orgs_of(cells)
    scope_org, year = group.adoption.organization, group.scope.year
    if from_ledger:
        found = branch_years(scope_org, year, group.todays, only=orgs)
    else:
        found = stored_branch_years(
            scope_org, year, group.todays, unrated_from=unrated_from, only=orgs
        )
    units = [u for u in group.units if u.pk in stale]
    units_of = _units_of(scope_org, units, year, orgs)
    answer: dict[tuple[int, int, bool], Figures] = {}
    done: set[tuple[int, bool]] = set()
    for (reached, rated), branch in zip(group.keys, found, strict=True):
        if branch is None or reached == 0 or (reached, rated) in done:
            continue
        done.add((reached, rated))
        for unit_pk, part in _split(branch, units, units_of).items():
            answer[(unit_pk, reached, rated)] = Figures(
                stats_of(part) if rated else None, point_of(part)
            )
    return answer


def _store(group: Group, answer: Mapping[tuple[int, int, bool], Figures]) -> None:
    """Written under the tags read before the figures were computed, in key order (two
    readers writing the same summaries take their locks in the same order)."""
    rows = [
        StoredUnit(
            unit_id=unit_pk,
            year=group.scope.year,
            scope_id=group.adoption.organization_id,
            reached=reached,
            rated=rated,
            tag=group.tag(unit_pk, reached, rated),
            data=dump(figures),
        )
        for (unit_pk, reached, rated), figures in sorted(answer.items(), key=lambda kv: kv[0])
    ]
    with transaction.atomic():
        StoredUnit.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["unit", "year", "scope", "reached", "rated"],
            update_fields=["tag", "data"],
        )


def _group_figures(
    group: Group, unrated_from: int | None, *, recompute: bool = False
) -> dict[int, list[Figures]]:
    year, scope_org = group.scope.year, group.adoption.organization
    by_pk = {unit.pk: unit for unit in group.units}
    wanted = {(u.pk, r, d) for u in group.units for r, d in group.keys if r > 0}
    have: dict[tuple[int, int, bool], Figures] = {}
    stale: set[int] = {u for u, _, _ in wanted} if recompute else set()
    if not recompute:
        rows = StoredUnit.objects.filter(
            scope_id=scope_org.pk,
            year=year,
            unit_id__in=list(by_pk),
            reached__in=sorted({r for r, _ in group.keys}),
        ).values_list("unit_id", "reached", "rated", "tag", "data")
        for unit_pk, reached, rated, tag, data in rows:
            key = (unit_pk, reached, rated)
            if key in wanted and tag == group.tag(unit_pk, reached, rated):
                have[key] = _load(data, by_pk[unit_pk])
        stale = {u for u, r, d in wanted if (u, r, d) not in have}
    if stale:
        fresh = fresh_figures(group, stale, unrated_from)
        _store(group, fresh)
        have.update(fresh)
    answer: dict[int, list[Figures]] = {}
    for unit in group.units:
        empty = BranchYear(unit, year, group.adoption, group.scope.rulebook, [], {}, 0)
        answer[unit.pk] = [
            have[(unit.pk, r, d)]
            if r > 0
            else Figures(stats_of(empty) if d else None, point_of(empty))
            for r, d in group.keys
        ]
    return answer


def unit_figures(
    units: Sequence[Organization],
    year: int,
    cuts: Callable[[Calendar], Sequence[dt.date | None]],
    *,
    unrated_from: int | None = None,
    recompute: bool = False,
) -> dict[int, list[Figures]]:
    """Each unit's figures at each date ``cuts`` gives for its scoring year (an empty list for a
    unit without a rulebook for the year). The dates from index ``unrated_from`` on carry no
    stars or bands (a trend needs none). ``recompute``: from the stored results, ignoring the
    stored summaries (``jifen scores verify`` compares the two)."""
    groups, without = by_adoption(units, year)
    answer: dict[int, list[Figures]] = {unit.pk: [] for unit in without}
    for adoption, members in groups:
        group = group_of(adoption, members, year, cuts, unrated_from)
        answer.update(_group_figures(group, unrated_from, recompute=recompute))
    return answer


def by_adoption(
    units: Sequence[Organization], year: int
) -> tuple[list[tuple[Adoption, list[Organization]]], list[Organization]]:
    """``units`` grouped by the adoption that rules each in ``year``; and those without one."""
    groups: dict[int, tuple[Adoption, list[Organization]]] = {}
    without = []
    adoptions = adoptions_for(units, year)
    for unit in units:
        adoption = adoptions[unit.pk]
        if adoption is None:
            without.append(unit)
        else:
            groups.setdefault(adoption.pk, (adoption, []))[1].append(unit)
    return list(groups.values()), without


def group_of(
    adoption: Adoption,
    units: list[Organization],
    year: int,
    cuts: Callable[[Calendar], Sequence[dt.date | None]],
    unrated_from: int | None,
) -> Group:
    """The units under ``adoption`` at the dates ``cuts`` gives, with the tags read now."""
    scope = Scope.of(adoption)
    todays = list(cuts(scope.calendar))
    keys = _keys(scope.calendar, todays, unrated_from)
    return Group(adoption, scope, units, todays, keys, cells_of(adoption, units, year))


def branches_at(
    organization: Organization, year: int, as_of: dt.date | None
) -> list[tuple[Organization, BranchStats | None]]:
    """Each branch under ``organization`` as of ``as_of`` (None: the whole year); a branch
    without a rulebook for the year gets None."""
    units = units_of(organization, year)
    found = unit_figures(units, year, lambda _: [as_of])
    return [(unit, found[unit.pk][0].stats if found[unit.pk] else None) for unit in units]


def _quarter_ends(calendar: Calendar, today: dt.date) -> list[dt.date | None]:
    """The dates the quarters begun by ``today`` stand at: their last day, or today."""
    shown: list[dt.date | None] = []
    for quarter in range(1, 5):
        start, end = quarter_bounds(calendar, quarter)
        if today >= start:
            shown.append(min(end, today))
    return shown


def _trend(unit: Organization, points: Sequence[Figures]) -> Trend:
    """A unit's trend from its points at the quarters' ends (the quarters not begun: empty)."""
    shown = [f.point for f in points[:4]]
    blank = Point(Decimal(0), 0)
    shown += [blank] * (4 - len(shown))
    return Trend.of(unit, shown)


def trends_of(organization: Organization, year: int, today: dt.date) -> list[Trend]:
    """Each branch's mean total and base as they stood at the end of each quarter begun by
    ``today`` (a quarter in progress counts up to today's month; later ones are left empty)."""
    units = units_of(organization, year)
    found = unit_figures(units, year, lambda c: _quarter_ends(c, today), unrated_from=0)
    return [_trend(unit, found[unit.pk]) for unit in units]


def trend_of(unit: Organization, year: int, today: dt.date) -> Trend:
    """One branch's trend (see ``trends_of``)."""
    return next(t for t in trends_of(unit, year, today) if t.organization.pk == unit.pk)


def year_overview(
    organization: Organization, year: int, today: dt.date
) -> tuple[list[tuple[Organization, BranchStats | None]], list[Trend]]:
    """``branches_at`` today and ``trends_of`` together, in one read of the summaries."""
    units = units_of(organization, year)
    found = unit_figures(units, year, lambda c: [today, *_quarter_ends(c, today)], unrated_from=1)
    stats = []
    trends = []
    for unit in units:
        figures = found[unit.pk]
        stats.append((unit, figures[0].stats if figures else None))
        if figures:
            trends.append(_trend(unit, figures[1:]))
    return stats, trends

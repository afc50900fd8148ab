"""The monthly 考核表 of seed 003 (常州市机关事务管理局党员积分管理考核表): one row per member,
each item's points for the month, the month's total and 备注, with 所在支部、考核年月 and the
branch secretary's signature over it. Built from the ledger (``branch_year``) like the quarter's
sheet, and signed per month (docs/periods.md, docs/decisions.md).

A month's sheet uses only facts dated on or before the month's last day, and counts the year as
reached to that month (a later month's facts never change it). Columns, in the seed's order:

- each item of a category scored by the month (基础分) with its points for the month, then the
  category's month subtotal (after its deductions, which 备注 names);
- each item of a category scored by the year (特色分) with the points it **gained this month**
  (its year score at this month's end less that at the previous month's end, so the year's
  caps are respected), then the category this month and its total so far (累计);
- each year-end grade (评议分) as a column marked 年终评定, left empty: it is rated at year end;
- 本月合计 = the month subtotals plus what the year categories gained this month; 备注.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from jifen.ledger.pages import points_text
from jifen.ledger.scores import BranchYear, branch_year
from jifen.orgs.models import Organization
from jifen.orgs.selectors import memberships_overlapping
from jifen.periods.sheet import canonical_hash
from jifen.rulebooks.services import adoption_for, rulebook_of
from jifen.scoring import Calendar, Category, Rulebook, SubjectResult

MONTHS = tuple(range(1, 13))
ZERO = Decimal(0)


@dataclass(frozen=True)
class Month:
    """Month ``number`` (1..12) of the rulebook's scoring ``year``."""

    year: int
    number: int
    start: Any  # dt.date
    end: Any  # dt.date
    previous_end: Any  # dt.date | None: the last day of the month before, in the same year

    @property
    def key(self) -> str:
        return f"M{self.number:02d}"

    @property
    def name(self) -> str:
        """考核年月 as the printed form and the records write it, in Chinese."""
        return f"{self.start.year}年{self.start.month}月"

    @property
    def title(self) -> str:
        return _("%(year)s年%(month)s月") % {"year": self.start.year, "month": self.start.month}


def month_of(rulebook: Rulebook, year: int, number: int) -> Month:
    calendar = Calendar(year, rulebook.year_start)
    start, end = calendar.month_bounds(number - 1)
    previous = calendar.month_bounds(number - 2)[1] if number > 1 else None
    return Month(year, number, start, end, previous)


def _number(value: Decimal) -> str:
    """10 → "10", 2.5 → "2.5": the 考核分值 as the seed writes it."""
    text = format(value.normalize(), "f")
    return text


def _points_words(category: Category, item: Any) -> str:
    """The item's 考核分值 under its title: "10分/月", "最高5分/年", "年终评定"."""
    if item.rule == "grade":
        return "年终评定"
    if item.rule == "allowance":
        return f"{_number(item.points)}分/月"
    cap = getattr(item, "cap_year", None)
    return f"最高{_number(cap)}分/年" if cap is not None else ""


@dataclass(frozen=True)
class Column:
    code: str  # "base.xxqg_login", "base" (month subtotal), "featured+" (this month) …
    group: str  # the category's title, over its columns (考核类别)
    title: str
    points: str  # 考核分值
    standard: str  # the rulebook's words for the item (说明, under the printed table)


def _columns(rulebook: Rulebook) -> list[Column]:
    columns: list[Column] = []
    for category in rulebook.categories:
        group = f"{category.title}（{_number(category.max)}分）"
        for item in category.items:
            columns.append(
                Column(
                    f"{category.code}.{item.code}",
                    group,
                    item.title,
                    _points_words(category, item),
                    item.standard or "",
                )
            )
        if all(item.rule == "grade" for item in category.items):
            continue
        if category.period == "month":
            limit = category.period_max or category.max
            columns.append(Column(category.code, group, "月小计", f"{_number(limit)}分", ""))
        else:
            columns.append(Column(f"{category.code}+", group, "本月", "", ""))
            columns.append(Column(f"{category.code}~", group, "累计", "", ""))
    return columns


def _item_scores(result: SubjectResult | None, category: Category) -> dict[str, Decimal]:
    if result is None:
        return {}
    return {item.code: item.score for item in result.category(category.code).items}


def _category_score(result: SubjectResult | None, category: Category) -> Decimal:
    return ZERO if result is None else result.category(category.code).score


@dataclass(frozen=True)
class MonthRow:
    person_id: int
    name: str
    branch: str
    cells: dict[str, str]  # column code → text ("" where nothing applies)
    total: str
    remarks: str


def _remarks(result: SubjectResult, rulebook: Rulebook, key: str, active: bool) -> list[str]:
    notes: list[str] = []
    if not active:
        notes.append("本月不在考核期内")
    for category in rulebook.categories:
        if category.period != "month" or not active:
            continue
        found = result.category(category.code)
        raw = sum((item.periods.get(key, ZERO) for item in found.items), ZERO)
        limit = category.period_max or category.max
        kept = min(raw, limit)
        value = found.periods.get(key, ZERO)
        if value < kept:
            names = "、".join(d.title for d in category.deductions) or "扣分"
            notes.append(f"{category.title}扣 {points_text(kept - value)} 分（{names}）")
    if result.vetoed:
        notes.append("负面清单：年度积分为零")
    return notes


def _row(
    person: Any,
    branch: str,
    found: BranchYear,
    before: BranchYear | None,
    month: Month,
) -> MonthRow:
    result = found.results[person.pk]
    earlier = before.results.get(person.pk) if before is not None else None
    key = month.key
    cells: dict[str, str] = {}
    total = ZERO
    active = any(
        key in result.category(c.code).periods
        for c in found.rulebook.categories
        if c.period == "month"
    ) or not any(c.period == "month" for c in found.rulebook.categories)
    for category in found.rulebook.categories:
        if all(item.rule == "grade" for item in category.items):
            for item in category.items:
                cells[f"{category.code}.{item.code}"] = ""
            continue
        found_category = result.category(category.code)
        if category.period == "month":
            for scored in found_category.items:
                cells[f"{category.code}.{scored.code}"] = points_text(scored.periods.get(key))
            value = found_category.periods.get(key)
            cells[category.code] = points_text(value)
            total += value or ZERO
            continue
        gained_before = _item_scores(earlier, category)
        for scored in found_category.items:
            gained = scored.score - gained_before.get(scored.code, ZERO)
            cells[f"{category.code}.{scored.code}"] = points_text(gained)
        this_month = found_category.score - _category_score(earlier, category)
        cells[f"{category.code}+"] = points_text(this_month)
        cells[f"{category.code}~"] = points_text(found_category.score)
        total += this_month
    if not active:
        cells = dict.fromkeys(cells, "")
    remarks = "；".join(_remarks(result, found.rulebook, key, active))
    return MonthRow(
        person.pk, person.name, branch, cells, points_text(total) if active else "", remarks
    )


@dataclass(frozen=True)
class MonthSheet:
    organization: Organization
    month: Month
    rulebook: Rulebook
    columns: list[Column]
    rows: list[MonthRow]
    canonical: dict[str, Any]
    sheet_hash: str


def _members_in(organization: Organization, month: Month) -> dict[int, str]:
    """Who belonged to ``organization`` (or below) on some day of the month, with the branch
    they belonged to last in it."""
    rows = (
        memberships_overlapping(
            first=month.start, last=month.end, organization=organization, subtree=True
        )
        .order_by("start")
        .values_list("person_id", "organization__name")
    )
    return dict(rows)


def month_sheet(organization: Organization, year: int, number: int) -> MonthSheet | None:
    """The 考核表 of month ``number`` of the scoring ``year``; None where no rulebook applies."""
    adoption = adoption_for(organization, year)
    if adoption is None:
        return None
    month = month_of(rulebook_of(adoption), year, number)
    found = branch_year(organization, year, today=month.end, until=month.end)
    if found is None:
        return None
    rulebook = found.rulebook
    by_year = any(
        c.period != "month" and not all(i.rule == "grade" for i in c.items)
        for c in rulebook.categories
    )
    before = (
        branch_year(organization, year, today=month.previous_end, until=month.previous_end)
        if by_year and month.previous_end is not None
        else None
    )
    branches = _members_in(organization, month)
    rows = [
        _row(person, branches[person.pk], found, before, month)
        for person in found.people
        if person.pk in branches and person.pk in found.results
    ]
    columns = _columns(rulebook)
    canonical = {
        "organization": organization.pk,
        "code": organization.code,
        "year": year,
        "month": number,
        "start": month.start.isoformat(),
        "end": month.end.isoformat(),
        "rulebook": rulebook.id,
        "version": str(rulebook.version),
        "columns": [[c.code, c.group, c.title, c.points] for c in columns],
        "members": [
            {
                "person": row.person_id,
                "name": row.name,
                "branch": row.branch,
                "cells": row.cells,
                "total": row.total,
                "remarks": row.remarks,
            }
            for row in rows
        ],
    }
    return MonthSheet(
        organization, month, rulebook, columns, rows, canonical, canonical_hash(canonical)
    )

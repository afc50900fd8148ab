"""The quarterly sheet (季度考评表): every member's scores for one quarter, built from the ledger
(``branch_year``), and its canonical form, whose SHA-256 the secretary signs.

Quarters are those of the rulebook's scoring year (``year_start``). A quarter's sheet uses only
facts dated on or before the quarter's last day, so a later quarter's facts never change it.
Categories scored by the month show each month and the quarter (mean or sum as the rulebook
combines months); categories scored by the year show what has been earned up to the quarter's
end (累计). Year-end grades (民主评议, rule ``grade``) are left to the year end.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from jifen.ledger.pages import points_text
from jifen.ledger.scores import branch_year
from jifen.orgs.models import Organization, Person
from jifen.orgs.selectors import memberships_overlapping
from jifen.rulebooks.services import adoption_for, rulebook_of
from jifen.scoring import Calendar, Category, Rulebook, SubjectResult, round2

QUARTERS = (1, 2, 3, 4)
QUARTER_NAMES = {
    1: gettext_noop("第一季度"),
    2: gettext_noop("第二季度"),
    3: gettext_noop("第三季度"),
    4: gettext_noop("第四季度"),
    0: gettext_noop("全年"),  # a year-end signature's ``quarter`` (periods/year_end_sheet.py)
}


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int
    start: dt.date
    end: dt.date
    months: tuple[int, ...]  # month indexes in the scoring year
    month_labels: tuple[str, ...]

    @property
    def name(self) -> str:
        """The Chinese name, as written on the printed forms, in the files and in the records."""
        return f"{self.year}年{QUARTER_NAMES[self.number]}"

    @property
    def title(self) -> str:
        """The name as a page shows it, in the reader's language."""
        return _("%(year)s年%(quarter)s") % {
            "year": self.year,
            "quarter": _(QUARTER_NAMES[self.number]),
        }

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(f"M{m + 1:02d}" for m in self.months)


def quarter_of(rulebook: Rulebook, year: int, number: int) -> Quarter:
    calendar = Calendar(year, rulebook.year_start)
    months = tuple(range(3 * (number - 1), 3 * number))
    return Quarter(
        year,
        number,
        calendar.month_bounds(months[0])[0],
        calendar.month_bounds(months[-1])[1],
        months,
        tuple(calendar.month_label(m) for m in months),
    )


def _by_month(category: Category) -> bool:
    return category.period in ("month", "quarter")


def _in_sheet(category: Category) -> bool:
    return not all(item.rule == "grade" for item in category.items)


@dataclass(frozen=True)
class SheetRow:
    person: Person
    branch: str
    months: list[tuple[str, list[str]]]  # month label, cells (items then month totals)
    quarter: list[str]  # one per quarter column
    total: Decimal
    canonical: dict[str, Any]
    row_hash: str


@dataclass(frozen=True)
class QuarterSheet:
    organization: Organization
    quarter: Quarter
    rulebook: Rulebook
    item_columns: list[str]  # titles: the monthly items, then each monthly category's 月小计
    quarter_columns: list[str]  # each category's quarter score, then 季度合计
    rows: list[SheetRow]
    canonical: dict[str, Any]
    sheet_hash: str


# Shown on the signed sheet and the notice but not part of what is signed: a corrected name or a
# renamed branch does not change anybody's score, so it does not reopen a signed quarter.
DISPLAY_ONLY = ("name", "branch")


def canonical_hash(value: Any) -> str:
    """SHA-256 of ``value`` as sorted, compact JSON (numbers already as text), leaving out the
    members' names and branches."""
    if isinstance(value, dict):
        value = {k: v for k, v in value.items() if k not in DISPLAY_ONLY}
        if "members" in value:
            value["members"] = [
                {k: v for k, v in m.items() if k not in DISPLAY_ONLY} for m in value["members"]
            ]
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _quarter_score(category: Category, periods: dict[str, Decimal], quarter: Quarter) -> Decimal:
    if category.period == "quarter":
        return periods.get(f"Q{quarter.number}", Decimal(0))
    values = [periods[key] for key in quarter.keys if key in periods]
    if not values:
        return Decimal(0)
    if category.combine == "mean":
        return round2(sum(values, Decimal(0)) / len(values))
    return round2(sum(values, Decimal(0)))


def _members_in(organization: Organization, quarter: Quarter) -> dict[int, str]:
    """Who belonged to ``organization`` (or below) on some day of the quarter, with the name of
    the branch they belonged to last in it."""
    rows = (
        memberships_overlapping(
            first=quarter.start, last=quarter.end, organization=organization, subtree=True
        )
        .order_by("start")
        .values_list("person_id", "organization__name")
    )
    return dict(rows)  # in date order: the last membership of the quarter wins


def _row(
    person: Person, branch: str, result: SubjectResult, rulebook: Rulebook, quarter: Quarter
) -> SheetRow:
    monthly = [c for c in rulebook.categories if _by_month(c) and _in_sheet(c)]
    months = []
    canonical_months: dict[str, dict[str, str]] = {}
    for key, label in zip(quarter.keys, quarter.month_labels, strict=True):
        cells: list[str] = []
        saved: dict[str, str] = {}
        for category in monthly:
            found = result.category(category.code)
            for item in found.items:
                text = points_text(item.periods.get(key))
                cells.append(text)
                saved[f"{category.code}.{item.code}"] = text
        for category in monthly:
            text = points_text(result.category(category.code).periods.get(key))
            cells.append(text)
            saved[category.code] = text
        months.append((label, cells))
        canonical_months[key] = saved
    quarter_cells: list[str] = []
    saved_quarter: dict[str, str] = {}
    total = Decimal(0)
    for category in rulebook.categories:
        if not _in_sheet(category):
            continue
        found = result.category(category.code)
        value = (
            _quarter_score(category, dict(found.periods), quarter)
            if _by_month(category)
            else found.score
        )
        total += value
        quarter_cells.append(points_text(value))
        saved_quarter[category.code] = points_text(value)
    quarter_cells.append(points_text(total))
    canonical = {
        "person": person.pk,
        "name": person.name,
        "branch": branch,
        "months": canonical_months,
        "quarter": saved_quarter,
        "total": points_text(total),
    }
    return SheetRow(
        person, branch, months, quarter_cells, total, canonical, canonical_hash(canonical)
    )


def quarter_sheet(organization: Organization, year: int, number: int) -> QuarterSheet | None:
    """The sheet of quarter ``number`` of ``year`` for ``organization``; None when no rulebook
    applies to it that year."""
    adoption = adoption_for(organization, year)
    if adoption is None:
        return None
    quarter = quarter_of(rulebook_of(adoption), year, number)
    found = branch_year(organization, year, until=quarter.end)
    if found is None:
        return None
    rulebook = found.rulebook
    branches = _members_in(organization, quarter)
    rows = [
        _row(person, branches[person.pk], found.results[person.pk], rulebook, quarter)
        for person in found.people
        if person.pk in branches and person.pk in found.results
    ]
    monthly = [c for c in rulebook.categories if _by_month(c) and _in_sheet(c)]
    item_columns = [item.title for c in monthly for item in c.items] + [
        f"{c.title}月小计" for c in monthly
    ]
    quarter_columns = [
        c.title if _by_month(c) else f"{c.title}（累计）"
        for c in rulebook.categories
        if _in_sheet(c)
    ] + ["季度合计"]
    canonical = {
        "organization": organization.pk,
        "code": organization.code,
        "year": year,
        "quarter": number,
        "start": quarter.start.isoformat(),
        "end": quarter.end.isoformat(),
        "rulebook": rulebook.id,
        "version": str(rulebook.version),
        # The quarter's columns as [code, title], so a signed sheet can be shown years later.
        "columns": [
            [c.code, title]
            for c, title in zip(
                [c for c in rulebook.categories if _in_sheet(c)], quarter_columns, strict=False
            )
        ],
        "members": [row.canonical for row in rows],
    }
    return QuarterSheet(
        organization,
        quarter,
        rulebook,
        item_columns,
        quarter_columns,
        rows,
        canonical,
        canonical_hash(canonical),
    )

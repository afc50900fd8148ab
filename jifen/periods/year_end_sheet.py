"""The year-end sheet (年度积分汇总表): every member's year — each category's points (基础分、
特色分、评议分 in seed003), the democratic-review grade and the year's total — as the engine
computes them from the ledger for the whole scoring year, and its canonical form, whose SHA-256
the branch secretary signs and the level above approves (seed003 六(三)).

Its signature is a ``Signature`` whose ``quarter`` is ``YEAR_END`` (0, the whole year): the
notice, the objections, their findings and escalations of the quarter then serve the year as
they are (docs/decisions.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from jifen.ledger.models import Entry
from jifen.ledger.pages import points_text
from jifen.ledger.scores import branch_year
from jifen.orgs.models import Organization, Person
from jifen.orgs.selectors import memberships_overlapping
from jifen.periods.sheet import canonical_hash
from jifen.rulebooks.services import adoption_for, rulebook_of
from jifen.scoring import Calendar, Category, Rulebook, SubjectResult
from jifen.scoring.model import Grade

YEAR_END = 0  # Signature.quarter of a year-end signature: the whole scoring year


@dataclass(frozen=True)
class YearColumn:
    """A column an app above periods adds to the year-end sheet (the approved stars, from
    jifen.ratings — seed001 publicizes each member's stars after the general branch approves):
    ``values`` gives person pk → text and the text of anyone else, or None where the column
    does not apply (a rulebook without stars); ``blocker`` says why the sheet cannot be signed
    yet, or None."""

    code: str
    title: str
    values: Callable[[Organization, int], tuple[Mapping[int, str], str] | None]
    blocker: Callable[[Organization, int], str | None]


YEAR_COLUMNS: list[YearColumn] = []


def year_column_add(column: YearColumn) -> None:
    if all(c.code != column.code for c in YEAR_COLUMNS):
        YEAR_COLUMNS.append(column)


def year_end_blockers(organization: Organization, year: int) -> list[str]:
    """Why the year-end sheet cannot be signed yet, from the columns apps added."""
    found = (column.blocker(organization, year) for column in YEAR_COLUMNS)
    return [reason for reason in found if reason]


GRADE_COLUMN = "grade"  # the key of the democratic-review grade among a member's year cells
NO_GRADE = "未评定"


@dataclass(frozen=True)
class YearRow:
    person: Person
    branch: str
    cells: list[str]  # one per column: each category's year points, then the grade
    total: Decimal
    incomplete: bool  # the engine marks the year unfinished (a grade not yet entered …)
    canonical: dict[str, Any]


@dataclass(frozen=True)
class YearSheet:
    organization: Organization
    year: int
    start: dt.date
    end: dt.date
    rulebook: Rulebook
    columns: list[tuple[str, str]]  # (code, title)
    rows: list[YearRow]
    canonical: dict[str, Any]
    sheet_hash: str

    @property
    def missing_grades(self) -> list[str]:
        """Members whose year is unfinished for want of a grade. One who was never in scope
        that year (exempt all year, 不列入管理) is not unfinished: the engine asks no grade."""
        return [
            r.person.name
            for r in self.rows
            if r.incomplete and r.canonical["year"].get(GRADE_COLUMN) == NO_GRADE
        ]


def year_bounds(rulebook: Rulebook, year: int) -> tuple[dt.date, dt.date]:
    """The first and last day of the rulebook's scoring ``year`` (``year_start``)."""
    calendar = Calendar(year, rulebook.year_start)
    return calendar.month_bounds(0)[0], calendar.month_bounds(11)[1]


def _grade_item(rulebook: Rulebook) -> tuple[Category, Grade] | None:
    for category in rulebook.categories:
        for item in category.items:
            if isinstance(item, Grade):
                return category, item
    return None


def _grade_facts(results: list[SubjectResult], found: tuple[Category, Grade]) -> dict[str, str]:
    """Each member's grade (优秀 …): the ledger value of the fact the engine used for the grade
    item (its line names the fact, whose id is the entry's key), read in one query. A member
    without one is 未评定."""
    category, item = found
    rule = f"{category.code}.{item.code}"
    used: dict[str, str] = {}
    for result in results:
        for found_item in result.category(category.code).items:
            for line in found_item.lines:
                if line.rule == rule and line.facts:
                    used[result.subject] = line.facts[0]
    values = dict(
        Entry.objects.filter(pk__in=[int(f) for f in used.values()]).values_list("pk", "value")
    )
    return {subject: values.get(int(fact), NO_GRADE) for subject, fact in used.items()}


def _members_in(organization: Organization, start: dt.date, end: dt.date) -> dict[int, str]:
    rows = (
        memberships_overlapping(first=start, last=end, organization=organization, subtree=True)
        .order_by("start")
        .values_list("person_id", "organization__name")
    )
    return dict(rows)  # in date order: the last membership of the year wins


def year_sheet(organization: Organization, year: int) -> YearSheet | None:
    """The year-end sheet of ``organization`` for ``year``; None when no rulebook applies."""
    adoption = adoption_for(organization, year)
    if adoption is None:
        return None
    start, end = year_bounds(rulebook_of(adoption), year)
    found = branch_year(organization, year, until=end)
    if found is None:
        return None
    rulebook = found.rulebook
    grade = _grade_item(rulebook)
    columns = [(c.code, c.title) for c in rulebook.categories]
    if grade is not None:
        columns.append((GRADE_COLUMN, "评议等次"))
    added: dict[str, tuple[Mapping[int, str], str]] = {}
    for column in YEAR_COLUMNS:
        given = column.values(organization, year)
        if given is not None:
            added[column.code] = given
    columns += [(c.code, c.title) for c in YEAR_COLUMNS if c.code in added]
    branches = _members_in(organization, start, end)
    grades = _grade_facts(list(found.results.values()), grade) if grade is not None else {}
    rows = []
    for person in found.people:
        result = found.results.get(person.pk)
        if result is None or person.pk not in branches:
            continue
        cells = {c.code: points_text(result.category(c.code).score) for c in rulebook.categories}
        if grade is not None:
            cells[GRADE_COLUMN] = grades.get(result.subject, NO_GRADE)
        for code, (texts, otherwise) in added.items():
            cells[code] = texts.get(person.pk, otherwise)
        canonical = {
            "person": person.pk,
            "name": person.name,
            "branch": branches[person.pk],
            "year": cells,
            "total": points_text(result.total),
            "vetoed": result.vetoed,
        }
        rows.append(
            YearRow(
                person,
                branches[person.pk],
                [cells[code] for code, _title in columns],
                result.total,
                result.incomplete,
                canonical,
            )
        )
    canonical = {
        "organization": organization.pk,
        "code": organization.code,
        "year": year,
        "quarter": YEAR_END,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "rulebook": rulebook.id,
        "version": str(rulebook.version),
        "columns": [list(c) for c in columns],
        "members": [row.canonical for row in rows],
    }
    return YearSheet(
        organization,
        year,
        start,
        end,
        rulebook,
        columns,
        rows,
        canonical,
        canonical_hash(canonical),
    )

"""Democratic-review grades (民主评议): facts in the ledger, entered one by one, as a grid of the
whole branch, or from an uploaded spreadsheet.

A grade is a fact of the rulebook's grade item (seed003 ``democratic_review``: 优秀 / 合格 /
基本合格 / 不合格), dated on the member's last day in the branch that year and written to that
branch's chain. Entering a different grade corrects the earlier one; the same grade writes
nothing. All or nothing: any bad row and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from jifen.audit.services import audit_record
from jifen.documents.reading import Limits, SpreadsheetError, cell_text, read_rows
from jifen.ledger.models import Correction, Entry, Origin
from jifen.ledger.services import NewFact, entries_append, entries_correct
from jifen.orgs.models import Organization, Person
from jifen.orgs.selectors import memberships_overlapping
from jifen.rulebooks.services import adoption_for, rulebook_of
from jifen.scoring import Rulebook
from jifen.scoring.model import Grade

LIMITS = Limits(rows=5_000, what="民主评议结果")
NAME, ID_NUMBER, GRADE = "姓名", "身份证号", "评议等次"


@dataclass(frozen=True)
class GradeItem:
    code: str
    title: str
    grades: tuple[str, ...]  # best first, as the rulebook lists them


def grade_item(rulebook: Rulebook) -> GradeItem | None:
    """The rulebook's democratic-review item: its first ``grade`` item, if it has one."""
    for category in rulebook.categories:
        for item in category.items:
            if isinstance(item, Grade):
                return GradeItem(item.code, item.title, tuple(item.grades))
    return None


def grade_item_for(organization: Organization, year: int) -> GradeItem | None:
    adoption = adoption_for(organization, year)
    return grade_item(rulebook_of(adoption)) if adoption else None


@dataclass
class Member:
    """A member of the organization that year, where their grade goes, and their grade now."""

    person: Person
    branch: Organization
    day: dt.date  # the last day of the year on which they belonged
    current: Entry | None = None


def members_of(organization: Organization, year: int, item: str) -> list[Member]:
    """Everyone who belonged to ``organization`` (or below) on some day of ``year`` and is
    scored with its rulebook, in name order, each with their effective grade entry (the latest
    that no correction replaced)."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    found: dict[int, Member] = {}
    for m in (
        memberships_overlapping(first=first, last=last, organization=organization, subtree=True)
        .select_related("person", "organization")
        .order_by("start")
    ):
        end = min(m.end - dt.timedelta(days=1), last) if m.end else last
        known = found.get(m.person_id)
        if known is None or end >= known.day:
            found[m.person_id] = Member(m.person, m.organization, end)
    # A general branch or a committee may hold branches that adopted another rulebook: their
    # members are graded (or not) under their own rulebook, never with this one's item.
    adoption = adoption_for(organization, year)
    same: dict[int, bool] = {}
    for person_id, member in list(found.items()):
        branch = member.branch
        if branch.pk not in same:
            theirs = adoption_for(branch, year)
            same[branch.pk] = (
                adoption is not None and theirs is not None and theirs.pk == adoption.pk
            )
        if not same[branch.pk]:
            del found[person_id]
    entries = (
        Entry.objects.filter(person_id__in=found, item=item, date__year=year)
        .exclude(correction=Correction.VOID)
        .filter(corrections__isnull=True)
        .order_by("date", "pk")
    )
    for entry in entries:
        if entry.person_id is not None:
            found[entry.person_id].current = entry
    return sorted(found.values(), key=lambda m: (m.person.name_pinyin, m.person.pk))


@dataclass
class GradeResult:
    written: int = 0
    corrected: int = 0
    unchanged: int = 0


@transaction.atomic
def grades_enter(
    *,
    organization: Organization,
    year: int,
    grades: Mapping[int, str],
    actor: User,
    reason: str = "",
) -> GradeResult:
    """Record ``grades`` (person id → grade; "" leaves a member as they are) for ``year``.

    A first grade is appended (one batch per branch chain); a different grade corrects the
    earlier one and needs ``reason``; the same grade writes nothing. Any problem refuses the
    whole batch, each problem named."""
    item = grade_item_for(organization, year)
    if item is None:
        raise ValidationError(f"{organization.name} {year} 年采用的积分办法没有民主评议项目")
    members = {m.person.pk: m for m in members_of(organization, year, item.code)}
    problems: list[str] = []
    new: dict[int, list[NewFact]] = {}
    branches: dict[int, Organization] = {}
    changes: list[tuple[Entry, str]] = []
    result = GradeResult()
    for person_id, given in grades.items():
        grade = given.strip()
        if not grade:
            continue
        member = members.get(person_id)
        if member is None:
            problems.append(
                f"人员 {person_id} 不在 {organization.name} {year} 年按本办法评议的党员名单中"
            )
            continue
        if grade not in item.grades:
            problems.append(
                f"{member.person.name}：没有“{grade}”这个等次，应为 {'、'.join(item.grades)}"
            )
            continue
        if member.current is None:
            branches[member.branch.pk] = member.branch
            new.setdefault(member.branch.pk, []).append(
                NewFact(member.person, member.day, item.code, grade, note=f"{year} 年民主评议")
            )
        elif member.current.value == grade:
            result.unchanged += 1
        else:
            changes.append((member.current, grade))
    if changes and not reason.strip():
        names = "、".join(e.person.name for e, _ in changes if e.person)
        problems.append(f"{names} 已有评议等次，改为其他等次是更正，请写明更正原因")
    if problems:
        raise ValidationError(problems)
    for branch_id, facts in new.items():
        entries_append(
            organization=branches[branch_id],
            facts=facts,
            origin=Origin.REVIEW,
            origin_ref=f"review-{year}",
            recorded_by=actor,
            summary=f"{year} 年民主评议 {len(facts)} 人",
        )
        result.written += len(facts)
    entries_correct(
        corrections=changes,
        reason=reason,
        recorded_by=actor,
        summary=f"{year} 年民主评议等次更正 {len(changes)} 人",
    )
    result.corrected += len(changes)
    audit_record(
        action="ratings.grades",
        actor=actor,
        target=organization,
        summary=(
            f"{organization.name} {year} 年民主评议：新录 {result.written} 人，"
            f"更正 {result.corrected} 人，未变 {result.unchanged} 人"
        ),
    )
    return result


@dataclass
class Checked:
    grades: dict[int, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def grades_read(*, organization: Organization, year: int, data: bytes) -> Checked:  # noqa: PLR0912
    """An uploaded sheet (xlsx or CSV) with the columns 姓名, 评议等次 and optionally 身份证号,
    checked row by row against the members and the rulebook's grades. Writes nothing."""
    checked = Checked()
    item = grade_item_for(organization, year)
    if item is None:
        checked.problems.append(f"{organization.name} {year} 年采用的积分办法没有民主评议项目")
        return checked
    try:
        raw, _, _ = read_rows(data, LIMITS)
    except SpreadsheetError as error:
        checked.problems.append(str(error))
        return checked
    header_at = next(
        (i for i, row in enumerate(raw[: LIMITS.header_search]) if NAME in map(cell_text, row)),
        None,
    )
    headers = [cell_text(c) for c in raw[header_at]] if header_at is not None else []
    if header_at is None or GRADE not in headers:
        checked.problems.append(f"找不到表头：应有“{NAME}”和“{GRADE}”两列（可加“{ID_NUMBER}”列）")
        return checked
    name_at, grade_at = headers.index(NAME), headers.index(GRADE)
    id_at = headers.index(ID_NUMBER) if ID_NUMBER in headers else None
    by_name: dict[str, list[Person]] = {}
    for member in members_of(organization, year, item.code):
        by_name.setdefault(member.person.name, []).append(member.person)
    seen: dict[int, int] = {}
    for number, row in enumerate(raw[header_at + 1 :], start=header_at + 2):
        cells = [cell_text(c) for c in row] + [""] * len(headers)
        name, grade = cells[name_at], cells[grade_at]
        id_number = cells[id_at] if id_at is not None else ""
        if not any(cells):
            continue
        where = f"第 {number} 行"
        if not name:
            checked.problems.append(f"{where}“{NAME}”列：姓名不能为空")
            continue
        people = by_name.get(name, [])
        if id_number:
            people = [p for p in people if p.id_number == id_number]
        if not people:
            checked.problems.append(
                f"{where}“{NAME}”列：{organization.name} {year} 年没有名叫 {name} 的党员"
                + ("（或身份证号不符）" if id_number else "")
            )
            continue
        if len(people) > 1:
            checked.problems.append(
                f"{where}“{NAME}”列：有 {len(people)} 名党员叫 {name}，"
                f"请在“{ID_NUMBER}”列写明是哪一位"
            )
            continue
        if grade not in item.grades:
            checked.problems.append(
                f"{where}“{GRADE}”列：“{grade}”不是评议等次，应为 {'、'.join(item.grades)}"
            )
            continue
        person = people[0]
        if person.pk in seen:
            checked.problems.append(f"{where}：{name} 与第 {seen[person.pk]} 行重复")
            continue
        seen[person.pk] = number
        checked.grades[person.pk] = grade
    if not checked.grades and not checked.problems:
        checked.problems.append("表中没有任何评议结果")
    return checked

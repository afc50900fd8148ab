"""Monthly figures (学习强国: days not logged in, quiz points …) imported from a spreadsheet.

One row a member, one column an item of the adopted rulebook (by its code or its title). All or
nothing: any problem, every one listed by row and column, and nothing is written. Importing the
same file again changes nothing; a changed figure becomes a correction of the earlier one.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.contrib.auth.models import User
from django.db import transaction

from jifen.audit.services import audit_record
from jifen.documents.reading import Limits, SpreadsheetError, cell_text, read_rows
from jifen.ledger.models import Entry, Origin
from jifen.ledger.services import NewFact, entries_append, entries_correct, normalize_value
from jifen.orgs.models import Membership, Organization, Person
from jifen.orgs.selectors import memberships_overlapping
from jifen.rulebooks.services import adoption_for, rulebook_of
from jifen.scoring import Fact, Rulebook, check_fact
from jifen.scoring.model import Allowance

# One file is read and checked within the request (its problems are shown at once); a file of
# more than JOB_ROWS rows is then applied by `jifen worker` (monthly_jobs.py), which checks it
# again. 20,000 rows are read and checked in a few seconds (bench/bench_bulk_recording.py);
# a larger committee imports by general branch, or in two files: a member not in a file is
# left as they are.
LIMITS = Limits(rows=20_000, what="月度数据")
NAME, ID_NUMBER = "姓名", "身份证号"


@dataclass(frozen=True)
class Problem:
    row: int  # as Excel shows it; 0 for the file as a whole
    column: str
    message: str

    def __str__(self) -> str:
        where = f"第 {self.row} 行 {self.column}：" if self.row else ""
        return f"{where}{self.message}"


@dataclass
class Figure:
    row: int
    person: Person
    item: str
    value: Decimal
    date: dt.date


@dataclass
class Checked:
    year: int
    month: int
    figures: list[Figure] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # header → item code


def monthly_items(rulebook: Rulebook) -> dict[str, str]:
    """Header → item code for the items recorded as monthly figures: allowances scored per
    month that are not attendance (登录学习强国, 完成每日一题 …). Code or title both work."""
    headers: dict[str, str] = {}
    for category in rulebook.categories:
        for item in category.items:
            if isinstance(item, Allowance) and item.absent is None and item.period == "month":
                headers[item.code] = item.code
                headers[item.title] = item.code
    return headers


def _last_day_belonging(memberships: list[Membership], first: dt.date, last: dt.date) -> dt.date:
    """The month's last day on which the member belonged: a figure is dated inside their time."""
    ends = [min(m.end - dt.timedelta(days=1), last) if m.end else last for m in memberships]
    return max(d for d in ends if d >= first)


@dataclass
class NameIndex:
    """Members by name (and their memberships), for matching the names typed in a sheet."""

    memberships: dict[int, list[Membership]]
    by_name: dict[str, list[Person]]


def _roster(organization: Organization, first: dt.date, last: dt.date) -> NameIndex:
    """Everyone who belonged to the organization (or below) on some day of the month."""
    memberships: dict[int, list[Membership]] = {}
    for m in memberships_overlapping(
        first=first, last=last, organization=organization, subtree=True
    ).select_related("person"):
        memberships.setdefault(m.person_id, []).append(m)
    by_name: dict[str, list[Person]] = {}
    for ms in memberships.values():
        by_name.setdefault(ms[0].person.name, []).append(ms[0].person)
    return NameIndex(memberships, by_name)


def _header(raw: list[list[object]], known: dict[str, str]) -> tuple[int, list[str]] | Problem:
    header_at = next(
        (i for i, row in enumerate(raw[: LIMITS.header_search]) if NAME in map(cell_text, row)),
        None,
    )
    if header_at is None:
        return Problem(0, "", f"找不到表头：第一行应有“{NAME}”和积分项目的列")
    headers = [cell_text(c) for c in raw[header_at]]
    unknown = [h for h in headers if h and h not in known and h not in (NAME, ID_NUMBER)]
    if unknown or not any(h in known for h in headers):
        allowed = "、".join(sorted({h for h in known if not h.isascii()}))
        listed = "、".join(unknown) or "（没有积分项目列）"
        return Problem(0, "", f"不认识的列：{listed}。可用的列：{allowed}")
    return header_at, headers


def match_person(
    roster: NameIndex, name: str, id_number: str, where: str, number: int
) -> Person | Problem:
    if not name:
        return Problem(number, NAME, "姓名不能为空")
    candidates = roster.by_name.get(name, [])
    if id_number:
        candidates = [p for p in candidates if p.id_number == id_number]
    if not candidates:
        hint = "（或身份证号不符）" if id_number else ""
        return Problem(number, NAME, f"{where} 没有名叫 {name} 的党员{hint}")
    if len(candidates) > 1:
        return Problem(
            number, NAME, f"有 {len(candidates)} 名党员叫 {name}，请在“{ID_NUMBER}”列写明是哪一位"
        )
    return candidates[0]


def _no_progress(done: int, total: int) -> None:
    pass


def monthly_check(
    *,
    organization: Organization,
    year: int,
    month: int,
    data: bytes,
    progress: Callable[[int, int], None] = _no_progress,
) -> Checked:
    """Read and check a file of one month's figures; nothing is written. ``progress(row,
    rows)`` as the rows are checked (a job's progress bar)."""
    checked = Checked(year, month)
    adoption = adoption_for(organization, year)
    if adoption is None:
        checked.problems.append(Problem(0, "", f"{organization.name} {year} 年还没有采用积分办法"))
        return checked
    rulebook = rulebook_of(adoption)
    known = monthly_items(rulebook)
    try:
        raw, _, _ = read_rows(data, LIMITS)
    except SpreadsheetError as error:
        checked.problems.append(Problem(0, "", str(error)))
        return checked
    header = _header(raw, known)
    if isinstance(header, Problem):
        checked.problems.append(header)
        return checked
    header_at, headers = header
    item_columns = {i: known[h] for i, h in enumerate(headers) if h in known}
    checked.columns = {headers[i]: code for i, code in item_columns.items()}
    name_at = headers.index(NAME)
    id_at = headers.index(ID_NUMBER) if ID_NUMBER in headers else None

    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    roster = _roster(organization, first, last)
    where = f"{year}年{month}月 {organization.name}"
    seen: set[int] = set()
    rows = len(raw) - header_at - 1
    for number, row in enumerate(raw[header_at + 1 :], start=header_at + 2):
        progress(number - header_at - 2, rows)
        cells = [cell_text(c) for c in row] + [""] * len(headers)
        if not any(cells):
            continue
        id_number = cells[id_at].upper() if id_at is not None else ""
        person = match_person(roster, cells[name_at], id_number, where, number)
        if isinstance(person, Problem):
            checked.problems.append(person)
            continue
        if person.pk in seen:
            checked.problems.append(Problem(number, NAME, f"{person.name} 在文件中出现了不止一次"))
            continue
        seen.add(person.pk)
        date = _last_day_belonging(roster.memberships[person.pk], first, last)
        for index, code in item_columns.items():
            figure = _figure(
                rulebook,
                person=person,
                code=code,
                text=cells[index],
                column=headers[index],
                number=number,
                date=date,
            )
            if isinstance(figure, Problem):
                checked.problems.append(figure)
            elif figure is not None:
                checked.figures.append(figure)
    return checked


def _figure(
    rulebook: Rulebook,
    *,
    person: Person,
    code: str,
    text: str,
    column: str,
    number: int,
    date: dt.date,
) -> Figure | Problem | None:
    if not text:
        return None  # a blank cell records nothing
    try:
        value = Decimal(text)
    except InvalidOperation:
        return Problem(number, column, f"应为数字，而不是“{text}”")
    issue = check_fact(rulebook, Fact("new", "p", date, code, value))
    if issue is not None:
        return Problem(number, column, issue.message)
    return Figure(number, person, code, value, date)


@dataclass(frozen=True)
class Applied:
    new: int
    changed: int
    unchanged: int


def _ref(year: int, month: int) -> str:
    return f"monthly:{year}-{month:02d}"


@transaction.atomic
def monthly_apply(
    *,
    organization: Organization,
    checked: Checked,
    filename: str,
    actor: User,
    progress: Callable[[int, int], None] = _no_progress,
) -> Applied:
    """Write a checked file. Refuses one with problems: all or nothing. ``progress(step, 2)``
    after the corrections and after the new figures."""
    if checked.problems:
        raise ValueError("a file with problems is never applied")
    ref = _ref(checked.year, checked.month)
    standing = {
        (e.person_id, e.item): e
        for e in Entry.objects.filter(
            origin_ref=ref, person_id__in={f.person.pk for f in checked.figures}
        ).exclude(pk__in=Entry.objects.filter(corrects__isnull=False).values("corrects_id"))
        if e.value
    }
    unchanged = 0
    replaced: list[tuple[Entry, str]] = []
    fresh: list[NewFact] = []
    for figure in checked.figures:
        value = normalize_value(figure.value)
        before = standing.get((figure.person.pk, figure.item))
        if before is not None and before.value == value:
            unchanged += 1
        elif before is not None:
            replaced.append((before, value))
        else:
            note = f"{checked.year}年{checked.month}月数据（{filename}）"
            fresh.append(NewFact(figure.person, figure.date, figure.item, value, note))
    entries_correct(
        corrections=replaced,
        reason=f"重新导入 {filename}",
        recorded_by=actor,
        summary=f"{checked.year}年{checked.month}月数据有变的 {len(replaced)} 项",
    )
    changed = len(replaced)
    progress(1, 2)
    entries_append(
        organization=organization,
        facts=fresh,
        origin=Origin.IMPORT,
        origin_ref=ref,
        recorded_by=actor,
        summary=f"导入 {filename}",
    )
    new = len(fresh)
    progress(2, 2)
    audit_record(
        action="monthly.import",
        actor=actor,
        target=organization,
        summary=(
            f"导入 {checked.year}年{checked.month}月数据 {filename}："
            f"新增 {new}，更正 {changed}，未变 {unchanged}"
        ),
    )
    return Applied(new, changed, unchanged)

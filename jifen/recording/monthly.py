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
from django.core.exceptions import ValidationError
from django.db import transaction

from jifen.audit.services import audit_record
from jifen.documents.reading import Limits, SpreadsheetError, cell_text, read_rows
from jifen.ledger.models import Entry, Origin
from jifen.ledger.services import (
    NewFact,
    entries_append,
    entries_correct,
    normalize_value,
    sealed_refusal,
)
from jifen.orgs.models import Membership, Organization, Person
from jifen.orgs.selectors import memberships_overlapping
from jifen.recording.monthly_absent import (
    ABSENCE,
    CHOICES,
    Absent,
    absence_values,
    absent_from,
)
from jifen.recording.monthly_columns import ID_NUMBER, NAME, Column, Layout, layout_of
from jifen.recording.monthly_xuexi import accounts_learn, by_name_and_phone, known_accounts
from jifen.rulebooks.services import adoption_for, rulebook_of
from jifen.scoring import Fact, Rulebook, check_fact
from jifen.scoring.model import Allowance

# One file is read and checked within the request (its problems are shown at once); a file of
# more than JOB_ROWS rows is then applied by `jifen worker` (monthly_jobs.py), which checks it
# again. 20,000 rows are read and checked in a few seconds (bench/bench_bulk_recording.py);
# a larger committee imports by general branch, or in two files: a member not in a file is
# left as they are.
LIMITS = Limits(rows=20_000, what="月度数据")
SHOWN_ABSENT = 30  # names in an audit summary; the detail lists every one
__all__ = ["ID_NUMBER", "NAME"]  # read from here by the sign-in sheet and the page


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
    source: str = "jifen"  # "jifen" (our template) or "xuexi" (学习强国's own export)
    ignored: list[str] = field(default_factory=list)  # an export's columns read past
    absent: list[Absent] = field(default_factory=list)  # members the file leaves out
    absence: dict[str, Decimal] = field(default_factory=dict)  # "按缺勤处理": code → value
    learned: dict[int, str] = field(default_factory=dict)  # person id → 学习强国号, new to Jifen


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
    top = [[cell_text(c) for c in row] for row in raw[: LIMITS.header_search]]
    layout = layout_of(top, known)
    if isinstance(layout, str):
        checked.problems.append(Problem(0, "", layout))
        return checked
    checked.columns = {column.header: column.code for column in layout.items}
    checked.source, checked.ignored = layout.source, layout.ignored
    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    roster = _roster(organization, first, last)
    rows = Rows(rulebook, layout, roster, f"{year}年{month}月 {organization.name}", first, last)
    if layout.xuexi_id is not None:
        at = layout.xuexi_id
        rows.accounts.update(known_accounts(cell_text(r[at]) for r in raw if len(r) > at))
    seen = _read(checked, rows, raw[layout.header_at + 1 :], progress)
    refusal = None if checked.problems else _sealed(checked)
    if refusal:
        checked.problems.append(Problem(0, "", refusal))
    if not checked.problems:
        checked.absent = absent_from(roster.memberships, seen, first, last, month_ref(year, month))
        checked.absence = absence_values(rulebook, set(checked.columns.values()), last.day)
    return checked


@dataclass(frozen=True)
class Rows:
    """What reading the rows of one file needs."""

    rulebook: Rulebook
    layout: Layout
    roster: NameIndex
    where: str
    first: dt.date
    last: dt.date
    accounts: dict[str, int] = field(default_factory=dict)  # 学习强国号 → person id, known
    ids_seen: set[str] = field(default_factory=set)  # 学习强国号 read so far


def _read(
    checked: Checked, rows: Rows, raw: list[list[object]], progress: Callable[[int, int], None]
) -> set[int]:
    """Check every row into ``checked``; the ids of the people the file names."""
    layout = rows.layout
    seen: set[int] = set()
    for number, row in enumerate(raw, start=layout.header_at + 2):
        progress(number - layout.header_at - 2, len(raw))
        cells = [cell_text(c) for c in row] + [""] * len(layout.headers)
        if not any(cells):
            continue
        person = _person(rows, cells, number, checked)
        if isinstance(person, Problem):
            checked.problems.append(person)
            continue
        if person.pk in seen:
            checked.problems.append(Problem(number, NAME, f"{person.name} 在文件中出现了不止一次"))
            continue
        seen.add(person.pk)
        date = _last_day_belonging(rows.roster.memberships[person.pk], rows.first, rows.last)
        for column in layout.items:
            figure = _figure(
                rows, person=person, column=column, text=cells[column.index], number=number
            )
            if isinstance(figure, Problem):
                checked.problems.append(figure)
            elif figure is not None:
                figure.date = date
                checked.figures.append(figure)
    return seen


def _person(rows: Rows, cells: list[str], number: int, checked: Checked) -> Person | Problem:
    layout = rows.layout
    name = cells[layout.name]
    if layout.source != "xuexi":
        id_number = cells[layout.id_number].upper() if layout.id_number is not None else ""
        return match_person(rows.roster, name, id_number, rows.where, number)
    if not name:
        return Problem(number, NAME, "姓名不能为空")
    xid = cells[layout.xuexi_id] if layout.xuexi_id is not None else ""
    if xid in rows.ids_seen:
        return Problem(
            number, layout.header_of(layout.xuexi_id), f"学习强国号 {xid} 出现了不止一次"
        )
    if xid:
        rows.ids_seen.add(xid)
    pk = rows.accounts.get(xid) if xid else None
    known = rows.roster.memberships.get(pk) if pk is not None else None
    if known and known[0].person.name == name:  # the name agrees: the ID settles namesakes
        return known[0].person
    phone = cells[layout.phone] if layout.phone is not None else ""
    found = by_name_and_phone(rows.roster.by_name.get(name, []), name, phone, rows.where)
    if isinstance(found, str):
        return Problem(number, NAME, found)
    if xid:
        checked.learned[found.pk] = xid
    return found


def _impossible(rows: Rows, column: Column, value: Decimal, text: str) -> str:
    """Why a number cannot be a month's figure: negative, a fraction of a day or of a time,
    more days than the month has."""
    if value < 0:
        return f"不能是负数（{text}）"
    found = rows.rulebook.item(column.code)
    unit = "天" if column.login_days else getattr(found[1] if found else None, "unit", "")
    if unit in ("天", "次") and value != value.to_integral_value():
        return f"应为整数{unit}数，而不是“{text}”"
    if unit == "天" and value > rows.last.day:
        return f"{rows.first.month}月只有 {rows.last.day} 天，不能是 {text} 天"
    return ""


def _figure(
    rows: Rows, *, person: Person, column: Column, text: str, number: int
) -> Figure | Problem | None:
    """One cell's figure, or why it is impossible: not a number, negative, a fraction of a day
    or of a time, more days than the month has, or refused by the rulebook."""
    if not text:
        return None  # a blank cell records nothing
    header = column.header
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        return Problem(number, header, f"应为数字，而不是“{text}”")
    impossible = _impossible(rows, column, value, text)
    if impossible:
        return Problem(number, header, impossible)
    days = rows.last.day
    if column.login_days:
        value = days - value  # 学习强国 counts the days logged in; the item, those not
    issue = check_fact(rows.rulebook, Fact("new", "p", rows.last, column.code, value))
    if issue is not None:
        return Problem(number, header, issue.message)
    return Figure(number, person, column.code, value, rows.last)


@dataclass(frozen=True)
class Applied:
    new: int
    changed: int
    unchanged: int


def month_ref(year: int, month: int) -> str:
    """Where a month's imported figures come from, as the ledger's ``origin_ref`` says it."""
    return f"monthly:{year}-{month:02d}"


def _absence_figures(checked: Checked) -> list[Figure]:
    return [
        Figure(0, absent.person, code, value, absent.date)
        for absent in checked.absent
        for code, value in checked.absence.items()
    ]


def _standing(checked: Checked, figures: list[Figure]) -> dict[tuple[int | None, str], Entry]:
    """The month's imported figures standing (not corrected since), by person and item."""
    return {
        (e.person_id, e.item): e
        for e in Entry.objects.filter(
            origin_ref=month_ref(checked.year, checked.month),
            person_id__in={f.person.pk for f in figures},
        ).exclude(pk__in=Entry.objects.filter(corrects__isnull=False).values("corrects_id"))
        if e.value
    }


def _plan(
    checked: Checked, figures: list[Figure], filename: str
) -> tuple[list[tuple[Entry, str]], list[NewFact], int]:
    """What writing ``figures`` means: corrections of changed ones, new facts, unchanged."""
    standing = _standing(checked, figures)
    unchanged = 0
    replaced: list[tuple[Entry, str]] = []
    fresh: list[NewFact] = []
    month = f"{checked.year}年{checked.month}月"
    for figure in figures:
        value = normalize_value(figure.value)
        before = standing.get((figure.person.pk, figure.item))
        if before is not None and before.value == value:
            unchanged += 1
        elif before is not None:
            replaced.append((before, value))
        else:
            note = f"{month}数据（{filename}）" + ("" if figure.row else "：文件中没有，按缺勤处理")
            fresh.append(NewFact(figure.person, figure.date, figure.item, value, note))
    return replaced, fresh, unchanged


def _sealed(checked: Checked) -> str | None:
    """Why the file's new figures may not enter the ledger (a month its branch has signed),
    found while checking: before a preview asks anyone to decide about the members left out.
    Changed figures are corrections, which a signed month takes (and is reopened by)."""
    _replaced, fresh, _unchanged = _plan(checked, checked.figures, "")
    return sealed_refusal([{"date": f.date, "person": f.person} for f in fresh])


def absent_decision(checked: Checked, absent: str) -> str:
    """The decision on the members the file leaves out, or ValidationError if none was made."""
    if checked.absent and absent not in CHOICES:
        names = "、".join(a.person.name for a in checked.absent)
        raise ValidationError(
            f"文件中没有本月的 {len(checked.absent)} 名党员（{names}）。"
            "请确认：这些人本月没有数据，保持满分，还是按缺勤处理"
        )
    return absent if checked.absent else ""


@transaction.atomic
def monthly_apply(
    *,
    organization: Organization,
    checked: Checked,
    filename: str,
    actor: User,
    absent: str = "",
    progress: Callable[[int, int], None] = _no_progress,
) -> Applied:
    """Write a checked file. Refuses one with problems: all or nothing. When the file leaves
    members out, ``absent`` says what that means (monthly_absent.KEEP or ABSENCE) and is
    required. ``progress(step, 2)`` after the corrections and after the new figures."""
    if checked.problems:
        raise ValueError("a file with problems is never applied")
    decision = absent_decision(checked, absent)
    figures = checked.figures + (_absence_figures(checked) if decision == ABSENCE else [])
    replaced, fresh, unchanged = _plan(checked, figures, filename)
    month = f"{checked.year}年{checked.month}月"
    ref = month_ref(checked.year, checked.month)
    entries_correct(
        corrections=replaced,
        reason=f"重新导入 {filename}",
        recorded_by=actor,
        summary=f"{month}数据有变的 {len(replaced)} 项",
    )
    progress(1, 2)
    entries_append(
        organization=organization,
        facts=fresh,
        origin=Origin.IMPORT,
        origin_ref=ref,
        recorded_by=actor,
        summary=f"导入 {filename}",
    )
    accounts_learn(
        learned=checked.learned, organization=organization, filename=filename, actor=actor
    )
    progress(2, 2)
    applied = Applied(len(fresh), len(replaced), unchanged)
    _audit(
        organization=organization,
        checked=checked,
        filename=filename,
        actor=actor,
        decision=decision,
        applied=applied,
    )
    return applied


def _audit(
    *,
    organization: Organization,
    checked: Checked,
    filename: str,
    actor: User,
    decision: str,
    applied: Applied,
) -> None:
    names = "、".join(a.person.name for a in checked.absent[:SHOWN_ABSENT])
    more = "等" if len(checked.absent) > SHOWN_ABSENT else ""
    left_out = f"；文件中没有的 {len(checked.absent)} 人（{names}{more}）：{CHOICES.get(decision)}"
    source = "学习强国导出的" if checked.source == "xuexi" else ""
    audit_record(
        action="monthly.import",
        actor=actor,
        target=organization,
        summary=(
            f"导入 {checked.year}年{checked.month}月{source}数据 {filename}："
            f"新增 {applied.new}，更正 {applied.changed}，未变 {applied.unchanged}"
            + (left_out if decision else "")
        ),
        detail={
            "source": checked.source,
            "absent": [a.person.pk for a in checked.absent],
            "decision": decision,
        },
    )

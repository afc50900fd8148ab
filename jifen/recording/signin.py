"""Attendance from an imported sign-in sheet (签到表): one row a member, names matched against
the members who belonged to the activity's organization that day.

A column 签到 (or 状态) may say 出席 / 缺席 / 请假 (default 出席), and 请假原因 the reason. All or
nothing: unknown or ambiguous names, bad marks and missing reasons are listed by row and column.
Members not on the sheet are left unmarked (the checklist shows them).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jifen.documents.reading import SpreadsheetError, cell_text, read_rows
from jifen.orgs.models import Person
from jifen.recording.models import Activity
from jifen.recording.monthly import ID_NUMBER, LIMITS, NAME, NameIndex, Problem, match_person
from jifen.recording.services import Mark, attendance_roster

MARK_WORDS = {
    "": "present",
    "出席": "present",
    "参加": "present",
    "到": "present",
    "已签到": "present",
    "√": "present",
    "缺席": "absent",
    "无故缺席": "absent",
    "请假": "excused",
}
MARK_HEADERS = ("签到", "状态", "出勤")
REASON_HEADERS = ("请假原因", "原因", "备注")


@dataclass
class SignIn:
    marks: dict[int, Mark] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def _column(headers: list[str], names: tuple[str, ...]) -> int | None:
    return next((headers.index(n) for n in names if n in headers), None)


def signin_read(activity: Activity, data: bytes) -> SignIn:
    """The marks a sign-in sheet gives, or every problem with it; nothing is written."""
    result = SignIn()
    try:
        raw, _, _ = read_rows(data, LIMITS)
    except SpreadsheetError as error:
        result.problems.append(Problem(0, "", str(error)))
        return result
    header_at = next(
        (i for i, row in enumerate(raw[: LIMITS.header_search]) if NAME in map(cell_text, row)),
        None,
    )
    if header_at is None:
        result.problems.append(Problem(0, "", f"找不到表头：签到表应有“{NAME}”列"))
        return result
    headers = [cell_text(c) for c in raw[header_at]]
    name_at = headers.index(NAME)
    id_at = _column(headers, (ID_NUMBER,))
    mark_at = _column(headers, MARK_HEADERS)
    reason_at = _column(headers, REASON_HEADERS)
    people = attendance_roster(activity)
    by_name: dict[str, list[Person]] = {}
    for member in people:
        by_name.setdefault(member.name, []).append(member)
    roster = NameIndex({}, by_name)
    where = f"{activity.date:%Y-%m-%d} {activity.organization.name}"
    for number, row in enumerate(raw[header_at + 1 :], start=header_at + 2):
        cells = [cell_text(c) for c in row] + [""] * len(headers)
        if not any(cells):
            continue
        id_number = cells[id_at].upper() if id_at is not None else ""
        person = match_person(roster, cells[name_at], id_number, where, number)
        if isinstance(person, Problem):
            result.problems.append(person)
            continue
        if person.pk in result.marks:
            result.problems.append(Problem(number, NAME, f"{person.name} 在签到表中出现了不止一次"))
            continue
        word = cells[mark_at] if mark_at is not None else ""
        label = MARK_WORDS.get(word)
        if label is None:
            column = headers[mark_at] if mark_at is not None else ""
            result.problems.append(
                Problem(number, column, f"应为 出席、缺席 或 请假，而不是“{word}”")
            )
            continue
        reason = cells[reason_at] if reason_at is not None else ""
        if label == "excused" and not reason:
            result.problems.append(Problem(number, REASON_HEADERS[0], "请假须写明原因"))
            continue
        result.marks[person.pk] = Mark(label, reason)
    return result

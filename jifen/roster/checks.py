"""Checking every row of a roster table. Pure: the organizations come in as plain values.

Every problem is collected (never the first one only), each with the row number as Excel shows
it and the column's Chinese header, so a secretary can fix the whole file in one pass.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, TypedDict

from jifen.orgs.idcard import id_number_problem, normalize_id_number, phone_problem
from jifen.orgs.models import Category
from jifen.roster.columns import (
    BY_KEY,
    CATEGORY_BY_LABEL,
    COLUMNS,
    DATE_KEYS,
    GENDER_BY_LABEL,
)
from jifen.roster.reading import Table

# A trailing 00:00:00 is what Excel writes for a date cell saved as CSV on some systems.
_TIME = r"(?:\s+0{1,2}:00(?::00)?)?"
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?" + _TIME + "$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2100, 12, 31)
NAME_MAX = 50


class RowError(TypedDict):
    row: int
    column: str
    problem: str


@dataclass(frozen=True)
class OrgRef:
    """What the checks need to know about an organization."""

    pk: int
    code: str
    name: str
    path: str
    active_from: dt.date
    active_until: dt.date | None


def date_parse(text: str) -> dt.date | None:
    """2020-07-01, 2020/7/1, 2020年7月1日, 2020.7.1 or 20200701; None if none of these."""
    match = _DATE.match(text) or _COMPACT_DATE.match(text)
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def date_problem(text: str) -> str | None:
    day = date_parse(text)
    if day is None:
        return f"“{text}”不是有效日期，请写成 2020-07-01、2020/7/1 或 2020年7月1日"
    if not EARLIEST <= day <= LATEST:
        return f"日期 {day.isoformat()} 超出合理范围（1900 年至 2100 年）"
    return None


@dataclass
class Checked:
    """The valid rows (as JSON-ready dicts) and every problem found."""

    rows: list[dict[str, Any]]
    errors: list[RowError]


@dataclass
class _Row:
    """One row being checked: its cells by column key and the problems found so far."""

    number: int
    raw: dict[str, str]
    errors: list[RowError] = field(default_factory=list)
    dates: dict[str, dt.date | None] = field(default_factory=dict)
    id_valid: bool = True  # the ID number, if any, passed its check

    def add(self, key: str, problem: str) -> None:
        self.errors.append({"row": self.number, "column": BY_KEY[key].header, "problem": problem})


def _check_person(row: _Row, *, numeric_id: bool) -> None:
    raw = row.raw
    for column in COLUMNS:
        if column.required and not raw[column.key]:
            row.add(column.key, f"{column.header}不能为空")
    if len(raw["name"]) > NAME_MAX:
        row.add("name", f"姓名过长（{len(raw['name'])} 字），不能超过 {NAME_MAX} 字")
    if raw["gender"] and raw["gender"] not in GENDER_BY_LABEL:
        row.add("gender", f"性别应为“男”或“女”，而不是“{raw['gender']}”")
    if raw["id_number"] and (problem := id_number_problem(raw["id_number"])):
        row.id_valid = False
        if numeric_id:
            problem += (
                "（该单元格在 Excel 中是数字格式，末几位可能已丢失，请把这一列设为文本后重新填写）"
            )
        row.add("id_number", problem)
    if raw["phone"] and (problem := phone_problem(raw["phone"])):
        row.add("phone", problem)
    if raw["category"] and raw["category"] not in CATEGORY_BY_LABEL:
        labels = "、".join(CATEGORY_BY_LABEL)
        row.add("category", f"类别应为 {labels} 之一，而不是“{raw['category']}”")


def _check_dates(row: _Row, *, today: dt.date) -> None:
    raw = row.raw
    for key in sorted(DATE_KEYS):
        row.dates[key] = None
        if raw[key]:
            if problem := date_problem(raw[key]):
                row.add(key, problem)
            else:
                row.dates[key] = date_parse(raw[key])
    category = CATEGORY_BY_LABEL.get(raw["category"])
    joined, ends = row.dates["joined_party"], row.dates["probation_ends"]
    if category in {Category.FULL, Category.PROBATIONARY} and not raw["joined_party"]:
        row.add("joined_party", f"{raw['category']}须填写入党日期")
    if category == Category.PROBATIONARY and not raw["probation_ends"]:
        row.add("probation_ends", "预备党员须填写预备期满日期")
    if joined is not None and joined > today:
        row.add("joined_party", f"入党日期 {joined.isoformat()} 晚于今天")
    if joined is not None and ends is not None and ends <= joined:
        row.add("probation_ends", "预备期满日期应晚于入党日期")


def _check_organization(row: _Row, *, scope: dict[str, OrgRef], visible: dict[str, OrgRef]) -> None:
    code = row.raw["org_code"]
    if not code:
        return
    organization = scope.get(code)
    if organization is None:
        if code in visible:
            row.add("org_code", f"组织 {code}（{visible[code].name}）不在本次导入的组织范围内")
        else:
            row.add("org_code", f"组织代码“{code}”不存在")
        return
    start = row.dates.get("start")
    if start is None:
        return
    if start < organization.active_from:
        row.add(
            "start",
            f"加入日期早于 {organization.name} 的成立日期 {organization.active_from.isoformat()}",
        )
    elif organization.active_until and start >= organization.active_until:
        row.add("start", f"{organization.name} 已于 {organization.active_until.isoformat()} 撤销")


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def rows_check(
    table: Table,
    *,
    scope: dict[str, OrgRef],
    visible: dict[str, OrgRef],
    today: dt.date,
) -> Checked:
    """Check each row. ``scope``: organizations the import may write to, by code;
    ``visible``: every organization the user can see (to tell "outside this import" from
    "unknown" without confirming organizations the user may not know about)."""
    errors: list[RowError] = []
    rows: list[dict[str, Any]] = []
    positions = {column.key: table.headers.index(column.header) for column in COLUMNS}
    id_rows: dict[str, list[int]] = {}

    for number, cells in table.rows:
        raw = {key: cells[index] for key, index in positions.items()}
        raw["id_number"] = normalize_id_number(raw["id_number"])
        row = _Row(number=number, raw=raw)
        _check_person(row, numeric_id=(number, positions["id_number"]) in table.numeric_cells)
        _check_dates(row, today=today)
        _check_organization(row, scope=scope, visible=visible)
        if raw["id_number"] and row.id_valid:
            id_rows.setdefault(raw["id_number"], []).append(number)
        if row.errors:
            errors.extend(row.errors)
            continue
        rows.append(
            {
                "row": number,
                "name": raw["name"],
                "gender": GENDER_BY_LABEL[raw["gender"]],
                "id_number": raw["id_number"],
                "phone": raw["phone"],
                "category": CATEGORY_BY_LABEL[raw["category"]],
                "joined_party": _iso(row.dates["joined_party"]),
                "probation_ends": _iso(row.dates["probation_ends"]),
                "org_code": raw["org_code"],
                "start": _iso(row.dates["start"]),
            }
        )

    duplicates: set[int] = set()
    for numbers in id_rows.values():
        if len(numbers) > 1:
            duplicates.update(numbers)
            listed = "、".join(str(n) for n in numbers)
            errors.extend(
                {
                    "row": number,
                    "column": BY_KEY["id_number"].header,
                    "problem": f"身份证号在文件中重复出现（第 {listed} 行）",
                }
                for number in numbers
            )
    if duplicates:
        rows = [row for row in rows if row["row"] not in duplicates]
    errors.sort(key=lambda error: error["row"])
    return Checked(rows=rows, errors=errors)

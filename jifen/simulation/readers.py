"""Reading FACTS, ROSTER and PRIOR files (.csv in UTF-8 / UTF-8 with BOM / GB18030, or .xlsx).

Every problem becomes an :class:`InputError` whose message names the file, the row, the column
and what was expected, in Chinese, so a party worker can fix the spreadsheet. The sheets
themselves are read by ``tables``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from jifen.scoring import Fact, Interval, Subject
from jifen.scoring.model import MEMBER_CATEGORIES
from jifen.simulation.tables import Cell, InputError, Table, read_table

__all__ = ["InputError", "read_facts", "read_prior", "read_roster"]

FACT_COLUMNS = ("subject", "date", "item", "value")
FACT_OPTIONAL = ("source", "note", "id", "voids")
ROSTER_COLUMNS = ("subject", "name", "org", "kind", "parent", "category", "joined", "left")
PRIOR_COLUMNS = ("subject", "year", "total")

LABEL_ALIASES = {
    "出席": "present",
    "参加": "present",
    "缺席": "absent",
    "无故缺席": "absent",
    "请假": "excused",
}
SOURCE_ALIASES = {"": "committee", "自评": "self", "考评": "committee", "考核": "committee"}
CATEGORY_ALIASES = {
    "": "full",
    "正式党员": "full",
    "党员": "full",
    "预备党员": "probationary",
    "入党积极分子": "activist",
    "积极分子": "activist",
    "发展对象": "development_target",
}
NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)


def _text(table: Table, row: int, cells: list[Cell], name: str) -> str:
    if name not in table.header:
        return ""
    value = cells[table.header.index(name)]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral_value() else str(value)
    return value


def parse_date(
    value: Cell, table: Table, row: int, name: str, *, required: bool = True
) -> date | None:
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if len(text) == 10:
        try:
            return date.fromisoformat(text)  # the common case, fast
        except ValueError:
            pass
    if text == "":
        if required:
            raise InputError(
                table.file, "日期为空，应为日期，如 2026-03-15", row, table.column(name)
            )
        return None
    for pattern in DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                break
    raise InputError(
        table.file, f"{text!r} 不是有效的日期，应为如 2026-03-15 的日期", row, table.column(name)
    )


def parse_value(value: Cell) -> Decimal | str:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, date):
        return value.isoformat()
    text = value.strip()
    if text and (text[0].isdigit() or text[0] in "+-.") and NUMBER.match(text):
        return Decimal(text)
    return LABEL_ALIASES.get(text, text)


@dataclass
class Facts:
    facts: list[Fact]
    rows: dict[str, int]
    table: Table


def read_facts(path: str | Path) -> Facts:
    """FACTS: ``subject,date,item,value[,source][,note]`` (plus optional ``id`` and ``voids``)."""
    table = read_table(path, FACT_COLUMNS, FACT_OPTIONAL)
    reader = _FactRows(table)
    facts = [reader.fact(row, cells) for row, cells in table.rows]
    return Facts(facts, reader.rows, table)


class _FactRows:
    """Reads a FACTS table row by row, remembering each fact's row for later messages."""

    def __init__(self, table: Table) -> None:
        self.table = table
        col = {name: index for index, name in enumerate(table.header)}
        self.i_subject, self.i_date, self.i_item, self.i_value = (col[n] for n in FACT_COLUMNS)
        self.i_source, self.i_note, self.i_id, self.i_voids = (col.get(n) for n in FACT_OPTIONAL)
        # Dates and values repeat a great deal in a year of facts: parse each distinct text once.
        self.dates: dict[str, date] = {}
        self.values: dict[str, Decimal | str] = {}
        self.rows: dict[str, int] = {}

    def fact(self, row: int, cells: list[Cell]) -> Fact:
        table = self.table
        subject = cells[self.i_subject]
        if not isinstance(subject, str):
            subject = _text(table, row, cells, "subject")
        if not subject:
            raise InputError(
                table.file, "subject 为空，应为党员或组织的编号/姓名", row, table.column("subject")
            )
        day = self._date(row, cells[self.i_date])
        item = cells[self.i_item]
        if not isinstance(item, str):
            item = _text(table, row, cells, "item")
        raw = cells[self.i_value]
        voids = (_text(table, row, cells, "voids") or None) if self.i_voids is not None else None
        fid = self._id(row, cells)
        if not item and voids is None:
            raise InputError(
                table.file, "item 为空，应为规则中的项目代码", row, table.column("item")
            )
        if raw == "" and item:
            raise InputError(
                table.file,
                "value 为空，应为数字或标签（如 absent、优秀）",
                row,
                table.column("value"),
            )
        fact = Fact(
            fid,
            subject,
            day,
            item,
            self._value(raw),
            self._source(row, cells),
            _text(table, row, cells, "note") if self.i_note is not None else "",
            voids,
        )
        self.rows[fid] = row
        return fact

    def _date(self, row: int, raw_day: Cell) -> date:
        day = self.dates.get(raw_day) if isinstance(raw_day, str) else None
        if day is None:
            day = parse_date(raw_day, self.table, row, "date")
            assert day is not None  # noqa: S101 - a required date is never None
            if isinstance(raw_day, str):
                self.dates[raw_day] = day
        return day

    def _id(self, row: int, cells: list[Cell]) -> str:
        """The fact's id (its row number when the file has none), unique in the file."""
        table = self.table
        fid = (_text(table, row, cells, "id") if self.i_id is not None else "") or str(row)
        if fid in self.rows:
            raise InputError(
                table.file,
                f"编号 {fid} 与第 {self.rows[fid]} 行重复",
                row,
                table.column("id") if "id" in table.header else None,
            )
        return fid

    def _value(self, raw: Cell) -> Decimal | str:
        if not isinstance(raw, str):
            return parse_value(raw)
        value = self.values.get(raw)
        if value is None:
            value = self.values[raw] = parse_value(raw) if raw != "" else ""
        return value

    def _source(self, row: int, cells: list[Cell]) -> str:
        if self.i_source is None:
            return "committee"
        source_text = _text(self.table, row, cells, "source")
        source = SOURCE_ALIASES.get(source_text, source_text)
        if source not in ("self", "committee"):
            raise InputError(
                self.table.file,
                f"{source_text!r} 不是有效的来源，应为 self（自评）或 committee（考评）",
                row,
                self.table.column("source"),
            )
        return source


def read_roster(path: str | Path, rulebook_ids: set[str]) -> list[Subject]:
    """ROSTER: ``subject,name,org,kind,parent,category,joined,left``.

    A subject on several rows has several active intervals (e.g. a gap while exempted); its
    name, branch, parent and category come from its last row.
    """
    table = read_table(path, ("subject",), ROSTER_COLUMNS[1:])
    found: dict[str, Subject] = {}
    intervals: dict[str, list[Interval]] = {}
    for row, cells in table.rows:
        sid = _text(table, row, cells, "subject")
        if not sid:
            raise InputError(table.file, "subject 为空", row, table.column("subject"))
        category_text = _text(table, row, cells, "category")
        category = CATEGORY_ALIASES.get(category_text, category_text)
        if category not in MEMBER_CATEGORIES:
            raise InputError(
                table.file,
                f"{category_text!r} 不是有效的类别，应为 full（正式党员）、"
                "probationary（预备党员）、"
                "activist（入党积极分子）或 development_target（发展对象）",
                row,
                table.column("category"),
            )
        joined = left = None
        if "joined" in table.header:
            joined = parse_date(
                cells[table.header.index("joined")], table, row, "joined", required=False
            )
        if "left" in table.header:
            left = parse_date(cells[table.header.index("left")], table, row, "left", required=False)
        if joined and left and left < joined:
            raise InputError(
                table.file, f"left {left} 早于 joined {joined}", row, table.column("left")
            )
        kind = _text(table, row, cells, "kind")
        intervals.setdefault(sid, [])
        if joined or left:
            intervals[sid].append(Interval(joined, left))
        else:
            intervals[sid].append(Interval())
        found[sid] = Subject(
            id=sid,
            name=_text(table, row, cells, "name"),
            org=_text(table, row, cells, "org"),
            parent=_text(table, row, cells, "parent") or None,
            category=category,
            rulebook=kind if kind in rulebook_ids else None,
        )
    subjects = []
    for sid, subject in found.items():
        ivs = intervals[sid]
        active = (Interval(),) if any(iv == Interval() for iv in ivs) else tuple(ivs)
        subjects.append(
            Subject(
                subject.id,
                subject.name,
                subject.org,
                subject.parent,
                subject.category,
                active,
                subject.rulebook,
            )
        )
    return subjects


def read_prior(path: str | Path) -> dict[str, dict[int, Decimal]]:
    """Totals of earlier years, for the consecutive-year flag: a CSV/xlsx ``subject,year,total``
    or the JSON printed by an earlier ``jifen simulate --format json``."""
    file = str(path)
    prior: dict[str, dict[int, Decimal]] = {}
    if str(path).lower().endswith(".json"):
        try:
            doc = json.loads(Path(path).read_text(encoding="utf-8-sig"))
            year = int(doc["year"])
            for result in doc["results"]:
                prior.setdefault(str(result["subject"]), {})[year] = Decimal(str(result["total"]))
        except FileNotFoundError:
            raise InputError(file, "找不到文件") from None
        except (ValueError, KeyError, TypeError, InvalidOperation):
            raise InputError(file, "应为 jifen simulate --format json 输出的结果文件") from None
        return prior
    table = read_table(path, PRIOR_COLUMNS, ())
    for row, cells in table.rows:
        sid = _text(table, row, cells, "subject")
        year_text = _text(table, row, cells, "year")
        total = parse_value(cells[table.header.index("total")])
        if not year_text.isdigit():
            raise InputError(
                table.file,
                f"{year_text!r} 不是年份，应为如 2025 的四位数",
                row,
                table.column("year"),
            )
        if not isinstance(total, Decimal):
            raise InputError(
                table.file, f"{total!r} 不是数字，应为年度总分，如 58.5", row, table.column("total")
            )
        prior.setdefault(sid, {})[int(year_text)] = total
    return prior

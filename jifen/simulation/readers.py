"""Reading FACTS, ROSTER and PRIOR files (.csv in UTF-8 / UTF-8 with BOM / GB18030, or .xlsx).

Every problem becomes an :class:`InputError` whose message names the file, the row, the column
and what was expected, in Chinese, so a party worker can fix the spreadsheet.
"""
# ruff: noqa: PLR0911, PLR0912, S101

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from jifen.scoring import Fact, Interval, Subject
from jifen.scoring.model import MEMBER_CATEGORIES

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
# Chinese column names a party worker may write instead of the English ones.
HEADER_ALIASES = {
    "对象": "subject",
    "党员": "subject",
    "组织": "subject",
    "编号": "id",
    "日期": "date",
    "项目": "item",
    "项目代码": "item",
    "值": "value",
    "分值": "value",
    "来源": "source",
    "备注": "note",
    "作废": "voids",
    "姓名": "name",
    "名称": "name",
    "支部": "org",
    "种类": "kind",
    "上级": "parent",
    "类别": "category",
    "加入日期": "joined",
    "离开日期": "left",
    "年度": "year",
    "总分": "total",
}
NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)

Cell = str | Decimal | date


class InputError(Exception):
    """A file that cannot be read, with where and what was expected."""

    def __init__(
        self, file: str, message: str, row: int | None = None, column: str | None = None
    ) -> None:
        self.file = file
        self.row = row
        self.column = column
        where = file
        if row is not None:
            where += f" 第 {row} 行"
        if column is not None:
            where += f" {column} 列"
        super().__init__(f"{where}: {message}")


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass
class Table:
    """A sheet read from a file: the header and the rows with their row numbers."""

    file: str
    header: list[str]
    rows: list[tuple[int, list[Cell]]] = field(default_factory=list)

    def column(self, name: str) -> str:
        """The column's name for messages: ``value（D 列）``."""
        index = self.header.index(name)
        return f"{name}（{_column_letter(index)}）"


def _decode(data: bytes, file: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(
                file, f"文件以 UTF-8 BOM 开头，但第 {exc.start} 字节不是有效的 UTF-8"
            ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise InputError(
            file, "无法识别的文字编码，应为 UTF-8、带 BOM 的 UTF-8 或 GB18030（GBK）"
        ) from None


def _cell(value: object) -> Cell:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        return value
    return str(value).strip()


def _rows_csv(path: Path, file: str) -> Iterator[tuple[int, list[Cell]]]:
    text = _decode(path.read_bytes(), file)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for row in reader:
            yield reader.line_num, [c.strip() for c in row]
    except csv.Error as exc:
        raise InputError(file, f"CSV 格式错误：{exc}", reader.line_num) from None


def _rows_xlsx(path: Path, file: str) -> Iterator[tuple[int, list[Cell]]]:
    import openpyxl  # imported here: only xlsx users pay for it

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # zipfile.BadZipFile, KeyError, lxml errors … a damaged file is all the same
        raise InputError(
            file, "不是有效的 xlsx 文件（文件可能已损坏或不完整），请用 Excel/WPS 重新另存为 .xlsx"
        ) from None
    try:
        sheet = workbook.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_cell(v) for v in row]
    except InputError:
        raise
    except Exception:
        raise InputError(
            file, "xlsx 文件内容不完整或已损坏，无法读完，请重新另存为 .xlsx"
        ) from None
    finally:
        workbook.close()


def read_table(path: str | Path, required: tuple[str, ...], optional: tuple[str, ...]) -> Table:
    """Read a .csv or .xlsx file whose first non-empty row is the header."""
    path = Path(path)
    file = str(path)
    if not path.exists():
        raise InputError(file, "找不到文件")
    if path.is_dir():
        raise InputError(file, "这是一个目录，不是文件")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows = _rows_csv(path, file)
    elif suffix in (".xlsx", ".xlsm"):
        rows = _rows_xlsx(path, file)
    else:
        raise InputError(file, f"不支持的文件类型 {suffix or '（无扩展名）'}，应为 .csv 或 .xlsx")
    table: Table | None = None
    for number, read in rows:
        cells = read
        if cells.count("") == len(cells):
            continue
        if table is None:
            header = [str(c).strip().lstrip("\ufeff").lower() for c in cells]
            header = [HEADER_ALIASES.get(name, name) for name in header]
            while header and header[-1] == "":
                header.pop()
            for index, name in enumerate(header):
                if name not in required and name not in optional:
                    expected = ",".join(required) + (f"[,{','.join(optional)}]" if optional else "")
                    raise InputError(
                        file,
                        f"未知的列名 {name!r}，表头应为 {expected}",
                        number,
                        f"{_column_letter(index)}",
                    )
                if header.count(name) > 1:
                    raise InputError(file, f"列名 {name!r} 重复", number, _column_letter(index))
            missing = [c for c in required if c not in header]
            if missing:
                raise InputError(
                    file,
                    f"表头缺少 {', '.join(missing)} 列；表头应为 {','.join(required)}"
                    + (f"[,{','.join(optional)}]" if optional else ""),
                    number,
                )
            table = Table(file, header)
            continue
        width = len(table.header)
        if len(cells) > width:
            extra = [c for c in cells[width:] if c != ""]
            if extra:
                raise InputError(
                    file, f"这一行比表头多出 {len(extra)} 个值", number, _column_letter(width)
                )
            table.rows.append((number, cells[:width]))
        elif len(cells) < width:
            table.rows.append((number, cells + [""] * (width - len(cells))))
        else:
            table.rows.append((number, cells))
    if table is None:
        raise InputError(file, "文件为空，至少需要一行表头")
    return table


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
    facts: list[Fact] = []
    rows: dict[str, int] = {}
    h = table.header
    i_date, i_value = h.index("date"), h.index("value")
    col = {name: index for index, name in enumerate(h)}
    i_subject, i_item = col["subject"], col["item"]
    i_source, i_note, i_id, i_voids = (col.get(n) for n in ("source", "note", "id", "voids"))
    committee = "committee"
    # Dates and values repeat a great deal in a year of facts: parse each distinct text once.
    dates: dict[str, date] = {}
    values: dict[str, Decimal | str] = {}
    for row, cells in table.rows:
        subject = cells[i_subject]
        if not isinstance(subject, str):
            subject = _text(table, row, cells, "subject")
        if not subject:
            raise InputError(
                table.file, "subject 为空，应为党员或组织的编号/姓名", row, table.column("subject")
            )
        raw_day = cells[i_date]
        day = dates.get(raw_day) if isinstance(raw_day, str) else None
        if day is None:
            day = parse_date(raw_day, table, row, "date")
            assert day is not None
            if isinstance(raw_day, str):
                dates[raw_day] = day
        item = cells[i_item]
        if not isinstance(item, str):
            item = _text(table, row, cells, "item")
        raw = cells[i_value]
        voids = (_text(table, row, cells, "voids") or None) if i_voids is not None else None
        fid = (_text(table, row, cells, "id") if i_id is not None else "") or str(row)
        if fid in rows:
            raise InputError(
                table.file,
                f"编号 {fid} 与第 {rows[fid]} 行重复",
                row,
                table.column("id") if "id" in h else None,
            )
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
        if isinstance(raw, str):
            value = values.get(raw)
            if value is None:
                value = values[raw] = parse_value(raw) if raw != "" else ""
        else:
            value = parse_value(raw)
        source = committee
        if i_source is not None:
            source_text = _text(table, row, cells, "source")
            source = SOURCE_ALIASES.get(source_text, source_text)
            if source not in ("self", "committee"):
                raise InputError(
                    table.file,
                    f"{source_text!r} 不是有效的来源，应为 self（自评）或 committee（考评）",
                    row,
                    table.column("source"),
                )
        facts.append(
            Fact(
                fid,
                subject,
                day,
                item,
                value,
                source,
                _text(table, row, cells, "note") if i_note is not None else "",
                voids,
            )
        )
        rows[fid] = row
    return Facts(facts, rows, table)


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

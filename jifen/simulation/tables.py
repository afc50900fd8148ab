"""Reading a sheet from a .csv (UTF-8, UTF-8 with BOM or GB18030) or .xlsx file: the header
checked against the columns a file may have, the rows padded to the header's width.

Every problem becomes an :class:`InputError` whose message names the file, the row, the column
and what was expected, in Chinese, so a party worker can fix the spreadsheet.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

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


# How each kind of value openpyxl returns becomes a cell, in order: a datetime is also a date,
# and a bool is also an int.
_CELL_TYPES: tuple[tuple[type, Callable[[Any], Cell]], ...] = (
    (datetime, lambda value: value.date()),
    (date, lambda value: value),
    (bool, str),
    (int, Decimal),
    (float, lambda value: Decimal(repr(value))),
    (Decimal, lambda value: value),
)


def _cell(value: object) -> Cell:
    if value is None:
        return ""
    for kind, convert in _CELL_TYPES:
        if isinstance(value, kind):
            return convert(value)
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


def _rows(path: Path, file: str) -> Iterator[tuple[int, list[Cell]]]:
    if not path.exists():
        raise InputError(file, "找不到文件")
    if path.is_dir():
        raise InputError(file, "这是一个目录，不是文件")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _rows_csv(path, file)
    if suffix in (".xlsx", ".xlsm"):
        return _rows_xlsx(path, file)
    raise InputError(file, f"不支持的文件类型 {suffix or '（无扩展名）'}，应为 .csv 或 .xlsx")


def read_table(path: str | Path, required: tuple[str, ...], optional: tuple[str, ...]) -> Table:
    """Read a .csv or .xlsx file whose first non-empty row is the header."""
    path = Path(path)
    file = str(path)
    rows = _rows(path, file)
    table: Table | None = None
    for number, cells in rows:
        if cells.count("") == len(cells):
            continue
        if table is None:
            table = Table(file, _header(cells, required, optional, file, number))
            continue
        table.rows.append((number, _fitted(cells, len(table.header), file, number)))
    if table is None:
        raise InputError(file, "文件为空，至少需要一行表头")
    return table


def _header(
    cells: list[Cell], required: tuple[str, ...], optional: tuple[str, ...], file: str, number: int
) -> list[str]:
    """The header row's column names (Chinese aliases translated), each known and once only."""
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
    return header


def _fitted(cells: list[Cell], width: int, file: str, number: int) -> list[Cell]:
    """A row as wide as the header: short rows padded, empty cells past the header dropped."""
    if len(cells) > width:
        extra = [c for c in cells[width:] if c != ""]
        if extra:
            raise InputError(
                file, f"这一行比表头多出 {len(extra)} 个值", number, _column_letter(width)
            )
        return cells[:width]
    if len(cells) < width:
        return cells + [""] * (width - len(cells))
    return cells

"""Reading an uploaded roster (xlsx or CSV) into rows of text cells, whatever Excel did to it.

Everything a user can upload ends in either a table or a ``RosterFileError`` with a message in
Chinese: empty files, wrong headers, broken zips, PDFs and pictures alike. Nothing here touches
the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from jifen.documents.reading import Limits, SpreadsheetError, cell_text, read_rows, too_many
from jifen.roster.columns import (
    BY_HEADER,
    COMMAND_MAX_ROWS,
    EXPORT_EXTRA_HEADERS,
    HEADERS,
    MAX_ROWS,
)

__all__ = ["RosterFileError", "Table", "cell_text", "table_read"]

# A roster has nine columns; reading a few more lets a user's extra notes columns through.
# The header may sit under a title line or two ("XX党支部党员花名册").
LIMITS = Limits(rows=MAX_ROWS, columns=40, header_search=10, what="花名册")
HEADER_SEARCH_ROWS = LIMITS.header_search


class RosterFileError(Exception):
    """The file as a whole cannot be read; the message is for the user."""


@dataclass
class Table:
    """The data rows under the header, each with its row number as Excel shows it."""

    headers: list[str]
    rows: list[tuple[int, list[str]]]
    file_format: str
    encoding: str = ""
    ignored_headers: list[str] = field(default_factory=list)
    # Cells Excel had stored as long numbers (ID numbers typed without text format): their
    # last digits are lost, and the checks say so.
    numeric_cells: set[tuple[int, int]] = field(default_factory=set)


def _blank(row: list[str]) -> bool:
    return not any(row)


# Headers other rosters use for the same columns.
HEADER_ALIASES: dict[str, str] = {
    "身份证号码": "身份证号",
    "公民身份号码": "身份证号",
    "手机号码": "手机号",
    "联系电话": "手机号",
    "人员类别": "类别",
    "党员类别": "类别",
    "组织代码": "所在组织代码",
    "加入组织日期": "加入日期",
}


def _header_text(cell: object) -> str:
    """A header as written, without the spaces forms put in (姓　名), aliases resolved."""
    text = "".join(cell_text(cell).split())
    return HEADER_ALIASES.get(text, text)


def _header(raw: list[list[object]]) -> tuple[int, list[str]]:
    """Where the header row is (within the first few rows) and its headers."""
    header_index = None
    for index, row in enumerate(raw[:HEADER_SEARCH_ROWS]):
        texts = {_header_text(cell) for cell in row}
        if "姓名" in texts and "身份证号" in texts:
            header_index = index
            break
    if header_index is None:
        raise RosterFileError(
            "找不到表头。第一行应为：" + "、".join(HEADERS) + "。请下载模板，按模板的表头填写。"
        )
    headers = [_header_text(cell) for cell in raw[header_index]]
    while headers and not headers[-1]:
        headers.pop()
    missing = [header for header in HEADERS if header not in headers]
    if missing:
        raise RosterFileError(
            "表头缺少以下列：" + "、".join(missing) + "。表头应为：" + "、".join(HEADERS) + "。"
        )
    repeated = sorted({h for h in headers if h and headers.count(h) > 1 and h in BY_HEADER})
    if repeated:
        raise RosterFileError("表头中以下列出现了不止一次：" + "、".join(repeated) + "。")
    return header_index, headers


def too_many_rows(max_rows: int) -> str:
    """Why a file is refused for its length, and (on the page) where a longer one can go."""
    message = f"数据超过 {max_rows} 行。请把花名册分成几个文件，分批导入"
    if max_rows < COMMAND_MAX_ROWS:
        message += (
            f"；或请系统管理员在服务器上用命令 jifen roster_import 一次导入"
            f"（最多 {COMMAND_MAX_ROWS} 行，不受网页等待时间的限制）"
        )
    return message + "。"


def table_read(data: bytes, filename: str = "", *, max_rows: int = MAX_ROWS) -> Table:
    """The roster in ``data``; raises RosterFileError with a message for the user. At most
    ``max_rows`` data rows: the page's limit, unless the command asks for its own."""
    if not data.strip():
        raise RosterFileError("文件是空的。请下载模板，填写后再上传。")
    limits = replace(LIMITS, rows=max_rows)
    try:
        raw, file_format, encoding = read_rows(data, limits, prefer_sheet="花名册")
    except SpreadsheetError as error:
        if str(error) == str(too_many(limits)):
            raise RosterFileError(too_many_rows(max_rows)) from None
        raise RosterFileError(str(error)) from None

    header_index, headers = _header(raw)
    ignored = [h for h in headers if h and h not in BY_HEADER and h not in EXPORT_EXTRA_HEADERS]

    table = Table(headers=headers, rows=[], file_format=file_format, encoding=encoding)
    table.ignored_headers = ignored
    id_column = headers.index("身份证号")
    width = len(headers)
    for index, row in enumerate(raw[header_index + 1 :], start=header_index + 2):
        cells = [cell_text(cell) for cell in row[:width]]
        cells += [""] * (width - len(cells))
        if _blank(cells):
            continue
        if len(table.rows) >= max_rows:
            raise RosterFileError(too_many_rows(max_rows))
        original = row[id_column] if id_column < len(row) else None
        if isinstance(original, int | float) and not isinstance(original, bool):
            table.numeric_cells.add((index, id_column))
        table.rows.append((index, cells))
    if not table.rows:
        raise RosterFileError("文件中只有表头，没有数据行。")
    return table

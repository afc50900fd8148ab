"""Reading an uploaded roster (xlsx or CSV) into rows of text cells, whatever Excel did to it.

Everything a user can upload ends in either a table or a ``RosterFileError`` with a message in
Chinese: empty files, wrong headers, broken zips, PDFs and pictures alike. Nothing here touches
the database.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from jifen.roster.columns import BY_HEADER, EXPORT_EXTRA_HEADERS, HEADERS, MAX_ROWS

# A roster has nine columns; reading a few more lets a user's extra notes columns through.
MAX_COLUMNS = 40
# The header may sit under a title line or two ("XX党支部党员花名册").
HEADER_SEARCH_ROWS = 10
# 20,000 rows of a roster unpack to about 10 MB of XML.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_INVISIBLE = str.maketrans({"\ufeff": None, "\u200b": None, "\u00a0": " ", "\u3000": " "})


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


def cell_text(value: object) -> str:
    """One cell as text: real dates as YYYY-MM-DD, whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    text = str(value).translate(_INVISIBLE).strip()
    # Our own exports put an apostrophe before a would-be formula; take it off again.
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        text = text[1:]
    return text


def _sniff(data: bytes) -> str:
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise RosterFileError(
            "这是旧版 Excel（.xls）文件，暂不支持。请在 Excel 中“另存为”.xlsx 或 CSV 后再上传。"
        )
    if data.startswith((b"PK\x05\x06", b"PK\x07\x08")):
        raise RosterFileError("文件已损坏或不是有效的 xlsx 文件，请在 Excel 中重新保存后再上传。")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise RosterFileError(
            "这是 UTF-16 编码的文本文件，暂不支持。请另存为“CSV UTF-8（逗号分隔）”或 .xlsx。"
        )
    if b"\x00" in data[:4096]:
        raise RosterFileError("这不是表格文件。请上传 .xlsx 或 .csv 格式的花名册。")
    return "csv"


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "UTF-8（带 BOM）"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "GB18030"
    except UnicodeDecodeError:
        raise RosterFileError(
            "无法识别文件的编码。请使用 UTF-8 或 GB18030（GBK）编码的 CSV，或上传 .xlsx。"
        ) from None


def _too_many() -> RosterFileError:
    return RosterFileError(f"数据超过 {MAX_ROWS} 行。请把花名册分成几个文件，分批导入。")


def _collect(rows: Iterable[Sequence[object]]) -> list[list[object]]:
    """The rows, stopping with a message (never silently) once there are too many."""
    collected: list[list[object]] = []
    filled = 0
    for row in rows:
        cells = list(row[:MAX_COLUMNS])
        collected.append(cells)
        if any(cell not in (None, "") for cell in cells):
            filled += 1
            if filled > MAX_ROWS + HEADER_SEARCH_ROWS:
                raise _too_many()
        elif len(collected) > 20 * MAX_ROWS:
            raise _too_many()
    return collected


def _csv_rows(data: bytes) -> tuple[list[list[object]], str]:
    try:
        text, encoding = _decode(data)
    except UnicodeDecodeError:
        raise RosterFileError("文件以 UTF-8 BOM 开头，但内容不是有效的 UTF-8。") from None
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = _collect(reader)
    except csv.Error as error:
        raise RosterFileError(f"CSV 文件格式有误（第 {reader.line_num} 行）：{error}") from None
    return rows, encoding


def _xlsx_rows(data: bytes) -> list[list[object]]:
    from openpyxl import load_workbook

    broken = "文件已损坏或不是有效的 xlsx 文件，请在 Excel 中重新保存后再上传。"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise RosterFileError(broken) from None
    if unpacked > MAX_UNPACKED_BYTES:
        # A few megabytes that unpack to gigabytes would keep the server parsing for minutes.
        raise RosterFileError("xlsx 文件解压后过大，不像是花名册。请只保留花名册工作表后重新保存。")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # any parser failure on an untrusted file means the same to the user
        raise RosterFileError(broken) from None
    try:
        names = workbook.sheetnames
        if not names:
            raise RosterFileError("xlsx 文件中没有工作表。")
        sheet = workbook["花名册"] if "花名册" in names else workbook[names[0]]
        sheet.reset_dimensions()  # some generators write a wrong size; read what is there
        rows = _collect(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True))
    except RosterFileError:
        raise
    except Exception:
        raise RosterFileError(broken) from None
    finally:
        workbook.close()
    return rows


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


def table_read(data: bytes, filename: str = "") -> Table:
    """The roster in ``data``; raises RosterFileError with a message for the user."""
    if not data.strip():
        raise RosterFileError("文件是空的。请下载模板，填写后再上传。")
    file_format = _sniff(data)
    encoding = ""
    if file_format == "xlsx":
        raw = _xlsx_rows(data)
    else:
        raw, encoding = _csv_rows(data)

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
        if len(table.rows) >= MAX_ROWS:
            raise _too_many()
        original = row[id_column] if id_column < len(row) else None
        if isinstance(original, int | float) and not isinstance(original, bool):
            table.numeric_cells.add((index, id_column))
        table.rows.append((index, cells))
    if not table.rows:
        raise RosterFileError("文件中只有表头，没有数据行。")
    return table

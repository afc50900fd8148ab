"""Reading an uploaded spreadsheet (xlsx, or CSV in UTF-8 / UTF-8 with BOM / GB18030) into rows,
whatever Excel or WPS did to it. Shared by every upload (the roster, monthly figures, sign-in
sheets, grades, …).

Pure Python, no Django. Everything a user can upload ends either in rows or in a
``SpreadsheetError`` whose message, in Chinese, says what to do.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from openpyxl import load_workbook

from jifen.documents.formulas import FORMULA_STARTS

_INVISIBLE = str.maketrans({"\ufeff": None, "\u200b": None, "\u00a0": " ", "\u3000": " "})
BROKEN_XLSX = "文件已损坏或不是有效的 xlsx 文件，请在 Excel 中重新保存后再上传。"
# 20,000 rows of a roster unpack to about 10 MB of XML; far more is a zip bomb, not a sheet.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024


class SpreadsheetError(Exception):
    """The file as a whole cannot be read; the message is for the user."""


@dataclass(frozen=True)
class Limits:
    rows: int
    columns: int = 40
    # Rows tolerated above the header (a title line such as "XX党支部党员花名册").
    header_search: int = 10
    what: str = "表格"  # how messages name the file: 花名册, 月度数据 …


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


def sniff(data: bytes, limits: Limits) -> str:
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise SpreadsheetError(
            "这是旧版 Excel（.xls）文件，暂不支持。请在 Excel 中“另存为”.xlsx 或 CSV 后再上传。"
        )
    if data.startswith((b"PK\x05\x06", b"PK\x07\x08")):
        raise SpreadsheetError(BROKEN_XLSX)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SpreadsheetError(
            "这是 UTF-16 编码的文本文件，暂不支持。请另存为“CSV UTF-8（逗号分隔）”或 .xlsx。"
        )
    if b"\x00" in data[:4096]:
        raise SpreadsheetError(f"这不是表格文件。请上传 .xlsx 或 .csv 格式的{limits.what}。")
    return "csv"


def decode(data: bytes) -> tuple[str, str]:
    """The text and the name of its encoding: UTF-8 with or without BOM, else GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "UTF-8（带 BOM）"
        except UnicodeDecodeError:
            raise SpreadsheetError("文件以 UTF-8 BOM 开头，但内容不是有效的 UTF-8。") from None
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "GB18030"
    except UnicodeDecodeError:
        raise SpreadsheetError(
            "无法识别文件的编码。请使用 UTF-8 或 GB18030（GBK）编码的 CSV，或上传 .xlsx。"
        ) from None


def too_many(limits: Limits) -> SpreadsheetError:
    return SpreadsheetError(f"数据超过 {limits.rows} 行。请把{limits.what}分成几个文件，分批导入。")


def _collect(rows: Iterable[Sequence[object]], limits: Limits) -> list[list[object]]:
    """The rows, stopping with a message (never silently) once there are too many."""
    collected: list[list[object]] = []
    filled = 0
    for row in rows:
        cells = list(row[: limits.columns])
        collected.append(cells)
        if any(cell not in (None, "") for cell in cells):
            filled += 1
            if filled > limits.rows + limits.header_search:
                raise too_many(limits)
        elif len(collected) > 20 * limits.rows:
            raise too_many(limits)
    return collected


def csv_rows(data: bytes, limits: Limits) -> tuple[list[list[object]], str]:
    text, encoding = decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = _collect(reader, limits)
    except csv.Error as error:
        raise SpreadsheetError(f"CSV 文件格式有误（第 {reader.line_num} 行）：{error}") from None
    return rows, encoding


def xlsx_rows(data: bytes, limits: Limits, prefer_sheet: str | None = None) -> list[list[object]]:

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise SpreadsheetError(BROKEN_XLSX) from None
    if unpacked > MAX_UNPACKED_BYTES:
        # A few megabytes that unpack to gigabytes would keep the server parsing for minutes.
        raise SpreadsheetError(
            f"xlsx 文件解压后过大，不像是{limits.what}。请只保留{limits.what}工作表后重新保存。"
        )
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # any parser failure on an untrusted file means the same to the user
        raise SpreadsheetError(BROKEN_XLSX) from None
    try:
        names = workbook.sheetnames
        if not names:
            raise SpreadsheetError("xlsx 文件中没有工作表。")
        sheet = workbook[prefer_sheet] if prefer_sheet in names else workbook[names[0]]
        sheet.reset_dimensions()  # some generators write a wrong size; read what is there
        rows = _collect(sheet.iter_rows(max_col=limits.columns, values_only=True), limits)
    except SpreadsheetError:
        raise
    except Exception:
        raise SpreadsheetError(BROKEN_XLSX) from None
    finally:
        workbook.close()
    return rows


def read_rows(
    data: bytes, limits: Limits, prefer_sheet: str | None = None
) -> tuple[list[list[object]], str, str]:
    """(raw rows, "xlsx" | "csv", encoding) of an uploaded file."""
    if not data.strip():
        raise SpreadsheetError(f"文件是空的。请下载模板，填写{limits.what}后再上传。")
    file_format = sniff(data, limits)
    if file_format == "xlsx":
        return xlsx_rows(data, limits, prefer_sheet), file_format, ""
    rows, encoding = csv_rows(data, limits)
    return rows, file_format, encoding

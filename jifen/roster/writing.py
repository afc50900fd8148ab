"""Writing rosters: the template to fill in and the export, as xlsx and as CSV.

No exported cell may begin a formula. A text value starting with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return is written with a leading apostrophe (``'=1+1``), in xlsx and CSV alike
(OWASP's advice for CSV injection); the import takes that apostrophe off again, so an exported
roster can be imported back unchanged.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any

from jifen.roster.columns import COLUMNS, EXPORT_EXTRA_HEADERS, HEADERS
from jifen.spreadsheets import formula_safe

Cell = str | dt.date | None


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """UTF-8 with a BOM, so that Excel on Windows opens the Chinese correctly."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(
            [
                ""
                if cell is None
                else cell.isoformat()
                if isinstance(cell, dt.date)
                else formula_safe(cell)
                for cell in row
            ]
        )
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def xlsx_bytes(
    headers: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    *,
    title: str = "花名册",
    notes: Sequence[Sequence[str]] = (),
    with_choices: bool = False,
) -> bytes:
    """One sheet of rows under a bold header; ID and phone columns formatted as text, dates
    as real dates; an optional second sheet of notes (填写说明)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook always has its first sheet  # noqa: S101
    sheet.title = title
    sheet.append(list(headers))
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="FDECEA")
    widths = {column.header: column.width for column in COLUMNS}
    text_columns: list[int] = []
    for index, header in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = bold
        cell.fill = fill
        sheet.column_dimensions[get_column_letter(index)].width = widths.get(header, 24)
        if header in {"身份证号", "手机号", "所在组织代码"}:
            text_columns.append(index)
    sheet.freeze_panes = "A2"
    for row_index, row in enumerate(rows, start=2):
        for column_index, value in enumerate(row, start=1):
            if value is None or value == "":
                continue
            cell = sheet.cell(row=row_index, column=column_index)
            if isinstance(value, dt.date):
                cell.value = value
                cell.number_format = "yyyy-mm-dd"
            else:
                cell.value = formula_safe(value)
                cell.data_type = "s"  # text, whatever it looks like
                if column_index in text_columns:
                    cell.number_format = "@"
    for index in text_columns:
        # New cells typed into these columns stay text: an ID number never becomes 3.2E+17.
        sheet.column_dimensions[get_column_letter(index)].number_format = "@"
    if with_choices:
        _add_choices(sheet, headers)
    if notes:
        help_sheet = workbook.create_sheet("填写说明")
        for line in notes:
            help_sheet.append([formula_safe(part) for part in line])
        help_sheet.column_dimensions["A"].width = 18
        help_sheet.column_dimensions["B"].width = 80
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _add_choices(sheet: Any, headers: Sequence[str]) -> None:
    """Drop-down lists for 性别 and 类别 in the template's first 2,000 rows."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    for header, choices in (
        ("性别", "男,女"),
        ("类别", "正式党员,预备党员,发展对象,入党积极分子"),
    ):
        letter = get_column_letter(list(headers).index(header) + 1)
        validation = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
        validation.error = f"请从下拉列表中选择：{choices.replace(',', '、')}"
        validation.errorTitle = header
        sheet.add_data_validation(validation)
        validation.add(f"{letter}2:{letter}2001")


def template_notes(organizations: Iterable[tuple[str, str]]) -> list[list[str]]:
    """The 填写说明 sheet: one line per column, then the organization codes that may be used."""
    lines: list[list[str]] = [["列", "填写要求"]]
    lines += [[column.header, column.hint] for column in COLUMNS]
    lines += [
        ["日期", "可写成 2020-07-01、2020/7/1、2020年7月1日，或使用 Excel 的日期格式"],
        ["身份证号", "同一文件中不能重复；已登记的人员按身份证号更新，不会重复新增"],
        [],
        ["组织代码", "组织名称"],
    ]
    lines += [[code, name] for code, name in organizations]
    return lines


TEMPLATE_HEADERS: tuple[str, ...] = HEADERS
EXPORT_HEADERS: tuple[str, ...] = (*HEADERS, *EXPORT_EXTRA_HEADERS)

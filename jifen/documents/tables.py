"""Writing plain tables — a header row and rows, such as the roster's template and export or the
monthly figures' template — as xlsx and as CSV, for people to fill in and import back.

No written cell begins a formula (see ``formulas``); ID-like columns stay text, so an ID number
never becomes 3.2E+17.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from jifen.documents.formulas import formula_safe
from jifen.documents.names import sheet_title

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
    title: str = "Sheet1",
    notes: Sequence[Sequence[str]] = (),
    widths: Mapping[str, int] | None = None,
    text_columns: Collection[str] = (),
    choices: Mapping[str, str] | None = None,
) -> bytes:
    """One sheet of rows under a bold header; the ``text_columns`` (by header) formatted as
    text, dates as real dates; drop-down ``choices`` ("男,女") by header; an optional second
    sheet of notes (填写说明). A column not in ``widths`` is 24 characters wide."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook always has its first sheet  # noqa: S101
    sheet.title = sheet_title(title)
    sheet.append(list(headers))
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="FDECEA")
    widths = widths or {}
    text_indexes: list[int] = []
    for index, header in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = bold
        cell.fill = fill
        sheet.column_dimensions[get_column_letter(index)].width = widths.get(header, 24)
        if header in text_columns:
            text_indexes.append(index)
    sheet.freeze_panes = "A2"
    _write_rows(sheet, rows, text_indexes)
    for index in text_indexes:
        # New cells typed into these columns stay text: an ID number never becomes 3.2E+17.
        sheet.column_dimensions[get_column_letter(index)].number_format = "@"
    if choices:
        _add_choices(sheet, headers, choices)
    if notes:
        help_sheet = workbook.create_sheet("填写说明")
        for line in notes:
            help_sheet.append([formula_safe(part) for part in line])
        help_sheet.column_dimensions["A"].width = 18
        help_sheet.column_dimensions["B"].width = 80
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_rows(sheet: Any, rows: Iterable[Sequence[Cell]], text_indexes: list[int]) -> None:
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
                if column_index in text_indexes:
                    cell.number_format = "@"


def _add_choices(sheet: Any, headers: Sequence[str], choices: Mapping[str, str]) -> None:
    """Drop-down lists in the first 2,000 rows of the columns named in ``choices``."""
    for header, allowed in choices.items():
        letter = get_column_letter(list(headers).index(header) + 1)
        validation = DataValidation(type="list", formula1=f'"{allowed}"', allow_blank=True)
        validation.error = f"请从下拉列表中选择：{allowed.replace(',', '、')}"
        validation.errorTitle = header
        sheet.add_data_validation(validation)
        validation.add(f"{letter}2:{letter}2001")

"""The forms offices file and sign, as xlsx: a title, header rows, the rows, signature lines.

Every form (登记表, 统计表, the quarterly sheet, the 公示 list, bulletins, 打分表) goes through
``form_xlsx`` so they all print on A4, repeat their header rows on every page, keep numbers as
numbers (Decimal, two places) and never write a cell that begins a formula.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter, range_boundaries

from jifen.documents.formulas import formula_safe
from jifen.documents.names import file_name, sheet_title

Cell = str | int | Decimal | dt.date | None


@dataclass(frozen=True)
class Form:
    """One sheet of a workbook, laid out like the paper form."""

    title: str  # the form's name, printed large over the table (党员积分量化登记表)
    headers: Sequence[Sequence[Cell]]  # one or more header rows; "" under a merged heading
    rows: Sequence[Sequence[Cell]]
    sheet_name: str = ""  # defaults to the title (Excel allows 31 characters)
    subtitle: str = ""  # 单位、年度、期间 …
    footer: Sequence[str] = ()  # signature lines: "支部书记签名：________  日期：________"
    widths: Sequence[int] = ()  # column widths in characters; 12 when not given
    landscape: bool = False
    merges: Sequence[str] = field(default_factory=tuple)  # extra merges in the header, "A3:A4"
    text_columns: Sequence[int] = ()  # 0-based columns of running text, printed left-aligned


def _put(sheet: object, row: int, column: int, value: Cell) -> object:
    cell = sheet.cell(row=row, column=column)  # type: ignore[attr-defined]
    if value is None or value == "":
        return cell
    if isinstance(value, dt.date):
        cell.value = value
        cell.number_format = "yyyy-mm-dd"
    elif isinstance(value, Decimal):
        cell.value = value
        cell.number_format = "0.00"
    elif isinstance(value, int):
        cell.value = value
    else:
        cell.value = formula_safe(str(value))
        cell.data_type = "s"  # text, whatever it looks like
    return cell


# Row heights, in points. A spreadsheet does not size a row to its wrapped text when the file
# is opened (Excel never; LibreOffice not for merged cells), so a header whose text wraps to
# three lines in a row one line high is drawn over the row below it. Every row that holds text
# is given the height its longest cell needs, measured the way the columns are: a column's
# width counts characters of the default font, a Chinese character takes two of them.
LINE = 14.5  # one line of 11-point text
TITLE_LINE = 24.0  # one line of the 16-point title
PADDING = 4.0


def text_width(text: str) -> int:
    """``text``'s width in column units: full-width (Chinese) characters count two, and so do
    the ambiguous ones (“”、…), which Chinese fonts draw full width."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in text)


def lines_needed(text: str, width: float) -> int:
    """How many lines ``text`` wraps to in a cell ``width`` characters wide."""
    usable = max(width - 1, 1)  # a cell's margins take about one character
    return sum(max(1, math.ceil(text_width(part) / usable)) for part in text.split("\n"))


def _widths(form: Form, columns: int) -> list[float]:
    return [float(form.widths[c]) if c < len(form.widths) else 12.0 for c in range(columns)]


def _spans(form: Form, widths: list[float]) -> dict[tuple[int, int], tuple[float, int]]:
    """Each merged header cell's top-left (row, column): its width and how many rows it spans."""
    spans = {}
    for merge in form.merges:
        first_col, first_row, last_col, last_row = range_boundaries(merge)
        width = sum(widths[first_col - 1 : last_col])
        spans[(first_row, first_col)] = (width, last_row - first_row + 1)
    return spans


def _fit_rows(sheet: object, form: Form, first: int, last: int) -> None:
    """Rows ``first`` to ``last`` (the header and data rows) as tall as their text needs."""
    columns = sheet.max_column  # type: ignore[attr-defined]
    widths = _widths(form, columns)
    spans = _spans(form, widths)
    heights: dict[int, float] = {}
    tall: list[tuple[int, int, float]] = []  # cells over several rows: first, rows, height
    for row in range(first, last + 1):
        need = LINE + PADDING
        for column in range(1, columns + 1):
            value = sheet.cell(row=row, column=column).value  # type: ignore[attr-defined]
            if not isinstance(value, str) or not value:
                continue
            width, rows = spans.get((row, column), (widths[column - 1], 1))
            height = lines_needed(value, width) * LINE + PADDING
            if rows > 1:
                tall.append((row, rows, height))
            else:
                need = max(need, height)
        heights[row] = need
    for row, rows, height in tall:
        have = sum(heights.get(r, LINE + PADDING) for r in range(row, row + rows))
        if height > have:
            heights[row + rows - 1] = heights.get(row + rows - 1, 0) + height - have
    for row, height in heights.items():
        if height > LINE + PADDING:
            sheet.row_dimensions[row].height = height  # type: ignore[attr-defined]


def _whole_width_height(text: str, total: float, line: float) -> float:
    return lines_needed(text, total) * line + PADDING


def form_xlsx(*forms: Form) -> bytes:
    """A workbook with one sheet per form."""

    workbook = Workbook()
    workbook.remove(workbook.active)
    for form in forms:
        _write(workbook, form)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write(workbook: object, form: Form) -> None:

    thin = Side(style="thin", color="000000")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    wrap = Alignment(vertical="center", wrap_text=True)
    # A sheet's title is not a cell (no formula can run from it); it comes from what people
    # typed (a person's name in the 登记表), so it is made one Excel accepts.
    taken = workbook.sheetnames  # type: ignore[attr-defined]
    sheet = workbook.create_sheet(  # type: ignore[attr-defined]
        sheet_title(form.sheet_name or form.title, taken)
    )
    columns = max((len(r) for r in [*form.headers, *form.rows]), default=1)
    last = get_column_letter(columns)
    sheet.append([formula_safe(form.title)])
    sheet.merge_cells(f"A1:{last}1")
    sheet["A1"].font = Font(bold=True, size=16)
    sheet["A1"].alignment = centre
    total = sum(_widths(form, columns))
    # The title is 16-point: a Chinese character takes about three and a half columns.
    sheet.row_dimensions[1].height = max(
        30.0, _whole_width_height(form.title, total / 1.75, TITLE_LINE)
    )
    row = 2
    if form.subtitle:
        cell = _put(sheet, row, 1, form.subtitle)
        cell.alignment = wrap  # type: ignore[attr-defined]
        sheet.merge_cells(f"A{row}:{last}{row}")
        sheet.row_dimensions[row].height = max(
            20.0, _whole_width_height(form.subtitle, total, LINE)
        )
        row += 1
    first_header = row
    for header in form.headers:
        for column, value in enumerate(header, start=1):
            cell = _put(sheet, row, column, value)
            cell.font = Font(bold=True)  # type: ignore[attr-defined]
            cell.alignment = centre  # type: ignore[attr-defined]
            cell.border = box  # type: ignore[attr-defined]
        row += 1
    for merge in form.merges:
        sheet.merge_cells(merge)
    if form.headers:
        sheet.print_title_rows = f"{first_header}:{row - 1}"
        sheet.freeze_panes = f"A{row}"
    for values in form.rows:
        for column, value in enumerate(values, start=1):
            cell = _put(sheet, row, column, value)
            cell.border = box  # type: ignore[attr-defined]
            cell.alignment = wrap  # type: ignore[attr-defined]
        row += 1
    _fit_rows(sheet, form, first_header, row - 1)
    row += 1
    for line in form.footer:
        cell = _put(sheet, row, 1, line)
        cell.alignment = wrap  # type: ignore[attr-defined]
        sheet.merge_cells(f"A{row}:{last}{row}")
        sheet.row_dimensions[row].height = max(28.0, _whole_width_height(line, total, LINE))
        row += 1
    for column in range(1, columns + 1):
        width = form.widths[column - 1] if column <= len(form.widths) else 12
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if form.landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    """A download of ``data`` named ``filename`` (Chinese names survive: RFC 6266 encoding; a
    ``/`` from a person's or an organization's name does not reach the browser)."""
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, file_name(filename))
    return response

"""The forms offices file and sign, as xlsx: a title, header rows, the rows, signature lines.

Every form (登记表, 统计表, the quarterly sheet, the 公示 list, bulletins, 打分表) goes through
``form_xlsx`` so they all print on A4, repeat their header rows on every page, keep numbers as
numbers (Decimal, two places) and never write a cell that begins a formula.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from jifen.documents.formulas import formula_safe

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
    sheet = workbook.create_sheet(  # type: ignore[attr-defined]
        formula_safe(form.sheet_name or form.title)[:31]
    )
    columns = max((len(r) for r in [*form.headers, *form.rows]), default=1)
    last = get_column_letter(columns)
    sheet.append([formula_safe(form.title)])
    sheet.merge_cells(f"A1:{last}1")
    sheet["A1"].font = Font(bold=True, size=16)
    sheet["A1"].alignment = centre
    sheet.row_dimensions[1].height = 30
    row = 2
    if form.subtitle:
        _put(sheet, row, 1, form.subtitle)
        sheet.merge_cells(f"A{row}:{last}{row}")
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
    row += 1
    for line in form.footer:
        _put(sheet, row, 1, line)
        sheet.merge_cells(f"A{row}:{last}{row}")
        sheet.row_dimensions[row].height = 28
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
    """A download of ``data`` named ``filename`` (Chinese names survive: RFC 6266 encoding)."""

    response = HttpResponse(data, content_type=XLSX_TYPE)

    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response

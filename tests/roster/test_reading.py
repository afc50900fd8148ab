"""Reading and checking without the database: dates, cells, delimiters, sheets."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from jifen.roster.checks import date_parse
from jifen.roster.columns import HEADERS
from jifen.roster.reading import RosterFileError, cell_text, table_read
from tests.roster.conftest import csv_bytes, roster_row


@pytest.mark.parametrize(
    "text",
    [
        "2020-07-01",
        "2020-7-1",
        "2020/7/1",
        "2020/07/01",
        "2020年7月1日",
        "2020年07月01日",
        "2020.7.1",
        "20200701",
    ],
)
def test_every_accepted_date_shape(text: str) -> None:
    assert date_parse(text) == dt.date(2020, 7, 1)


@pytest.mark.parametrize(
    "text", ["2020-02-30", "7/1/2020", "2020-7", "昨天", "2020-13-01", "44000"]
)
def test_dates_that_are_refused(text: str) -> None:
    assert date_parse(text) is None


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (dt.datetime(2020, 7, 1, 0, 0), "2020-07-01"),
        (dt.date(2020, 7, 1), "2020-07-01"),
        (13812345678, "13812345678"),
        (13812345678.0, "13812345678"),
        ("  张三\u3000", "张三"),
        ("\ufeff姓名", "姓名"),
        ("'=1+1", "=1+1"),  # our own escaping, undone
        ("'张三", "'张三"),  # an apostrophe that is not ours stays
    ],
)
def test_cell_text(value: object, text: str) -> None:
    assert cell_text(value) == text


def test_tab_separated_text_is_read() -> None:
    lines = ["\t".join(HEADERS), "\t".join(str(c) for c in roster_row("张三", 1))]
    table = table_read("\n".join(lines).encode("utf-8"))
    assert table.rows[0][1][0] == "张三"


def test_the_sheet_named_roster_is_read_first() -> None:
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    first.title = "说明"
    first.append(["这里不是花名册"])
    sheet = workbook.create_sheet("花名册")
    sheet.append(list(HEADERS))
    sheet.append(roster_row("张三", 1))
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = table_read(buffer.getvalue())
    assert table.file_format == "xlsx"
    assert [row[0] for _, row in table.rows] == ["张三"]


def test_a_repeated_header_is_refused() -> None:
    data = csv_bytes([[*roster_row("张三", 1), "男"]], headers=[*HEADERS, "性别"])
    with pytest.raises(RosterFileError, match="表头中以下列出现了不止一次：性别"):
        table_read(data)


def test_blank_rows_between_data_keep_the_excel_row_numbers() -> None:
    data = csv_bytes([roster_row("甲", 1), [""] * 9, roster_row("乙", 2)])
    table = table_read(data)
    assert [number for number, _ in table.rows] == [2, 4]


def test_blank_rows_in_xlsx_keep_the_excel_row_numbers() -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(HEADERS))
    sheet.append(roster_row("甲", 1))
    sheet.cell(row=5, column=1, value="乙")
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = table_read(buffer.getvalue())
    assert [number for number, _ in table.rows] == [2, 5]


def test_headers_with_spaces_and_common_other_names_are_understood() -> None:
    headers = ["姓　名", "性 别", "身份证号码", "联系电话", "党员类别", *HEADERS[5:]]
    table = table_read(csv_bytes([roster_row("张三", 1)], headers=headers))
    assert table.headers == list(HEADERS)


def test_a_date_with_a_midnight_time_is_a_date() -> None:
    assert date_parse("2020-07-01 00:00:00") == dt.date(2020, 7, 1)
    assert date_parse("2020/7/1 0:00") == dt.date(2020, 7, 1)
    assert date_parse("2020-07-01 13:45:00") is None
